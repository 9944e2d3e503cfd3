// HTTP/1.1 head parser and WebSocket opening-handshake rules.
#include "protocol/extensionheader.h"
#include "protocol/handshake.h"
#include "protocol/httpmessage.h"

#include <QRandomGenerator>
#include <QTest>

using namespace wslens;

Q_DECLARE_METATYPE(wslens::HttpMessageKind)
Q_DECLARE_METATYPE(wslens::HandshakeRule)
Q_DECLARE_METATYPE(wslens::HttpBodyFraming)
Q_DECLARE_METATYPE(wslens::HttpTargetForm)

namespace {

// RFC 6455 1.2 sample request.
const QByteArray kSampleRequest = QByteArrayLiteral("GET /chat HTTP/1.1\r\n"
                                                    "Host: server.example.com\r\n"
                                                    "Upgrade: websocket\r\n"
                                                    "Connection: Upgrade\r\n"
                                                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                                    "Origin: http://example.com\r\n"
                                                    "Sec-WebSocket-Protocol: chat, superchat\r\n"
                                                    "Sec-WebSocket-Version: 13\r\n"
                                                    "\r\n");

const QByteArray kSampleResponse = QByteArrayLiteral("HTTP/1.1 101 Switching Protocols\r\n"
                                                     "Upgrade: websocket\r\n"
                                                     "Connection: Upgrade\r\n"
                                                     "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                                                     "Sec-WebSocket-Protocol: chat\r\n"
                                                     "\r\n");

struct ParseOutcome
{
    HttpHeadParser::Status status = HttpHeadParser::Status::NeedMore;
    std::size_t consumed = 0; // total bytes consumed from the input
    QString error;
    HttpHead head;
};

// Feeds input in chunks of chunkSize (0 = one piece) until the parser stops.
ParseOutcome parseChunked(HttpMessageKind kind, const QByteArray &input, std::size_t chunkSize,
                          const HttpLimits &limits = {})
{
    HttpHeadParser parser(kind, limits);
    ParseOutcome out;
    std::size_t pos = 0;
    const std::size_t size = std::size_t(input.size());
    while (pos < size) {
        const std::size_t n = chunkSize == 0 ? size - pos : qMin(chunkSize, size - pos);
        std::size_t consumed = 0;
        out.status = parser.feed(input.constData() + pos, n, &consumed);
        out.consumed += consumed;
        if (out.status != HttpHeadParser::Status::NeedMore)
            break;
        if (consumed != n)
            qFatal("NeedMore must consume every byte");
        pos += n;
    }
    out.error = parser.errorString();
    out.head = parser.head();
    return out;
}

HttpHead parseHead(HttpMessageKind kind, const QByteArray &bytes)
{
    HttpHeadParser p(kind);
    std::size_t consumed = 0;
    if (p.feed(bytes, &consumed) != HttpHeadParser::Status::Complete)
        qWarning() << "head did not parse:" << p.errorString();
    return p.head();
}

// The sample request with one header replaced (or removed when value is null).
QByteArray requestWith(const QByteArray &name, const QByteArray &value, const QByteArray &requestLine = {})
{
    HttpHead h = parseHead(HttpMessageKind::Request, kSampleRequest);
    for (qsizetype i = 0; i < h.headers.size(); ++i) {
        if (http::equalsIgnoreCase(h.headers.at(i).first, name)) {
            h.headers.removeAt(i);
            break;
        }
    }
    if (!value.isNull())
        h.headers.append(qMakePair(name, value));
    QByteArray bytes = h.toBytes();
    if (!requestLine.isEmpty())
        bytes = requestLine + bytes.mid(bytes.indexOf("\r\n"));
    return bytes;
}

} // namespace

class tst_Handshake : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptKey_data();
    void acceptKey();
    void keyValidity_data();
    void keyValidity();
    void chunkingIsInvisible_data();
    void chunkingIsInvisible();
    void leftoverBytesBelongToNextLayer();
    void malformedHeads_data();
    void malformedHeads();
    void headerByteLimit_data();
    void headerByteLimit();
    void endlessLineStopsAtLimit();
    void headerLineLimit_data();
    void headerLineLimit();
    void bareLineFeeds();
    void requestTargets_data();
    void requestTargets();
    void splitAbsolute();
    void headerHelpers();
    void bodyFraming_data();
    void bodyFraming();
    void extensionList_data();
    void extensionList();
    void requestRules_data();
    void requestRules();
    void responseRules_data();
    void responseRules();
    void buildAndValidateRoundTrip();
    void rejection_data();
    void rejection();
    void parserReset();
};

void tst_Handshake::acceptKey_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("accept");
    QTest::newRow("rfc6455-1.3") << QByteArray("dGhlIHNhbXBsZSBub25jZQ==") << QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    // Sample from RFC 6455 4.2.2 / MDN
    QTest::newRow("mdn") << QByteArray("x3JJHMbDL1EzLkh9GBhXDw==") << QByteArray("HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
}

