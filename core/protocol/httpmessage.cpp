#include "protocol/httpmessage.h"

#include <cstring>

namespace wslens {

namespace http {

namespace {
char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c;
}

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}
} // namespace

QByteArray trimOws(const QByteArray &s)
{
    qsizetype b = 0;
    qsizetype e = s.size();
    while (b < e && isOws(s.at(b)))
        ++b;
    while (e > b && isOws(s.at(e - 1)))
        --e;
    return s.mid(b, e - b);
}

bool equalsIgnoreCase(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (lower(a.at(i)) != lower(b.at(i)))
            return false;
    }
    return true;
}

QByteArray headerValue(const HttpHeaders &headers, const QByteArray &name)
{
    for (const auto &h : headers) {
        if (equalsIgnoreCase(h.first, name))
            return h.second;
    }
    return QByteArray();
}

QList<QByteArray> headerValues(const HttpHeaders &headers, const QByteArray &name)
{
    QList<QByteArray> out;
    for (const auto &h : headers) {
        if (equalsIgnoreCase(h.first, name))
            out.append(h.second);
    }
    return out;
}

bool hasHeader(const HttpHeaders &headers, const QByteArray &name)
{
    return headerCount(headers, name) > 0;
}

int headerCount(const HttpHeaders &headers, const QByteArray &name)
{
    int n = 0;
    for (const auto &h : headers) {
        if (equalsIgnoreCase(h.first, name))
            ++n;
    }
    return n;
}

QList<QByteArray> splitOutsideQuotes(const QByteArray &value, char separator)
{
    QList<QByteArray> out;
    QByteArray current;
    bool quoted = false;
    bool escaped = false;
    for (const char c : value) {
        if (quoted) {
            current.append(c);
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                quoted = false;
            continue;
        }
        if (c == separator) {
            out.append(trimOws(current));
            current.clear();
            continue;
        }
        if (c == '"')
            quoted = true;
        current.append(c);
    }
    out.append(trimOws(current));
    return out;
}

QList<QByteArray> splitCommaList(const QByteArray &value)
{
    QList<QByteArray> out = splitOutsideQuotes(value, ',');
    out.removeIf([](const QByteArray &e) { return e.isEmpty(); });
    return out;
}

QList<QByteArray> headerTokens(const HttpHeaders &headers, const QByteArray &name)
{
    QList<QByteArray> out;
    for (const auto &h : headers) {
        if (equalsIgnoreCase(h.first, name))
            out.append(splitCommaList(h.second));
    }
    return out;
}

bool headerHasToken(const HttpHeaders &headers, const QByteArray &name, const QByteArray &token)
{
    const QList<QByteArray> tokens = headerTokens(headers, name);
    for (const QByteArray &t : tokens) {
        if (equalsIgnoreCase(t, token))
            return true;
    }
    return false;
}

bool isTokenChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u >= '0' && u <= '9')
        return true;
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z'))
        return true;
    return u != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool isToken(const QByteArray &s)
{
    if (s.isEmpty())
        return false;
    for (const char c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool splitAbsoluteTarget(const QByteArray &target, QByteArray *scheme, QByteArray *authority,
                         QByteArray *pathAndQuery)
{
    const qsizetype sep = target.indexOf("://");
    if (sep <= 0)
        return false;
    const QByteArray s = target.left(sep);
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char c = s.at(i);
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool ok = alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
        if (!ok)
            return false;
    }
    const qsizetype hostStart = sep + 3;
    qsizetype end = hostStart;
    while (end < target.size() && target.at(end) != '/' && target.at(end) != '?' && target.at(end) != '#')
        ++end;
    const QByteArray auth = target.mid(hostStart, end - hostStart);
    if (auth.isEmpty())
        return false;
    QByteArray rest = target.mid(end);
    const qsizetype hash = rest.indexOf('#');
    if (hash >= 0)
        rest.truncate(hash);
    if (rest.isEmpty() || rest.at(0) == '?')
        rest.prepend('/');
    if (scheme)
        *scheme = s.toLower();
    if (authority)
        *authority = auth;
    if (pathAndQuery)
        *pathAndQuery = rest;
    return true;
}

} // namespace http

