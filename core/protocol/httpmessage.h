#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <cstddef>
#include <cstdint>

namespace wslens {

// Same type as HttpHeaders in store/capturerecords.h: fields in wire order,
// names in their original case.
using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

// Case-insensitive header helpers (RFC 9110 5.1: field names are case-insensitive).
namespace http {

// True when a and b are equal ignoring ASCII case.
bool equalsIgnoreCase(const QByteArray &a, const QByteArray &b);

// First value of the named field, or a null QByteArray when absent.
QByteArray headerValue(const HttpHeaders &headers, const QByteArray &name);
// Every value of the named field, in order.
QList<QByteArray> headerValues(const HttpHeaders &headers, const QByteArray &name);
bool hasHeader(const HttpHeaders &headers, const QByteArray &name);
// How many fields carry that name.
int headerCount(const HttpHeaders &headers, const QByteArray &name);

// Splits a comma-separated list (RFC 9110 5.6.1) into trimmed, non-empty
// elements. Commas inside quoted strings do not split.
QList<QByteArray> splitCommaList(const QByteArray &value);
// Splits on separator outside quoted strings; elements trimmed, empty ones kept.
QList<QByteArray> splitOutsideQuotes(const QByteArray &value, char separator);
// Elements of every field with that name, in order.
QList<QByteArray> headerTokens(const HttpHeaders &headers, const QByteArray &name);
// True when some element of the named list field equals token (case-insensitive).
bool headerHasToken(const HttpHeaders &headers, const QByteArray &name, const QByteArray &token);

// Removes leading and trailing spaces and tabs (RFC 9110 OWS).
QByteArray trimOws(const QByteArray &s);

// RFC 9110 5.6.2 token characters.
bool isTokenChar(char c);
bool isToken(const QByteArray &s);

// Splits an absolute-form target "http://host:port/path?q" into its parts.
// pathAndQuery is "/" when the target has no path. False when not absolute-form.
bool splitAbsoluteTarget(const QByteArray &target, QByteArray *scheme, QByteArray *authority,
                         QByteArray *pathAndQuery);

} // namespace http

enum class HttpMessageKind : std::uint8_t { Request, Response };

// RFC 9112 3.2 request-target forms.
enum class HttpTargetForm : std::uint8_t { None, Origin, Absolute, Authority, Asterisk };

// How the message body after the head is delimited (RFC 9112 6.3).
enum class HttpBodyFraming : std::uint8_t {
    None,          // no body (requests without Content-Length/Transfer-Encoding, 1xx/204/304, HEAD responses)
    ContentLength, // exactly contentLength bytes
    Chunked,       // Transfer-Encoding ends with chunked
    UntilClose,    // a response read until the connection closes
    Tunnel,        // 2xx answer to CONNECT (or 101): the connection is no longer HTTP
    Invalid,       // framing cannot be determined safely (see HttpBodyInfo::error)
};

struct HttpBodyInfo
{
    HttpBodyFraming framing = HttpBodyFraming::None;
    std::uint64_t contentLength = 0; // for ContentLength
    QString error;                   // for Invalid
    // Both Transfer-Encoding and Content-Length were present (RFC 9112 6.1: a
    // smuggling risk; Transfer-Encoding wins and the relay should not reuse the connection).
    bool conflictingLengths = false;
};

// A parsed HTTP/1.x message head.
struct HttpHead
{
    HttpMessageKind kind = HttpMessageKind::Request;
    // request line
    QByteArray method;
    QByteArray target;
    HttpTargetForm targetForm = HttpTargetForm::None;
    // both
    QByteArray version; // "HTTP/1.1"
    int versionMajor = 0;
    int versionMinor = 0;
    // status line
    int statusCode = 0;
    QByteArray reason;
    HttpHeaders headers;
    // Some line ended with a bare LF instead of CRLF (accepted, RFC 9112 2.2).
    bool bareLineFeeds = false;

    bool isRequest() const { return kind == HttpMessageKind::Request; }
    QByteArray header(const QByteArray &name) const { return http::headerValue(headers, name); }
    bool hasHeader(const QByteArray &name) const { return http::hasHeader(headers, name); }
    QList<QByteArray> tokens(const QByteArray &name) const { return http::headerTokens(headers, name); }
    bool hasToken(const QByteArray &name, const QByteArray &token) const
    {
        return http::headerHasToken(headers, name, token);
    }

    // Body framing. For a response pass the method of the request it answers
    // (HEAD and CONNECT change the answer); ignored for requests.
    HttpBodyInfo bodyInfo(const QByteArray &requestMethod = QByteArray()) const;

    // Serialises the head again (CRLF line endings, headers as stored).
    QByteArray toBytes() const;

    // Editing (a proxy rewriting a head before it forwards it).
    void removeHeader(const QByteArray &name);                      // every field with that name
    void setHeader(const QByteArray &name, const QByteArray &value); // replaces the first, or appends
};

// Limits on a message head, checked as bytes arrive.
struct HttpLimits
{
    std::size_t maxHeaderBytes = 16 * 1024; // whole head: start line + fields + final empty line
    int maxHeaderLines = 100;               // header field lines (start line not counted)
};

// Incremental HTTP/1.x message-head parser (request or response).
//
// Feed bytes as they arrive. feed() returns NeedMore (every byte consumed),
// Complete (the head ended; *consumed tells how many bytes of this chunk
// belonged to it; the rest is the next layer's: a body, WebSocket frames...),
// or Error (errorString() says which rule broke; the parser stays in Error).
//
// Line endings: CRLF, and also a bare LF (RFC 9112 2.2 allows recipients to
// accept it; HttpHead::bareLineFeeds records it). A bare CR is an error.
// Rejected: obs-fold continuation lines, whitespace before the colon, field
// names that are not tokens, control characters in values, HTTP versions
// other than 1.x, malformed start lines. Nothing is buffered beyond the
// configured limits: an over-long head fails at the first byte past the limit.
class HttpHeadParser
{
public:
    enum class Status : std::uint8_t { NeedMore, Complete, Error };

    explicit HttpHeadParser(HttpMessageKind kind, const HttpLimits &limits = {});

    Status feed(const char *data, std::size_t size, std::size_t *consumed = nullptr);
    Status feed(const QByteArray &data, std::size_t *consumed = nullptr)
    {
        return feed(data.constData(), std::size_t(data.size()), consumed);
    }

    Status status() const { return m_status; }
    const HttpHead &head() const { return m_head; }
    HttpHead takeHead() { return std::move(m_head); }
    QString errorString() const { return m_error; }
    // The error is a limit (head bytes or header lines), not malformed input
    // (a proxy answers 431 rather than 400).
    bool limitExceeded() const { return m_limitExceeded; }
    // Bytes of head consumed so far (including the final empty line once Complete).
    std::size_t headBytes() const { return m_total; }

    // Starts over for the next message on the same connection.
    void reset();
    const HttpLimits &limits() const { return m_limits; }
    void setLimits(const HttpLimits &limits) { m_limits = limits; }

private:
    Status fail(const QString &message);
    bool processLine(const QByteArray &line);
    bool parseRequestLine(const QByteArray &line);
    bool parseStatusLine(const QByteArray &line);
    bool parseHeaderLine(const QByteArray &line);

    HttpMessageKind m_kind;
    HttpLimits m_limits;
    HttpHead m_head;
    QByteArray m_line; // current line, without terminator
    std::size_t m_total = 0;
    int m_lines = 0; // header lines seen
    bool m_startLineDone = false;
    Status m_status = Status::NeedMore;
    QString m_error;
    bool m_limitExceeded = false;
};

} // namespace wslens
