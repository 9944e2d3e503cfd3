#pragma once

// HAR 1.2 as Chrome DevTools writes it for WebSocket connections: one entry
// per connection (`_resourceType: "websocket"`) with request and response
// headers and `_webSocketMessages` [{type: "send"|"receive", time: Unix
// seconds, opcode: 1|2, data: text, or base64 for binary}].

#include "store/capturerecords.h"

#include <QByteArray>
#include <QString>

class QIODevice;

namespace wslens {

class CaptureStore;

namespace har {

// Largest HAR file read (it is parsed in memory).
constexpr qint64 kMaxHarBytes = 1024ll * 1024 * 1024;

struct ImportResult
{
    bool ok = false;
    QString error; // one line, when !ok
    int connections = 0;
    quint64 messages = 0;
    int skippedEntries = 0;  // page loads and other non-WebSocket entries
    int skippedMessages = 0; // messages without a usable type or time
};

// Feeds every WebSocket entry of a HAR document into sink: one connection
// (ConnectionMode::Imported) per entry, one final frame per message, merged in
// time order across connections (each connection keeps its own order).
ImportResult importHar(const QByteArray &json, CaptureSink &sink);
ImportResult importHarFile(const QString &path, CaptureSink &sink);

// True when data (the start of a file) looks like JSON rather than a session.
bool looksLikeJson(const QByteArray &head);

// Writes the whole store as a HAR 1.2 document: an entry per connection with
// its data messages (text and binary, as Chrome does; control frames are not
// part of Chrome's HAR). Streams entry by entry.
bool exportHar(const CaptureStore &store, QIODevice &out, QString *error);

} // namespace har
} // namespace wslens
