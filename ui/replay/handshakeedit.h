#pragma once

// Handshake changes made in the replay dialog, applied to every recorded
// connection before it is replayed: headers removed or set, another Origin,
// another subprotocol offer. No widgets.

#include "replay/clientreplay.h"
#include "replay/recording.h"

#include <QByteArray>
#include <QList>
#include <optional>

namespace wslens::ui {

struct HandshakeEdit
{
    QList<QByteArray> removed;                 // header names (case-insensitive) not sent
    HttpHeaders set;                           // replace recorded headers of that name, or added
    std::optional<QByteArray> origin;          // unset: the recorded Origin; empty: none
    std::optional<QByteArray> subprotocols;    // unset: the recorded offer; "a, b": this offer; empty: none
    bool dropCookies = false;

    // The edit turning `shown` (what the dialog showed: replayHeaders() of a
    // recording) into `edited` (what the user left in the table).
    static HandshakeEdit fromTables(const HttpHeaders &shown, const HttpHeaders &edited);
};

// Applies edit to recordings (headers, subprotocol offer) and options (set
// headers, Origin, cookies).
void applyHandshakeEdit(const HandshakeEdit &edit, QList<replay::RecordedConnection> *recordings,
                        replay::ClientReplayOptions *options);

// The recorded value of a header (first of that name), empty when absent.
QByteArray headerValue(const HttpHeaders &headers, const QByteArray &name);

} // namespace wslens::ui