void tst_Handshake::acceptKey()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, accept);
    QCOMPARE(computeWebSocketAccept(key), accept);
}

void tst_Handshake::keyValidity_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<bool>("valid");
    QTest::newRow("sample") << QByteArray("dGhlIHNhbXBsZSBub25jZQ==") << true;
    QTest::newRow("15 bytes") << QByteArray("dGhlIHNhbXBsZSBub25j") << false;
    QTest::newRow("17 bytes") << QByteArray("dGhlIHNhbXBsZSBub25jZQo=") << false;
    QTest::newRow("no padding") << QByteArray("dGhlIHNhbXBsZSBub25jZQ") << false;
    QTest::newRow("bad char") << QByteArray("dGhlIHNhbXBsZSBub25jZ*==") << false;
    QTest::newRow("stray bits") << QByteArray("dGhlIHNhbXBsZSBub25jZR==") << false;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("generated") << generateWebSocketKey() << true;
}

void tst_Handshake::keyValidity()
{
    QFETCH(QByteArray, key);
    QFETCH(bool, valid);
    QCOMPARE(isValidWebSocketKey(key), valid);
}

void tst_Handshake::chunkingIsInvisible_data()
{
    QTest::addColumn<HttpMessageKind>("kind");
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("request") << HttpMessageKind::Request << kSampleRequest;
    QTest::newRow("response") << HttpMessageKind::Response << kSampleResponse;
    QTest::newRow("request+frames") << HttpMessageKind::Request << (kSampleRequest + QByteArray("\x81\x85\x37\xfa\x21\x3d", 6));
    QTest::newRow("bad") << HttpMessageKind::Request << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n");
    QTest::newRow("too long") << HttpMessageKind::Response << (QByteArray("HTTP/1.1 200 OK\r\nX: ") + QByteArray(20000, 'a'));
}

void tst_Handshake::chunkingIsInvisible()
{
    QFETCH(HttpMessageKind, kind);
    QFETCH(QByteArray, input);
    const ParseOutcome whole = parseChunked(kind, input, 0);
    for (std::size_t chunk : {std::size_t(1), std::size_t(2), std::size_t(3), std::size_t(7), std::size_t(64)}) {
        const ParseOutcome c = parseChunked(kind, input, chunk);
        QCOMPARE(int(c.status), int(whole.status));
        QCOMPARE(c.consumed, whole.consumed);
        QCOMPARE(c.error, whole.error);
        QCOMPARE(c.head.headers, whole.head.headers);
        QCOMPARE(c.head.method, whole.head.method);
        QCOMPARE(c.head.target, whole.head.target);
        QCOMPARE(c.head.statusCode, whole.head.statusCode);
        QCOMPARE(c.head.reason, whole.head.reason);
    }
}