namespace {

bool parseVersion(const QByteArray &s, int *major, int *minor)
{
    if (s.size() != 8 || !s.startsWith("HTTP/") || s.at(6) != '.')
        return false;
    const char a = s.at(5);
    const char b = s.at(7);
    if (a < '0' || a > '9' || b < '0' || b > '9')
        return false;
    *major = a - '0';
    *minor = b - '0';
    return true;
}

bool isControl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

// Decimal digits only, no sign, fits in 63 bits.
bool parseLength(const QByteArray &s, std::uint64_t *out)
{
    if (s.isEmpty() || s.size() > 18)
        return false;
    std::uint64_t v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + std::uint64_t(c - '0');
    }
    *out = v;
    return true;
}

} // namespace

HttpBodyInfo HttpHead::bodyInfo(const QByteArray &requestMethod) const
{
    HttpBodyInfo info;
    const bool request = isRequest();
    if (!request) {
        if (statusCode == 101) {
            info.framing = HttpBodyFraming::Tunnel;
            return info;
        }
        if (http::equalsIgnoreCase(requestMethod, QByteArrayLiteral("CONNECT")) && statusCode >= 200
            && statusCode < 300) {
            info.framing = HttpBodyFraming::Tunnel;
            return info;
        }
        if ((statusCode >= 100 && statusCode < 200) || statusCode == 204 || statusCode == 304
            || http::equalsIgnoreCase(requestMethod, QByteArrayLiteral("HEAD"))) {
            info.framing = HttpBodyFraming::None;
            return info;
        }
    }

    const bool hasCl = hasHeader(QByteArrayLiteral("Content-Length"));
    const QList<QByteArray> codings = tokens(QByteArrayLiteral("Transfer-Encoding"));
    if (hasHeader(QByteArrayLiteral("Transfer-Encoding"))) {
        info.conflictingLengths = hasCl;
        int chunkedCount = 0;
        for (const QByteArray &c : codings) {
            if (http::equalsIgnoreCase(c, QByteArrayLiteral("chunked")))
                ++chunkedCount;
        }
        const bool lastIsChunked = !codings.isEmpty()
            && http::equalsIgnoreCase(codings.last(), QByteArrayLiteral("chunked"));
        if (lastIsChunked && chunkedCount == 1) {
            info.framing = HttpBodyFraming::Chunked;
            return info;
        }
        if (request || chunkedCount > 0) {
            info.framing = HttpBodyFraming::Invalid;
            info.error = QStringLiteral("RFC 9112 6.3: Transfer-Encoding must end with a single \"chunked\"");
            return info;
        }
        info.framing = HttpBodyFraming::UntilClose;
        return info;
    }

    if (hasCl) {
        const QList<QByteArray> values = tokens(QByteArrayLiteral("Content-Length"));
        std::uint64_t length = 0;
        bool first = true;
        for (const QByteArray &v : values) {
            std::uint64_t l = 0;
            if (!parseLength(v, &l) || (!first && l != length)) {
                info.framing = HttpBodyFraming::Invalid;
                info.error = QStringLiteral("RFC 9112 6.3: invalid or conflicting Content-Length");
                return info;
            }
            length = l;
            first = false;
        }
        if (values.isEmpty()) {
            info.framing = HttpBodyFraming::Invalid;
            info.error = QStringLiteral("RFC 9112 6.3: empty Content-Length");
            return info;
        }
        info.framing = HttpBodyFraming::ContentLength;
        info.contentLength = length;
        return info;
    }

    info.framing = request ? HttpBodyFraming::None : HttpBodyFraming::UntilClose;
    return info;
}

QByteArray HttpHead::toBytes() const
{
    QByteArray out;
    if (isRequest()) {
        out += method + ' ' + target + ' ' + version + "\r\n";
    } else {
        out += version + ' ' + QByteArray::number(statusCode) + ' ' + reason + "\r\n";
    }
    for (const auto &h : headers)
        out += h.first + ": " + h.second + "\r\n";
    out += "\r\n";
    return out;
}

