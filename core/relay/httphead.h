#pragma once

#include "store/capturerecords.h"

#include <QByteArray>

namespace wslens::relay {

// One HTTP/1.x request or response head as the relay sees it. Header names and
// values keep their original spelling; only the order-preserving list is stored.
struct HttpHead
{
    bool isRequest = true;
    QByteArray method;   // requests
    QByteArray target;   // requests: origin-form, absolute-form or authority-form
    QByteArray version;  // "HTTP/1.1"
    int status = 0;      // responses
    QByteArray reason;   // responses
    HttpHeaders headers;

    // First value of a header (case-insensitive name), or a null QByteArray.
    QByteArray value(const QByteArray &name) const;
    bool has(const QByteArray &name) const;
    // True when a comma-separated header (e.g. Connection) lists token.
    bool hasToken(const QByteArray &name, const QByteArray &token) const;
    void remove(const QByteArray &name);
    void set(const QByteArray &name, const QByteArray &value); // replaces or appends
    bool isHttp10() const { return version == "HTTP/1.0"; }
    bool isWebSocketUpgrade() const; // request: Upgrade: websocket + Connection: upgrade

    QByteArray serialize() const;
};

enum class HeadStatus { NeedMore, Complete, Invalid, TooLarge };

struct HeadLimits
{
    int maxBytes = 64 * 1024;
    int maxLines = 200;
};

// Looks for a complete head at the start of buffer. On Complete, head is
// filled and headLength is the number of bytes it used (through the blank line).
// Checks the limits as bytes arrive: a head that is not complete within
// maxBytes is TooLarge.
HeadStatus parseHttpHead(const QByteArray &buffer, bool request, const HeadLimits &limits,
                         HttpHead &head, qsizetype &headLength, QByteArray *error = nullptr);

// Tracks where an HTTP message body ends while its bytes are forwarded
// untouched (Content-Length, chunked with trailers, or until the connection closes).
class BodyTracker
{
public:
    enum class Kind { None, Length, Chunked, UntilClose };

    void reset(Kind kind, quint64 length = 0);
    // For a request head: None, Length or Chunked (RFC 7230 3.3.3). Returns false if invalid.
    bool setupForRequest(const HttpHead &head);
    // For a response to a request with method requestMethod.
    bool setupForResponse(const HttpHead &head, const QByteArray &requestMethod);

    // Consumes up to size bytes; returns how many belong to the body. done() is
    // true once the body is complete (the remaining bytes belong to the next message).
    qsizetype consume(const char *data, qsizetype size);
    bool done() const { return m_done; }
    bool failed() const { return m_failed; }
    Kind kind() const { return m_kind; }

private:
    enum class ChunkState { Size, SizeExt, SizeLf, Data, DataCr, DataLf, Trailer, TrailerLf, TrailerLine, FinalLf };
    Kind m_kind = Kind::None;
    quint64 m_remaining = 0;
    bool m_done = true;
    bool m_failed = false;
    ChunkState m_chunk = ChunkState::Size;
    int m_sizeDigits = 0;
    int m_trailerLineLength = 0;
};

} // namespace wslens::relay