void tst_Handshake::leftoverBytesBelongToNextLayer()
{
    const QByteArray frames("\x81\x05Hello", 7);
    const QByteArray input = kSampleResponse + frames;
    HttpHeadParser p(HttpMessageKind::Response);
    std::size_t consumed = 0;
    QCOMPARE(p.feed(input, &consumed), HttpHeadParser::Status::Complete);
    QCOMPARE(consumed, std::size_t(kSampleResponse.size()));
    QCOMPARE(input.mid(qsizetype(consumed)), frames);
    const HttpHead &h = p.head();
    QCOMPARE(h.statusCode, 101);
    QCOMPARE(h.reason, QByteArray("Switching Protocols"));
    QCOMPARE(h.version, QByteArray("HTTP/1.1"));
    QCOMPARE(h.headers.size(), 4);
    QCOMPARE(h.headers.at(2).first, QByteArray("Sec-WebSocket-Accept"));
    QCOMPARE(h.header("sec-websocket-accept"), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    QVERIFY(!h.bareLineFeeds);
    // Once complete, the parser does not eat more.
    QCOMPARE(p.feed(frames, &consumed), HttpHeadParser::Status::Complete);
    QCOMPARE(consumed, std::size_t(0));
}

void tst_Handshake::malformedHeads_data()
{
    QTest::addColumn<HttpMessageKind>("kind");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("error");
    const auto Req = HttpMessageKind::Request;
    const auto Resp = HttpMessageKind::Response;
    QTest::newRow("missing colon") << Req << QByteArray("GET / HTTP/1.1\r\nHost example\r\n\r\n") << QStringLiteral("without a colon");
    QTest::newRow("obs-fold") << Req << QByteArray("GET / HTTP/1.1\r\nX-A: 1\r\n  continued\r\n\r\n") << QStringLiteral("obs-fold");
    QTest::newRow("obs-fold tab") << Req << QByteArray("GET / HTTP/1.1\r\nX-A: 1\r\n\tcontinued\r\n\r\n") << QStringLiteral("obs-fold");
    QTest::newRow("space before colon") << Req << QByteArray("GET / HTTP/1.1\r\nHost : a\r\n\r\n") << QStringLiteral("whitespace between header name");
    QTest::newRow("empty name") << Req << QByteArray("GET / HTTP/1.1\r\n: a\r\n\r\n") << QStringLiteral("empty header name");
    QTest::newRow("name not token") << Req << QByteArray("GET / HTTP/1.1\r\nX(a): a\r\n\r\n") << QStringLiteral("not a token");
    QTest::newRow("control in value") << Req << QByteArray("GET / HTTP/1.1\r\nX: a\x01" "b\r\n\r\n") << QStringLiteral("control character");
    QTest::newRow("bare CR") << Req << QByteArray("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n") << QStringLiteral("bare CR");
    QTest::newRow("NUL") << Req << QByteArray("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 26) << QStringLiteral("NUL");
    QTest::newRow("two-part request line") << Req << QByteArray("GET /\r\n\r\n") << QStringLiteral("malformed request line");
    QTest::newRow("double space") << Req << QByteArray("GET  / HTTP/1.1\r\n\r\n") << QStringLiteral("malformed request line");
    QTest::newRow("bad method") << Req << QByteArray("G(T / HTTP/1.1\r\n\r\n") << QStringLiteral("method is not a token");
    QTest::newRow("bad version") << Req << QByteArray("GET / HTTQ/1.1\r\n\r\n") << QStringLiteral("malformed HTTP version");
    QTest::newRow("http2") << Req << QByteArray("PRI * HTTP/2.0\r\n\r\n") << QStringLiteral("unsupported HTTP version");
    QTest::newRow("relative target") << Req << QByteArray("GET chat HTTP/1.1\r\n\r\n") << QStringLiteral("request target");
    QTest::newRow("connect no port") << Req << QByteArray("CONNECT example.com HTTP/1.1\r\n\r\n") << QStringLiteral("authority-form");
    QTest::newRow("bad status line") << Resp << QByteArray("HTTP/1.1 1O1 Switching\r\n\r\n") << QStringLiteral("three digits");
    QTest::newRow("status no space") << Resp << QByteArray("HTTP/1.1101 Switching\r\n\r\n") << QStringLiteral("malformed status line");
    QTest::newRow("status short") << Resp << QByteArray("HTTP/1.1 10\r\n\r\n") << QStringLiteral("malformed status line");
    QTest::newRow("status range") << Resp << QByteArray("HTTP/1.1 999 Nope\r\n\r\n") << QStringLiteral("outside 100-599");
    QTest::newRow("status 4-digit") << Resp << QByteArray("HTTP/1.1 1010 x\r\n\r\n") << QStringLiteral("malformed status line");
    QTest::newRow("status version") << Resp << QByteArray("HTTP/2.0 200 OK\r\n\r\n") << QStringLiteral("unsupported HTTP version");
    QTest::newRow("request to response parser") << Resp << kSampleRequest << QStringLiteral("malformed");
}

void tst_Handshake::malformedHeads()
{
    QFETCH(HttpMessageKind, kind);
    QFETCH(QByteArray, input);
    QFETCH(QString, error);
    for (std::size_t chunk : {std::size_t(0), std::size_t(1)}) {
        const ParseOutcome out = parseChunked(kind, input, chunk);
        QCOMPARE(out.status, HttpHeadParser::Status::Error);
        QVERIFY2(out.error.contains(error), qPrintable(out.error));
    }
}

void tst_Handshake::headerByteLimit_data()
{
    QTest::addColumn<int>("slack"); // limit minus head size
    QTest::addColumn<bool>("complete");
    QTest::newRow("limit = size") << 0 << true;
    QTest::newRow("limit = size + 1") << 1 << true;
    QTest::newRow("limit = size - 1") << -1 << false;
    QTest::newRow("limit = size - 100") << -100 << false;
}

void tst_Handshake::headerByteLimit()
{
    QFETCH(int, slack);
    QFETCH(bool, complete);
    HttpLimits limits;
    limits.maxHeaderBytes = std::size_t(kSampleRequest.size() + slack);
    const QByteArray input = kSampleRequest + "trailing";
    for (std::size_t chunk : {std::size_t(0), std::size_t(1), std::size_t(5)}) {
        const ParseOutcome out = parseChunked(HttpMessageKind::Request, input, chunk, limits);
        if (complete) {
            QCOMPARE(out.status, HttpHeadParser::Status::Complete);
            QCOMPARE(out.consumed, std::size_t(kSampleRequest.size()));
        } else {
            QCOMPARE(out.status, HttpHeadParser::Status::Error);
            QVERIFY2(out.error.contains(QStringLiteral("limit of %1 bytes").arg(limits.maxHeaderBytes)), qPrintable(out.error));
            // The parser stops exactly at the limit.
            QCOMPARE(out.consumed, limits.maxHeaderBytes);
        }
    }
}

void tst_Handshake::endlessLineStopsAtLimit()
{
    // A peer that never sends a newline: the parser must fail at the limit,
    // not buffer the stream.
    HttpHeadParser p(HttpMessageKind::Request); // default 16 KiB
    QCOMPARE(p.limits().maxHeaderBytes, std::size_t(16 * 1024));
    const QByteArray chunk(4096, 'A');
    std::size_t fed = 0;
    HttpHeadParser::Status s = HttpHeadParser::Status::NeedMore;
    for (int i = 0; i < 256 && s == HttpHeadParser::Status::NeedMore; ++i) {
        std::size_t consumed = 0;
        s = p.feed(chunk, &consumed);
        fed += consumed;
    }
    QCOMPARE(s, HttpHeadParser::Status::Error);
    QCOMPARE(fed, std::size_t(16 * 1024));
    QCOMPARE(p.headBytes(), std::size_t(16 * 1024));
}

void tst_Handshake::headerLineLimit_data()
{
    QTest::addColumn<int>("lines");
    QTest::addColumn<int>("limit");
    QTest::addColumn<bool>("complete");
    QTest::newRow("0 of 0") << 0 << 0 << true;
    QTest::newRow("1 of 0") << 1 << 0 << false;
    QTest::newRow("100 of 100") << 100 << 100 << true;
    QTest::newRow("101 of 100") << 101 << 100 << false;
    QTest::newRow("5 of 4") << 5 << 4 << false;
}

void tst_Handshake::headerLineLimit()
{
    QFETCH(int, lines);
    QFETCH(int, limit);
    QFETCH(bool, complete);
    QByteArray input("GET / HTTP/1.1\r\n");
    for (int i = 0; i < lines; ++i)
        input += "X-H" + QByteArray::number(i) + ": v\r\n";
    input += "\r\n";
    HttpLimits limits;
    limits.maxHeaderLines = limit;
    for (std::size_t chunk : {std::size_t(0), std::size_t(1)}) {
        const ParseOutcome out = parseChunked(HttpMessageKind::Request, input, chunk, limits);
        if (complete) {
            QCOMPARE(out.status, HttpHeadParser::Status::Complete);
            QCOMPARE(out.head.headers.size(), lines);
        } else {
            QCOMPARE(out.status, HttpHeadParser::Status::Error);
            QVERIFY2(out.error.contains(QStringLiteral("more than %1 header lines").arg(limit)), qPrintable(out.error));
        }
    }
}

void tst_Handshake::bareLineFeeds()
{
    QByteArray input = kSampleRequest;
    input.replace("\r\n", "\n");
    const ParseOutcome out = parseChunked(HttpMessageKind::Request, input + "xx", 1);
    QCOMPARE(out.status, HttpHeadParser::Status::Complete);
    QCOMPARE(out.consumed, std::size_t(input.size()));
    QVERIFY(out.head.bareLineFeeds);
    QCOMPARE(out.head.headers, parseHead(HttpMessageKind::Request, kSampleRequest).headers);
    // Leading empty lines before the request line are ignored (RFC 9112 2.2).
    const ParseOutcome lead = parseChunked(HttpMessageKind::Request, "\r\n" + kSampleRequest, 0);
    QCOMPARE(lead.status, HttpHeadParser::Status::Complete);
    QCOMPARE(lead.head.method, QByteArray("GET"));
}

void tst_Handshake::requestTargets_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<HttpTargetForm>("form");
    QTest::newRow("origin") << QByteArray("GET /chat?x=1 HTTP/1.1") << HttpTargetForm::Origin;
    QTest::newRow("absolute") << QByteArray("GET http://example.com:8080/path HTTP/1.1") << HttpTargetForm::Absolute;
    QTest::newRow("absolute no path") << QByteArray("GET http://example.com HTTP/1.1") << HttpTargetForm::Absolute;
    QTest::newRow("authority") << QByteArray("CONNECT example.com:443 HTTP/1.1") << HttpTargetForm::Authority;
    QTest::newRow("authority ipv6") << QByteArray("CONNECT [::1]:8443 HTTP/1.1") << HttpTargetForm::Authority;
    QTest::newRow("asterisk") << QByteArray("OPTIONS * HTTP/1.1") << HttpTargetForm::Asterisk;
    QTest::newRow("http/1.0") << QByteArray("GET / HTTP/1.0") << HttpTargetForm::Origin;
}

void tst_Handshake::requestTargets()
{
    QFETCH(QByteArray, line);
    QFETCH(HttpTargetForm, form);
    const ParseOutcome out = parseChunked(HttpMessageKind::Request, line + "\r\nHost: h\r\n\r\n", 0);
    QCOMPARE(out.status, HttpHeadParser::Status::Complete);
    QCOMPARE(out.head.targetForm, form);
    QCOMPARE(out.head.method + ' ' + out.head.target + ' ' + out.head.version, line);
}

void tst_Handshake::splitAbsolute()
{
    QByteArray scheme, authority, path;
    QVERIFY(http::splitAbsoluteTarget("HTTP://Example.com:8080/a/b?c=d#frag", &scheme, &authority, &path));
    QCOMPARE(scheme, QByteArray("http"));
    QCOMPARE(authority, QByteArray("Example.com:8080"));
    QCOMPARE(path, QByteArray("/a/b?c=d"));
    QVERIFY(http::splitAbsoluteTarget("ws://h?q", &scheme, &authority, &path));
    QCOMPARE(path, QByteArray("/?q"));
    QVERIFY(!http::splitAbsoluteTarget("/relative", &scheme, &authority, &path));
    QVERIFY(!http::splitAbsoluteTarget("http:///nohost", &scheme, &authority, &path));
    QVERIFY(!http::splitAbsoluteTarget("1http://h/", &scheme, &authority, &path));
}

void tst_Handshake::headerHelpers()
{
    const HttpHead h = parseHead(HttpMessageKind::Request,
                                 "GET / HTTP/1.1\r\nhost: a\r\nConnection: keep-alive, Upgrade\r\n"
                                 "X-List: a, \"b, c\" ,, d\r\nx-list: e\r\nEmpty:\r\n\r\n");
    QCOMPARE(h.header("HOST"), QByteArray("a"));
    QCOMPARE(h.headers.at(0).first, QByteArray("host")); // original case kept
    QVERIFY(h.hasToken("connection", "upgrade"));
    QVERIFY(!h.hasToken("connection", "close"));
    QCOMPARE(h.tokens("X-List"), (QList<QByteArray>{"a", "\"b, c\"", "d", "e"}));
    QCOMPARE(http::headerCount(h.headers, "x-LIST"), 2);
    QVERIFY(h.hasHeader("empty"));
    QVERIFY(!h.header("empty").isNull());
    QVERIFY(h.header("empty").isEmpty());
    QVERIFY(h.header("missing").isNull());
    QVERIFY(http::equalsIgnoreCase("Sec-WebSocket-Key", "sec-websocket-key"));
    QVERIFY(!http::equalsIgnoreCase("abc", "abd"));
    // toBytes() round-trips.
    QCOMPARE(parseHead(HttpMessageKind::Request, h.toBytes()).headers, h.headers);
}

void tst_Handshake::bodyFraming_data()
{
    QTest::addColumn<HttpMessageKind>("kind");
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QByteArray>("requestMethod");
    QTest::addColumn<HttpBodyFraming>("framing");
    QTest::addColumn<quint64>("length");
    const auto Req = HttpMessageKind::Request;
    const auto Resp = HttpMessageKind::Response;
    QTest::newRow("get") << Req << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n\r\n") << QByteArray() << HttpBodyFraming::None << quint64(0);
    QTest::newRow("post cl") << Req << QByteArray("POST / HTTP/1.1\r\nContent-Length: 42\r\n\r\n") << QByteArray() << HttpBodyFraming::ContentLength << quint64(42);
    QTest::newRow("post chunked") << Req << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") << QByteArray() << HttpBodyFraming::Chunked << quint64(0);
    QTest::newRow("post te not chunked") << Req << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n") << QByteArray() << HttpBodyFraming::Invalid << quint64(0);
    QTest::newRow("chunked twice") << Req << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n") << QByteArray() << HttpBodyFraming::Invalid << quint64(0);
    QTest::newRow("cl conflict") << Req << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") << QByteArray() << HttpBodyFraming::Invalid << quint64(0);
    QTest::newRow("cl same twice") << Req << QByteArray("POST / HTTP/1.1\r\nContent-Length: 7, 7\r\n\r\n") << QByteArray() << HttpBodyFraming::ContentLength << quint64(7);
    QTest::newRow("cl negative") << Req << QByteArray("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") << QByteArray() << HttpBodyFraming::Invalid << quint64(0);
    QTest::newRow("cl huge") << Req << QByteArray("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n") << QByteArray() << HttpBodyFraming::Invalid << quint64(0);
    QTest::newRow("200 cl") << Resp << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n") << QByteArray("GET") << HttpBodyFraming::ContentLength << quint64(5);
    QTest::newRow("200 no length") << Resp << QByteArray("HTTP/1.1 200 OK\r\n\r\n") << QByteArray("GET") << HttpBodyFraming::UntilClose << quint64(0);
    QTest::newRow("200 te gzip") << Resp << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n") << QByteArray("GET") << HttpBodyFraming::UntilClose << quint64(0);
    QTest::newRow("200 chunked") << Resp << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n") << QByteArray("GET") << HttpBodyFraming::Chunked << quint64(0);
    QTest::newRow("head response") << Resp << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n") << QByteArray("HEAD") << HttpBodyFraming::None << quint64(0);
    QTest::newRow("204") << Resp << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << QByteArray("GET") << HttpBodyFraming::None << quint64(0);
    QTest::newRow("304") << Resp << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n") << QByteArray("GET") << HttpBodyFraming::None << quint64(0);
    QTest::newRow("100") << Resp << QByteArray("HTTP/1.1 100 Continue\r\n\r\n") << QByteArray("POST") << HttpBodyFraming::None << quint64(0);
    QTest::newRow("101") << Resp << kSampleResponse << QByteArray("GET") << HttpBodyFraming::Tunnel << quint64(0);
    QTest::newRow("connect 200") << Resp << QByteArray("HTTP/1.1 200 Connection established\r\n\r\n") << QByteArray("CONNECT") << HttpBodyFraming::Tunnel << quint64(0);
    QTest::newRow("connect 407") << Resp << QByteArray("HTTP/1.1 407 Auth\r\nContent-Length: 0\r\n\r\n") << QByteArray("CONNECT") << HttpBodyFraming::ContentLength << quint64(0);
}

void tst_Handshake::bodyFraming()
{
    QFETCH(HttpMessageKind, kind);
    QFETCH(QByteArray, head);
    QFETCH(QByteArray, requestMethod);
    QFETCH(HttpBodyFraming, framing);
    QFETCH(quint64, length);
    const ParseOutcome out = parseChunked(kind, head, 0);
    QCOMPARE(out.status, HttpHeadParser::Status::Complete);
    const HttpBodyInfo info = out.head.bodyInfo(requestMethod);
    QCOMPARE(info.framing, framing);
    QCOMPARE(quint64(info.contentLength), length);
    QCOMPARE(info.error.isEmpty(), framing != HttpBodyFraming::Invalid);
}

void tst_Handshake::extensionList_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QByteArray>("formatted");
    QTest::newRow("empty") << QByteArray("") << true << QByteArray("");
    QTest::newRow("simple") << QByteArray("permessage-deflate") << true << QByteArray("permessage-deflate");
    QTest::newRow("params") << QByteArray("permessage-deflate;client_max_window_bits; server_max_window_bits=10")
                            << true << QByteArray("permessage-deflate; client_max_window_bits; server_max_window_bits=10");
    QTest::newRow("quoted") << QByteArray("x; a=\"10\", y") << true << QByteArray("x; a=10, y");
    QTest::newRow("two") << QByteArray("a; p, b ; q = 1") << true << QByteArray("a; p, b; q=1");
    QTest::newRow("bad name") << QByteArray("a b") << false << QByteArray();
    QTest::newRow("empty param") << QByteArray("a;") << false << QByteArray();
    QTest::newRow("quoted not token") << QByteArray("a; p=\"x y\"") << false << QByteArray();
    QTest::newRow("unterminated quote") << QByteArray("a; p=\"10") << false << QByteArray();
    QTest::newRow("empty value") << QByteArray("a; p=") << false << QByteArray();
}