void HttpHead::removeHeader(const QByteArray &name)
{
    headers.removeIf([&](const QPair<QByteArray, QByteArray> &h) { return http::equalsIgnoreCase(h.first, name); });
}

void HttpHead::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &h : headers) {
        if (http::equalsIgnoreCase(h.first, name)) {
            h.second = value;
            return;
        }
    }
    headers.append({name, value});
}

HttpHeadParser::HttpHeadParser(HttpMessageKind kind, const HttpLimits &limits)
    : m_kind(kind)
    , m_limits(limits)
{
    m_head.kind = kind;
}

void HttpHeadParser::reset()
{
    m_head = HttpHead();
    m_head.kind = m_kind;
    m_line.clear();
    m_total = 0;
    m_lines = 0;
    m_startLineDone = false;
    m_status = Status::NeedMore;
    m_error.clear();
    m_limitExceeded = false;
}

HttpHeadParser::Status HttpHeadParser::fail(const QString &message)
{
    m_status = Status::Error;
    m_error = message;
    m_line.clear();
    return m_status;
}

HttpHeadParser::Status HttpHeadParser::feed(const char *data, std::size_t size, std::size_t *consumed)
{
    std::size_t pos = 0;
    auto report = [&](Status s) {
        if (consumed)
            *consumed = pos;
        return s;
    };
    if (m_status != Status::NeedMore)
        return report(m_status);

    while (pos < size) {
        const char *start = data + pos;
        const std::size_t avail = size - pos;
        const void *nl = std::memchr(start, '\n', avail);
        const std::size_t take = nl ? std::size_t(static_cast<const char *>(nl) - start) + 1 : avail;
        if (m_total + take > m_limits.maxHeaderBytes) {
            // Consume exactly up to the limit, never buffer past it.
            pos += m_limits.maxHeaderBytes - m_total;
            m_total = m_limits.maxHeaderBytes;
            fail(QStringLiteral("HTTP head larger than the limit of %1 bytes").arg(m_limits.maxHeaderBytes));
            m_limitExceeded = true;
            return report(m_status);
        }
        m_total += take;
        pos += take;
        if (!nl) {
            m_line.append(start, qsizetype(take));
            break;
        }
        m_line.append(start, qsizetype(take - 1)); // without the LF
        if (m_line.endsWith('\r'))
            m_line.chop(1);
        else
            m_head.bareLineFeeds = true;
        const QByteArray line = m_line;
        m_line.clear();
        if (!processLine(line))
            return report(m_status);
        if (m_status == Status::Complete)
            return report(m_status);
    }
    return report(m_status);
}

bool HttpHeadParser::processLine(const QByteArray &line)
{
    for (const char c : line) {
        if (c == '\r') {
            fail(QStringLiteral("bare CR inside a line (RFC 9112 2.2)"));
            return false;
        }
        if (c == '\0') {
            fail(QStringLiteral("NUL byte in the HTTP head"));
            return false;
        }
    }
    if (!m_startLineDone) {
        if (line.isEmpty())
            return true; // RFC 9112 2.2: ignore empty lines before the start line
        m_startLineDone = true;
        return m_kind == HttpMessageKind::Request ? parseRequestLine(line) : parseStatusLine(line);
    }
    if (line.isEmpty()) {
        m_status = Status::Complete;
        return true;
    }
    ++m_lines;
    if (m_lines > m_limits.maxHeaderLines) {
        fail(QStringLiteral("more than %1 header lines").arg(m_limits.maxHeaderLines));
        m_limitExceeded = true;
        return false;
    }
    return parseHeaderLine(line);
}

