#include "relay/bodytracker.h"

namespace wslens::relay {

void BodyTracker::reset(Kind kind, quint64 length)
{
    m_kind = kind;
    m_remaining = length;
    m_failed = false;
    m_chunk = ChunkState::Size;
    m_sizeDigits = 0;
    m_trailerLineLength = 0;
    m_done = kind == Kind::None || (kind == Kind::Length && length == 0);
}

bool BodyTracker::setup(const HttpBodyInfo &info)
{
    switch (info.framing) {
    case HttpBodyFraming::ContentLength:
        reset(Kind::Length, info.contentLength);
        return true;
    case HttpBodyFraming::Chunked:
        reset(Kind::Chunked);
        return true;
    case HttpBodyFraming::None:
        reset(Kind::None);
        return true;
    case HttpBodyFraming::UntilClose:
    case HttpBodyFraming::Tunnel: // a 2xx to CONNECT: the rest of the connection
        reset(Kind::UntilClose);
        return true;
    case HttpBodyFraming::Invalid:
        break;
    }
    reset(Kind::UntilClose); // cannot tell where it ends: forward until the server closes
    return false;
}

bool BodyTracker::setupForRequest(const HttpHead &head)
{
    if (setup(head.bodyInfo()))
        return true; // a request is never UntilClose or Tunnel
    reset(Kind::None);
    return false; // a request body must be delimited
}

bool BodyTracker::setupForResponse(const HttpHead &head, const QByteArray &requestMethod)
{
    return setup(head.bodyInfo(requestMethod));
}

qsizetype BodyTracker::consume(const char *data, qsizetype size)
{
    if (m_done)
        return 0;
    switch (m_kind) {
    case Kind::None:
        return 0;
    case Kind::UntilClose:
        return size;
    case Kind::Length: {
        const qsizetype n = qsizetype(qMin<quint64>(m_remaining, quint64(size)));
        m_remaining -= quint64(n);
        m_done = m_remaining == 0;
        return n;
    }
    case Kind::Chunked:
        break;
    }
    if (m_failed)
        return size; // lost track: the rest of the connection is body
    qsizetype i = 0;
    while (i < size && !m_done) {
        const char c = data[i];
        switch (m_chunk) {
        case ChunkState::Size: {
            int digit = -1;
            if (c >= '0' && c <= '9') digit = c - '0';
            else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
            if (digit >= 0) {
                if (++m_sizeDigits > 15) {
                    m_failed = true;
                    return size;
                }
                m_remaining = m_remaining * 16 + quint64(digit);
            } else if (c == ';' || c == ' ' || c == '\t') {
                m_chunk = ChunkState::SizeExt;
            } else if (c == '\r') {
                m_chunk = ChunkState::SizeLf;
            } else if (c == '\n' && m_sizeDigits > 0) {
                m_chunk = m_remaining ? ChunkState::Data : ChunkState::Trailer;
                m_sizeDigits = 0;
            } else {
                m_failed = true;
                return size;
            }
            ++i;
            break;
        }
        case ChunkState::SizeExt:
            if (c == '\r')
                m_chunk = ChunkState::SizeLf;
            else if (c == '\n') {
                m_chunk = m_remaining ? ChunkState::Data : ChunkState::Trailer;
                m_sizeDigits = 0;
            }
            ++i;
            break;
        case ChunkState::SizeLf:
            if (c != '\n' || m_sizeDigits == 0) {
                m_failed = true;
                return size;
            }
            m_chunk = m_remaining ? ChunkState::Data : ChunkState::Trailer;
            m_sizeDigits = 0;
            ++i;
            break;
        case ChunkState::Data: {
            const qsizetype n = qsizetype(qMin<quint64>(m_remaining, quint64(size - i)));
            m_remaining -= quint64(n);
            i += n;
            if (m_remaining == 0)
                m_chunk = ChunkState::DataCr;
            break;
        }
        case ChunkState::DataCr:
            if (c == '\r')
                m_chunk = ChunkState::DataLf;
            else if (c == '\n')
                m_chunk = ChunkState::Size;
            else {
                m_failed = true;
                return size;
            }
            ++i;
            break;
        case ChunkState::DataLf:
            if (c != '\n') {
                m_failed = true;
                return size;
            }
            m_chunk = ChunkState::Size;
            ++i;
            break;
        case ChunkState::Trailer:
            if (c == '\r')
                m_chunk = ChunkState::FinalLf;
            else if (c == '\n')
                m_done = true;
            else {
                m_chunk = ChunkState::TrailerLine;
                m_trailerLineLength = 1;
            }
            ++i;
            break;
        case ChunkState::TrailerLine:
            if (c == '\n')
                m_chunk = ChunkState::Trailer;
            else if (++m_trailerLineLength > 64 * 1024) {
                m_failed = true;
                return size;
            }
            ++i;
            break;
        case ChunkState::TrailerLf:
        case ChunkState::FinalLf:
            if (c != '\n') {
                m_failed = true;
                return size;
            }
            m_done = true;
            ++i;
            break;
        }
    }
    return i;
}

} // namespace wslens::relay