void tst_Handshake::extensionList()
{
    QFETCH(QByteArray, value);
    QFETCH(bool, ok);
    QFETCH(QByteArray, formatted);
    QList<WebSocketExtension> exts;
    QString error;
    QCOMPARE(parseExtensionList(value, &exts, &error), ok);
    QCOMPARE(error.isEmpty(), ok);
    if (ok)
        QCOMPARE(formatExtensionList(exts), formatted);
}

void tst_Handshake::requestRules_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<HandshakeRule>("rule");
    QTest::newRow("valid") << kSampleRequest << HandshakeRule::None;
    QTest::newRow("case-insensitive tokens") << requestWith("Upgrade", "WebSocket").replace("Connection: Upgrade", "connection: keep-alive, UPGRADE") << HandshakeRule::None;
    QTest::newRow("post") << requestWith("X", {}, "POST /chat HTTP/1.1") << HandshakeRule::MethodNotGet;
    QTest::newRow("http/1.0") << requestWith("X", {}, "GET /chat HTTP/1.0") << HandshakeRule::HttpVersionTooOld;
    QTest::newRow("no host") << requestWith("Host", {}) << HandshakeRule::MissingHost;
    QTest::newRow("no upgrade") << requestWith("Upgrade", {}) << HandshakeRule::UpgradeNotWebSocket;
    QTest::newRow("upgrade h2c") << requestWith("Upgrade", "h2c") << HandshakeRule::UpgradeNotWebSocket;
    QTest::newRow("connection keep-alive") << requestWith("Connection", "keep-alive") << HandshakeRule::ConnectionNotUpgrade;
    QTest::newRow("no key") << requestWith("Sec-WebSocket-Key", {}) << HandshakeRule::KeyMissing;
    QTest::newRow("two keys") << (requestWith("X", {}).replace("\r\n\r\n", "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")) << HandshakeRule::KeyMissing;
    QTest::newRow("short key") << requestWith("Sec-WebSocket-Key", "c2hvcnQ=") << HandshakeRule::KeyInvalid;
    QTest::newRow("no version") << requestWith("Sec-WebSocket-Version", {}) << HandshakeRule::VersionMissing;
    QTest::newRow("version 8") << requestWith("Sec-WebSocket-Version", "8") << HandshakeRule::VersionUnsupported;
    QTest::newRow("versions 13, 8") << requestWith("Sec-WebSocket-Version", "13, 8") << HandshakeRule::VersionUnsupported;
    QTest::newRow("bad protocol") << requestWith("Sec-WebSocket-Protocol", "chat, sup[er]") << HandshakeRule::ProtocolInvalid;
    QTest::newRow("bad extensions") << requestWith("Sec-WebSocket-Extensions", "permessage-deflate;") << HandshakeRule::ExtensionsInvalid;
}