bool HttpHeadParser::parseRequestLine(const QByteArray &line)
{
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 3) {
        fail(QStringLiteral("malformed request line (expected \"METHOD target HTTP/1.1\")"));
        return false;
    }
    const QByteArray &method = parts.at(0);
    const QByteArray &target = parts.at(1);
    if (!http::isToken(method)) {
        fail(QStringLiteral("request method is not a token"));
        return false;
    }
    if (target.isEmpty()) {
        fail(QStringLiteral("empty request target"));
        return false;
    }
    for (const char c : target) {
        if (isControl(static_cast<unsigned char>(c)) || c == ' ') {
            fail(QStringLiteral("control character in the request target"));
            return false;
        }
    }
    if (!parseVersion(parts.at(2), &m_head.versionMajor, &m_head.versionMinor)) {
        fail(QStringLiteral("malformed HTTP version in the request line"));
        return false;
    }
    if (m_head.versionMajor != 1) {
        fail(QStringLiteral("unsupported HTTP version %1").arg(QLatin1String(parts.at(2))));
        return false;
    }
    m_head.method = method;
    m_head.target = target;
    m_head.version = parts.at(2);
    if (method == "CONNECT") {
        const qsizetype colon = target.lastIndexOf(':');
        bool portOk = false;
        if (colon > 0)
            target.mid(colon + 1).toUShort(&portOk);
        if (!portOk || target.contains('/')) {
            fail(QStringLiteral("CONNECT target must be authority-form host:port"));
            return false;
        }
        m_head.targetForm = HttpTargetForm::Authority;
    } else if (target.startsWith('/')) {
        m_head.targetForm = HttpTargetForm::Origin;
    } else if (target == "*") {
        m_head.targetForm = HttpTargetForm::Asterisk;
    } else if (http::splitAbsoluteTarget(target, nullptr, nullptr, nullptr)) {
        m_head.targetForm = HttpTargetForm::Absolute;
    } else {
        fail(QStringLiteral("request target is neither origin-form, absolute-form, authority-form nor \"*\""));
        return false;
    }
    return true;
}

bool HttpHeadParser::parseStatusLine(const QByteArray &line)
{
    // HTTP-version SP 3DIGIT SP reason-phrase; a missing " reason" is tolerated.
    if (line.size() < 12 || line.at(8) != ' ' || (line.size() > 12 && line.at(12) != ' ')) {
        fail(QStringLiteral("malformed status line (expected \"HTTP/1.1 101 Reason\")"));
        return false;
    }
    const QByteArray version = line.left(8);
    if (!parseVersion(version, &m_head.versionMajor, &m_head.versionMinor)) {
        fail(QStringLiteral("malformed HTTP version in the status line"));
        return false;
    }
    if (m_head.versionMajor != 1) {
        fail(QStringLiteral("unsupported HTTP version %1").arg(QLatin1String(version)));
        return false;
    }
    int code = 0;
    for (int i = 9; i < 12; ++i) {
        const char c = line.at(i);
        if (c < '0' || c > '9') {
            fail(QStringLiteral("status code is not three digits"));
            return false;
        }
        code = code * 10 + (c - '0');
    }
    if (code < 100 || code > 599) {
        fail(QStringLiteral("status code %1 outside 100-599").arg(code));
        return false;
    }
    const QByteArray reason = line.mid(13);
    for (const char c : reason) {
        const auto u = static_cast<unsigned char>(c);
        if (isControl(u) && c != '\t') {
            fail(QStringLiteral("control character in the reason phrase"));
            return false;
        }
    }
    m_head.version = version;
    m_head.statusCode = code;
    m_head.reason = reason;
    return true;
}

bool HttpHeadParser::parseHeaderLine(const QByteArray &line)
{
    if (line.at(0) == ' ' || line.at(0) == '\t') {
        fail(QStringLiteral("obsolete line folding (obs-fold) is not accepted (RFC 9112 5.2)"));
        return false;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon < 0) {
        fail(QStringLiteral("header line without a colon"));
        return false;
    }
    const QByteArray name = line.left(colon);
    if (name.isEmpty()) {
        fail(QStringLiteral("empty header name"));
        return false;
    }
    if (name.endsWith(' ') || name.endsWith('\t')) {
        fail(QStringLiteral("whitespace between header name and colon (RFC 9112 5.1)"));
        return false;
    }
    if (!http::isToken(name)) {
        fail(QStringLiteral("header name is not a token"));
        return false;
    }
    const QByteArray value = http::trimOws(line.mid(colon + 1));
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (isControl(u) && c != '\t') {
            fail(QStringLiteral("control character in the value of header %1").arg(QLatin1String(name)));
            return false;
        }
    }
    m_head.headers.append(qMakePair(name, value));
    return true;
}

} // namespace wslens
