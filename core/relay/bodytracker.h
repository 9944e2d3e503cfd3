#pragma once

#include "protocol/httpmessage.h"

#include <QByteArray>

namespace wslens::relay {

// Tracks where an HTTP message body ends while its bytes are forwarded
// untouched (Content-Length, chunked with trailers, or until the connection closes).
class BodyTracker
{
public:
    enum class Kind { None, Length, Chunked, UntilClose };

    void reset(Kind kind, quint64 length = 0);
    // For a request head: None, Length or Chunked (RFC 9112 6.3, HttpHead::bodyInfo). Returns false if invalid.
    bool setupForRequest(const HttpHead &head);
    // For a response to a request with method requestMethod; a framing that
    // cannot be trusted becomes UntilClose (and false is returned).
    bool setupForResponse(const HttpHead &head, const QByteArray &requestMethod);

    // Consumes up to size bytes; returns how many belong to the body. done() is
    // true once the body is complete (the remaining bytes belong to the next message).
    qsizetype consume(const char *data, qsizetype size);
    bool done() const { return m_done; }
    bool failed() const { return m_failed; }
    Kind kind() const { return m_kind; }

private:
    bool setup(const HttpBodyInfo &info);

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