void tst_Handshake::requestRules()
{
    QFETCH(QByteArray, request);
    QFETCH(HandshakeRule, rule);
    const HttpHead head = parseHead(HttpMessageKind::Request, request);
    UpgradeRequestInfo info;
    const HandshakeResult r = validateUpgradeRequest(head, &info);
    QCOMPARE(r.rule, rule);
    QCOMPARE(r.ok(), rule == HandshakeRule::None);
    QCOMPARE(r.message.isEmpty(), r.ok());
    if (r.ok()) {
        QCOMPARE(info.key, QByteArray("dGhlIHNhbXBsZSBub25jZQ=="));
        QCOMPARE(info.host, QByteArray("server.example.com"));
        QCOMPARE(info.resourceName, QByteArray("/chat"));
        QCOMPARE(info.origin, QByteArray("http://example.com"));
        QCOMPARE(info.protocols, (QList<QByteArray>{"chat", "superchat"}));
    } else {
        QVERIFY2(r.message.startsWith(QLatin1String("RFC ")), qPrintable(r.message));
        QVERIFY(QByteArray(handshakeRuleId(rule)) != "unknown");
    }
}

void tst_Handshake::responseRules_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<HandshakeRule>("rule");
    const QByteArray ok = kSampleResponse;
    QTest::newRow("valid") << ok << HandshakeRule::None;
    QTest::newRow("200") << QByteArray(ok).replace("101 Switching Protocols", "200 OK") << HandshakeRule::StatusNot101;
    QTest::newRow("no upgrade") << QByteArray(ok).replace("Upgrade: websocket\r\n", "") << HandshakeRule::UpgradeNotWebSocket;
    QTest::newRow("connection close") << QByteArray(ok).replace("Connection: Upgrade", "Connection: close") << HandshakeRule::ConnectionNotUpgrade;
    QTest::newRow("no accept") << QByteArray(ok).replace("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", "") << HandshakeRule::AcceptMissing;
    QTest::newRow("wrong accept") << QByteArray(ok).replace("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "s3pPLMBiTxaQ9kYGzzhZRbK+xOO=") << HandshakeRule::AcceptMismatch;
    QTest::newRow("protocol not offered") << QByteArray(ok).replace("Protocol: chat", "Protocol: mqtt") << HandshakeRule::ProtocolNotOffered;
    QTest::newRow("two protocols") << QByteArray(ok).replace("Protocol: chat", "Protocol: chat, superchat") << HandshakeRule::ProtocolNotOffered;
    QTest::newRow("extension offered") << QByteArray(ok).replace("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n") << HandshakeRule::None;
    QTest::newRow("extension not offered") << QByteArray(ok).replace("\r\n\r\n", "\r\nSec-WebSocket-Extensions: x-webkit-deflate-frame\r\n\r\n") << HandshakeRule::ExtensionNotOffered;
    QTest::newRow("extension twice") << QByteArray(ok).replace("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate, permessage-deflate\r\n\r\n") << HandshakeRule::ExtensionNotOffered;
    QTest::newRow("extension garbage") << QByteArray(ok).replace("\r\n\r\n", "\r\nSec-WebSocket-Extensions: ;;\r\n\r\n") << HandshakeRule::ExtensionsInvalid;
}

