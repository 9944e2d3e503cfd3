#include "relay/httphead.h"

#include <cstring>

namespace wslens::relay {

namespace {

bool equalsIgnoreCase(const QByteArray &a, const QByteArray &b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

bool isTokenChar(char c)
{
    if (c >= 'a' && c <= 'z') return true;
    if (c >= 'A' && c <= 'Z') return true;
    if (c >= '0' && c <= '9') return true;
    return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != 0;
}

bool parseStartLine(const QByteArray &line, bool request, HttpHead &head)
{
    const qsizetype sp1 = line.indexOf(' ');
    if (sp1 <= 0)
        return false;
    if (request) {
        const qsizetype sp2 = line.indexOf(' ', sp1 + 1);
        if (sp2 <= sp1 + 1)
            return false;
        head.method = line.left(sp1);
        head.target = line.mid(sp1 + 1, sp2 - sp1 - 1);
        head.version = line.mid(sp2 + 1);
        for (char c : head.method)
            if (!isTokenChar(c))
                return false;
        return head.version.startsWith("HTTP/1.");
    }
    head.version = line.left(sp1);
    if (!head.version.startsWith("HTTP/1."))
        return false;
    const qsizetype sp2 = line.indexOf(' ', sp1 + 1);
    const QByteArray code = sp2 < 0 ? line.mid(sp1 + 1) : line.mid(sp1 + 1, sp2 - sp1 - 1);
    bool ok = false;
    head.status = code.toInt(&ok);
    if (!ok || code.size() != 3 || head.status < 100)
        return false;
    head.reason = sp2 < 0 ? QByteArray() : line.mid(sp2 + 1);
    return true;
}

} // namespace

QByteArray HttpHead::value(const QByteArray &name) const
{
    for (const auto &h : headers)
        if (equalsIgnoreCase(h.first, name))
            return h.second;
    return {};
}

bool HttpHead::has(const QByteArray &name) const
{
    for (const auto &h : headers)
        if (equalsIgnoreCase(h.first, name))
            return true;
    return false;
}

bool HttpHead::hasToken(const QByteArray &name, const QByteArray &token) const
{
    for (const auto &h : headers) {
        if (!equalsIgnoreCase(h.first, name))
            continue;
        for (const QByteArray &part : h.second.split(','))
            if (equalsIgnoreCase(part.trimmed(), token))
                return true;
    }
    return false;
}

void HttpHead::remove(const QByteArray &name)
{
    headers.removeIf([&](const QPair<QByteArray, QByteArray> &h) { return equalsIgnoreCase(h.first, name); });
}

void HttpHead::set(const QByteArray &name, const QByteArray &newValue)
{
    for (auto &h : headers) {
        if (equalsIgnoreCase(h.first, name)) {
            h.second = newValue;
            return;
        }
    }
    headers.append({name, newValue});
}

bool HttpHead::isWebSocketUpgrade() const
{
    return isRequest && hasToken("Upgrade", "websocket") && hasToken("Connection", "upgrade");
}

QByteArray HttpHead::serialize() const
{
    QByteArray out;
    out.reserve(256);
    if (isRequest) {
        out += method;
        out += ' ';
        out += target;
        out += ' ';
        out += version;
    } else {
        out += version;
        out += ' ';
        out += QByteArray::number(status);
        out += ' ';
        out += reason;
    }
    out += "\r\n";
    for (const auto &h : headers) {
        out += h.first;
        out += ": ";
        out += h.second;
        out += "\r\n";
    }
    out += "\r\n";
    return out;
}

HeadStatus parseHttpHead(const QByteArray &buffer, bool request, const HeadLimits &limits,
                         HttpHead &head, qsizetype &headLength, QByteArray *error)
{
    auto fail = [&](const char *why) {
        if (error)
            *error = why;
        return HeadStatus::Invalid;
    };
    // Tolerate empty lines before a request line (RFC 7230 3.5).
    qsizetype start = 0;
    while (start + 1 < buffer.size() && buffer.at(start) == '\r' && buffer.at(start + 1) == '\n')
        start += 2;
    const qsizetype searchEnd = qMin<qsizetype>(buffer.size(), start + limits.maxBytes);
    qsizetype end = -1;
    qsizetype lineStart = start;
    int lines = 0;
    for (qsizetype pos = start; pos < searchEnd; ++pos) {
        if (buffer.at(pos) != '\n')
            continue;
        if (++lines > limits.maxLines)
            return error ? (*error = "too many header lines", HeadStatus::TooLarge) : HeadStatus::TooLarge;
        const qsizetype lineLen = pos - lineStart - ((pos > lineStart && buffer.at(pos - 1) == '\r') ? 1 : 0);
        if (lineLen == 0 && lines > 1) {
            end = pos + 1;
            break;
        }
        lineStart = pos + 1;
    }
    if (end < 0) {
        if (buffer.size() - start >= limits.maxBytes)
            return error ? (*error = "head too large", HeadStatus::TooLarge) : HeadStatus::TooLarge;
        return HeadStatus::NeedMore;
    }

    head = HttpHead();
    head.isRequest = request;
    const QByteArray text = buffer.mid(start, end - start);
    const QList<QByteArray> rawLines = text.split('\n');
    bool first = true;
    for (QByteArray line : rawLines) {
        if (line.endsWith('\r'))
            line.chop(1);
        if (first) {
            if (!parseStartLine(line, request, head))
                return fail(request ? "malformed request line" : "malformed status line");
            first = false;
            continue;
        }
        if (line.isEmpty())
            continue;
        if (line.at(0) == ' ' || line.at(0) == '\t')
            return fail("obsolete header line folding");
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return fail("header line without a colon");
        const QByteArray name = line.left(colon);
        for (char c : name)
            if (!isTokenChar(c))
                return fail("invalid character in a header name");
        head.headers.append({name, line.mid(colon + 1).trimmed()});
    }
    headLength = end;
    return HeadStatus::Complete;
}

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

bool BodyTracker::setupForRequest(const HttpHead &head)
{
    if (head.has("Transfer-Encoding")) {
        if (!head.value("Transfer-Encoding").trimmed().toLower().endsWith("chunked"))
            return false; // a request body must be delimited
        reset(Kind::Chunked);
        return true;
    }
    if (head.has("Content-Length")) {
        bool ok = false;
        const quint64 len = head.value("Content-Length").trimmed().toULongLong(&ok);
        if (!ok)
            return false;
        reset(Kind::Length, len);
        return true;
    }
    reset(Kind::None);
    return true;
}

bool BodyTracker::setupForResponse(const HttpHead &head, const QByteArray &requestMethod)
{
    if (requestMethod == "HEAD" || (head.status >= 100 && head.status < 200) || head.status == 204
        || head.status == 304) {
        reset(Kind::None);
        return true;
    }
    if (requestMethod == "CONNECT" && head.status >= 200 && head.status < 300) {
        reset(Kind::UntilClose);
        return true;
    }
    if (head.has("Transfer-Encoding")) {
        if (head.value("Transfer-Encoding").trimmed().toLower().endsWith("chunked"))
            reset(Kind::Chunked);
        else
            reset(Kind::UntilClose);
        return true;
    }
    if (head.has("Content-Length")) {
        bool ok = false;
        const quint64 len = head.value("Content-Length").trimmed().toULongLong(&ok);
        if (!ok) {
            reset(Kind::UntilClose);
            return false;
        }
        reset(Kind::Length, len);
        return true;
    }
    reset(Kind::UntilClose);
    return true;
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