void tst_Handshake::responseRules()
{
    QFETCH(QByteArray, response);
    QFETCH(HandshakeRule, rule);
    const ClientOffer offer = clientOfferFromRequest(
        parseHead(HttpMessageKind::Request, requestWith("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")));
    QCOMPARE(offer.key, QByteArray("dGhlIHNhbXBsZSBub25jZQ=="));
    QCOMPARE(offer.extensionNames, QList<QByteArray>{"permessage-deflate"});
    const HttpHead head = parseHead(HttpMessageKind::Response, response);
    UpgradeResponseInfo info;
    const HandshakeResult r = validateUpgradeResponse(head, offer, &info);
    QVERIFY2(r.rule == rule, qPrintable(r.message));
    if (r.ok())
        QCOMPARE(info.protocol, QByteArray("chat"));
    else
        QVERIFY(!r.message.isEmpty());
}

void tst_Handshake::buildAndValidateRoundTrip()
{
    UpgradeRequestOptions o;
    o.host = "127.0.0.1:9000";
    o.resourceName = "/ws?room=1";
    o.protocols = {"v2.chat", "v1.chat"};
    o.extensions = "permessage-deflate; client_max_window_bits";
    o.origin = "http://localhost";
    o.extraHeaders = {qMakePair(QByteArray("Cookie"), QByteArray("a=b"))};
    const UpgradeRequest req = buildUpgradeRequest(o);
    QVERIFY(isValidWebSocketKey(req.key));
    QVERIFY(buildUpgradeRequest(o).key != req.key); // fresh random key each time

    // The server side parses and accepts it.
    const ParseOutcome parsed = parseChunked(HttpMessageKind::Request, req.bytes, 1);
    QCOMPARE(parsed.status, HttpHeadParser::Status::Complete);
    QCOMPARE(parsed.head.headers, req.head.headers);
    QCOMPARE(parsed.head.header("cookie"), QByteArray("a=b"));
    UpgradeRequestInfo info;
    const HandshakeResult rq = validateUpgradeRequest(parsed.head, &info);
    QVERIFY2(rq.ok(), qPrintable(rq.message));
    QCOMPARE(info.resourceName, o.resourceName);
    QCOMPARE(info.protocols, o.protocols);
    QCOMPARE(info.extensions, o.extensions);

    UpgradeResponseOptions ro;
    ro.key = info.key;
    ro.protocol = "v1.chat";
    ro.extensions = "permessage-deflate";
    ro.extraHeaders = {qMakePair(QByteArray("Server"), QByteArray("wslens"))};
    const QByteArray response = buildUpgradeResponse(ro);
    const ParseOutcome resp = parseChunked(HttpMessageKind::Response, response, 0);
    QCOMPARE(resp.status, HttpHeadParser::Status::Complete);
    UpgradeResponseInfo rinfo;
    const HandshakeResult rs = validateUpgradeResponse(resp.head, clientOfferFromRequest(req.head), &rinfo);
    QVERIFY2(rs.ok(), qPrintable(rs.message));
    QCOMPARE(rinfo.protocol, QByteArray("v1.chat"));
    QCOMPARE(rinfo.extensions, QByteArray("permessage-deflate"));
    QCOMPARE(resp.head.header("server"), QByteArray("wslens"));

    // A response for another key fails.
    ClientOffer other = clientOfferFromRequest(req.head);
    other.key = generateWebSocketKey();
    QCOMPARE(validateUpgradeResponse(resp.head, other).rule, HandshakeRule::AcceptMismatch);
}

void tst_Handshake::rejection_data()
{
    QTest::addColumn<HandshakeRule>("rule");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("version") << HandshakeRule::VersionUnsupported << 426 << QByteArray("Sec-WebSocket-Version");
    QTest::newRow("method") << HandshakeRule::MethodNotGet << 405 << QByteArray("Allow");
    QTest::newRow("key") << HandshakeRule::KeyInvalid << 400 << QByteArray("Connection");
}

void tst_Handshake::rejection()
{
    QFETCH(HandshakeRule, rule);
    QFETCH(int, status);
    QFETCH(QByteArray, header);
    HandshakeResult r;
    r.rule = rule;
    r.message = QStringLiteral("RFC 6455: broken rule");
    const QByteArray bytes = buildHandshakeRejection(r);
    HttpHeadParser p(HttpMessageKind::Response);
    std::size_t consumed = 0;
    QCOMPARE(p.feed(bytes, &consumed), HttpHeadParser::Status::Complete);
    QCOMPARE(p.head().statusCode, status);
    QVERIFY(p.head().hasHeader(header));
    const HttpBodyInfo body = p.head().bodyInfo("GET");
    QCOMPARE(body.framing, HttpBodyFraming::ContentLength);
    QCOMPARE(bytes.mid(qsizetype(consumed)), QByteArray("RFC 6455: broken rule\n"));
    QCOMPARE(body.contentLength, std::uint64_t(bytes.size()) - consumed);
}

void tst_Handshake::parserReset()
{
    HttpHeadParser p(HttpMessageKind::Response);
    QCOMPARE(p.feed(QByteArray("HTTP/1.1 100 Continue\r\n\r\n")), HttpHeadParser::Status::Complete);
    QCOMPARE(p.head().statusCode, 100);
    p.reset();
    QCOMPARE(p.feed(kSampleResponse), HttpHeadParser::Status::Complete);
    QCOMPARE(p.head().statusCode, 101);
    QCOMPARE(p.head().headers.size(), 4);
    p.reset();
    QCOMPARE(p.feed(QByteArray("garbage\r\n")), HttpHeadParser::Status::Error);
    QCOMPARE(p.feed(kSampleResponse), HttpHeadParser::Status::Error); // sticky
}

QTEST_GUILESS_MAIN(tst_Handshake)
#include "tst_handshake.moc"
