// `wslens serve` and `wslens send` through the real binary: output, exit
// codes 0/1/2, scripts, signals, capture files.

#include "peers.h"

#include "store/capturestore.h"
#include "tls/certificateauthority.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>

using namespace wslens;
using namespace wslens::test;

namespace {

struct Reply
{
    int opcode = -1;
    QByteArray payload;
};

QList<Reply> parseReplies(const QByteArray &out)
{
    QList<Reply> replies;
    for (const QByteArray &line : out.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        replies.append({o.value(QLatin1String("opcode")).toInt(-1),
                        QByteArray::fromBase64(o.value(QLatin1String("payload_b64")).toString().toLatin1())});
    }
    return replies;
}

} // namespace

class tst_ServeSendCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void echo();
    void sendExitCodes_data();
    void sendExitCodes();
    void malformedFrameGetsProtocolError();
    void script();
    void serveUsageErrors_data();
    void serveUsageErrors();
    void handshakeOptions_data();
    void handshakeOptions();
    void stopsOnSignal_data();
    void stopsOnSignal();
    void saveCapture();
    void wss();

private:
    // Starts `wslens serve ARGS --listen 127.0.0.1:0`; returns the port.
    quint16 startServe(ChildProcess &serve, const QStringList &args);
    int runSend(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr);
    QTemporaryDir m_dir;
};

void tst_ServeSendCli::initTestCase()
{
    QVERIFY2(!wslensBinary().isEmpty(), "WSLENS_BINARY is not set");
    QVERIFY(m_dir.isValid());
}

quint16 tst_ServeSendCli::startServe(ChildProcess &serve, const QStringList &args)
{
    if (!serve.start(wslensBinary(), QStringList{QStringLiteral("serve"), QStringLiteral("--listen"),
                                                 QStringLiteral("127.0.0.1:0")} + args))
        return 0;
    const QByteArray rest = serve.waitForLine("listening on ", 10000);
    return portFromListeningLine(rest);
}

int tst_ServeSendCli::runSend(const QStringList &args, QByteArray *out, QByteArray *err)
{
    ChildProcess send;
    if (!send.start(wslensBinary(), QStringList{QStringLiteral("send")} + args))
        return -2;
    const int code = send.waitForExit(20000);
    if (out)
        *out = send.allStdout();
    if (err)
        *err = send.allStderr();
    return code;
}

void tst_ServeSendCli::echo()
{
    ChildProcess serve;
    const quint16 port = startServe(serve, {QStringLiteral("--echo")});
    QVERIFY2(port, qPrintable(serve.errorString()));
    QByteArray out, err;
    const int code = runSend({QStringLiteral("ws://127.0.0.1:%1/").arg(port), QStringLiteral("--text"), QStringLiteral("hello"),
                              QStringLiteral("--binary-hex"), QStringLiteral("00ff7f"), QStringLiteral("--frame"),
                              QStringLiteral("opcode=9,text=are you there?"), QStringLiteral("--deflate"),
                              QStringLiteral("--wait-replies"), QStringLiteral("3")},
                             &out, &err);
    QVERIFY2(code == 0, err.constData());
    const QList<Reply> replies = parseReplies(out);
    QVERIFY2(replies.size() >= 3, out.constData());
    QCOMPARE(replies.at(0).opcode, 1);
    QCOMPARE(replies.at(0).payload, QByteArray("hello"));
    QCOMPARE(replies.at(1).opcode, 2);
    QCOMPARE(replies.at(1).payload, QByteArray::fromHex("00ff7f"));
    QCOMPARE(replies.at(2).opcode, 10);
    QCOMPARE(replies.at(2).payload, QByteArray("are you there?"));
    QVERIFY2(err.contains("permessage-deflate"), err.constData());
}

void tst_ServeSendCli::sendExitCodes_data()
{
    QTest::addColumn<QStringList>("args"); // %PORT% = a silent server, %DEAD% = a closed port
    QTest::addColumn<int>("exitCode");
    QTest::newRow("no reply expected") << QStringList{QStringLiteral("ws://127.0.0.1:%PORT%/"), QStringLiteral("--text"), QStringLiteral("x")} << 0;
    QTest::newRow("reply never comes") << QStringList{QStringLiteral("ws://127.0.0.1:%PORT%/"), QStringLiteral("--text"), QStringLiteral("x"),
                                                      QStringLiteral("--wait-replies"), QStringLiteral("1"), QStringLiteral("--timeout"), QStringLiteral("1")} << 1;
    QTest::newRow("connection refused") << QStringList{QStringLiteral("ws://127.0.0.1:%DEAD%/"), QStringLiteral("--text"), QStringLiteral("x")} << 2;
    QTest::newRow("not a websocket server") << QStringList{QStringLiteral("ws://127.0.0.1:%HTTP%/"), QStringLiteral("--text"), QStringLiteral("x"),
                                                           QStringLiteral("--timeout"), QStringLiteral("2")} << 2;
    QTest::newRow("missing URL") << QStringList{QStringLiteral("--text"), QStringLiteral("x")} << 2;
    QTest::newRow("http URL") << QStringList{QStringLiteral("http://127.0.0.1:1/")} << 2;
    QTest::newRow("bad frame spec") << QStringList{QStringLiteral("ws://127.0.0.1:%PORT%/"), QStringLiteral("--frame"), QStringLiteral("opcode=99")} << 2;
    QTest::newRow("bad hex") << QStringList{QStringLiteral("ws://127.0.0.1:%PORT%/"), QStringLiteral("--binary-hex"), QStringLiteral("abc")} << 2;
    QTest::newRow("unknown option") << QStringList{QStringLiteral("ws://127.0.0.1:%PORT%/"), QStringLiteral("--bogus")} << 2;
    QTest::newRow("bad timeout") << QStringList{QStringLiteral("ws://127.0.0.1:%PORT%/"), QStringLiteral("--timeout"), QStringLiteral("0")} << 2;
}

void tst_ServeSendCli::sendExitCodes()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    const QString script = m_dir.filePath(QStringLiteral("silent.json"));
    {
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"unmatched\": \"ignore\"}");
    }
    ChildProcess serve;
    const quint16 port = startServe(serve, {QStringLiteral("--script"), script});
    QVERIFY2(port, qPrintable(serve.errorString()));
    quint16 dead = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        dead = probe.serverPort();
    }
    // A server that answers HTTP 200 to anything.
    QTcpServer http;
    QVERIFY(http.listen(QHostAddress::LocalHost, 0));
    connect(&http, &QTcpServer::newConnection, this, [&http]() {
        QTcpSocket *s = http.nextPendingConnection();
        connect(s, &QTcpSocket::readyRead, s, [s]() {
            s->readAll();
            s->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        });
    });
    for (QString &a : args) {
        a.replace(QLatin1String("%PORT%"), QString::number(port));
        a.replace(QLatin1String("%DEAD%"), QString::number(dead));
        a.replace(QLatin1String("%HTTP%"), QString::number(http.serverPort()));
    }
    ChildProcess send;
    QVERIFY(send.start(wslensBinary(), QStringList{QStringLiteral("send")} + args));
    int code = -1;
    // Keep our HTTP server responsive while waiting.
    QTRY_VERIFY_WITH_TIMEOUT(send.process().state() == QProcess::NotRunning, 15000);
    code = send.waitForExit(1000);
    QVERIFY2(code == exitCode, qPrintable(QStringLiteral("exit %1, stderr: %2").arg(code).arg(QString::fromUtf8(send.allStderr()))));
}

void tst_ServeSendCli::malformedFrameGetsProtocolError()
{
    ChildProcess serve;
    const quint16 port = startServe(serve, {QStringLiteral("--echo")});
    QVERIFY(port);
    QByteArray out, err;
    const int code = runSend({QStringLiteral("ws://127.0.0.1:%1/").arg(port), QStringLiteral("--text"), QStringLiteral("first"),
                              QStringLiteral("--frame"), QStringLiteral("opcode=1,rsv=2,text=bad"),
                              QStringLiteral("--wait-replies"), QStringLiteral("2"), QStringLiteral("--timeout"), QStringLiteral("3")},
                             &out, &err);
    QCOMPARE(code, 1); // the second reply never comes: the server failed the connection
    const QList<Reply> replies = parseReplies(out);
    QCOMPARE(replies.size(), 2);
    QCOMPARE(replies.at(0).payload, QByteArray("first"));
    QCOMPARE(replies.at(1).opcode, 8);
    QCOMPARE(replies.at(1).payload.left(2), QByteArray::fromHex("03ea")); // 1002
}

void tst_ServeSendCli::script()
{
    const QString file = m_dir.filePath(QStringLiteral("script.json"));
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({
            "onConnect": [{"text": "welcome"}],
            "onMessage": [
                {"match": "^ping (\\d+)$", "reply": {"text": "pong $1", "delayMs": 50}},
                {"match": "^bye$", "reply": {"close": {"code": 4000, "reason": "as you wish"}}},
                {"binary": true, "reply": [{"binaryHex": "beef"}, {"ping": "p"}]}
            ],
            "every": [{"intervalMs": 150, "times": 2, "send": {"text": "tick"}}],
            "unmatched": "echo"
        })");
    }
    ChildProcess serve;
    const quint16 port = startServe(serve, {QStringLiteral("--script"), file});
    QVERIFY2(port, qPrintable(serve.errorString()));

    QByteArray out, err;
    int code = runSend({QStringLiteral("ws://127.0.0.1:%1/").arg(port), QStringLiteral("--text"), QStringLiteral("ping 42"),
                        QStringLiteral("--text"), QStringLiteral("other"), QStringLiteral("--binary-hex"), QStringLiteral("01"),
                        QStringLiteral("--wait-replies"), QStringLiteral("6")},
                       &out, &err);
    QVERIFY2(code == 0, err.constData());
    QList<QByteArray> texts;
    for (const Reply &r : parseReplies(out))
        texts.append(QByteArray::number(r.opcode) + ':' + r.payload);
    QCOMPARE(texts.first(), QByteArray("1:welcome"));
    QVERIFY2(texts.contains("1:pong 42"), out.constData());
    QVERIFY2(texts.contains("1:other"), out.constData()); // unmatched: echo
    QVERIFY2(texts.contains("2:" + QByteArray::fromHex("beef")), out.constData());
    QCOMPARE(texts.count("1:tick"), 2);

    code = runSend({QStringLiteral("ws://127.0.0.1:%1/").arg(port), QStringLiteral("--text"), QStringLiteral("bye"),
                    QStringLiteral("--wait-replies"), QStringLiteral("5"), QStringLiteral("--timeout"), QStringLiteral("3")},
                   &out, &err);
    QCOMPARE(code, 1); // closed by the server before 5 replies
    QVERIFY2(out.contains(QByteArray(QByteArray("\"payload_b64\":\"") + QByteArray(QByteArray::fromHex("0fa0") + "as you wish").toBase64())),
             out.constData());
}

void tst_ServeSendCli::serveUsageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("message"); // expected on stderr
    const QString echo = QStringLiteral("--echo");
    const QString sub = QStringLiteral("--subprotocol");
    const QString origin = QStringLiteral("--allow-origin");
    QTest::newRow("no behaviour") << QStringList{} << QByteArray("choose --echo");
    QTest::newRow("two behaviours") << QStringList{echo, QStringLiteral("--broadcast")} << QByteArray("give only one of");
    QTest::newRow("bad listen") << QStringList{echo, QStringLiteral("--listen"), QStringLiteral("nowhere")}
                                << QByteArray("--listen needs ADDR:PORT");
    QTest::newRow("missing script") << QStringList{QStringLiteral("--script"), QStringLiteral("/nonexistent/x.json")}
                                    << QByteArray("cannot read /nonexistent/x.json");
    QTest::newRow("unknown option") << QStringList{echo, QStringLiteral("--bogus")} << QByteArray("unknown option '--bogus'");
    QTest::newRow("replay option without --replay") << QStringList{echo, QStringLiteral("--match-path")}
                                                    << QByteArray("belong to --replay");
    QTest::newRow("replay timing reply") << QStringList{QStringLiteral("--replay"), QStringLiteral("x.wslens"),
                                                        QStringLiteral("--timing"), QStringLiteral("reply")}
                                         << QByteArray("--timing must be asap or original");
    QTest::newRow("replay connection 0") << QStringList{QStringLiteral("--replay"), QStringLiteral("x.wslens"),
                                                        QStringLiteral("--connection"), QStringLiteral("0")}
                                         << QByteArray("--connection needs a connection id");
    // Handshake options are checked as the Server dock checks them.
    const QByteArray badName = "is not a valid name";
    QTest::newRow("subprotocol missing") << QStringList{echo, sub} << QByteArray("--subprotocol needs a name");
    QTest::newRow("subprotocol empty") << QStringList{echo, sub, QString()} << QByteArray("--subprotocol needs a name");
    QTest::newRow("subprotocol with space") << QStringList{echo, sub, QStringLiteral("chat v2")}
                                            << QByteArray("wslens serve: --subprotocol: subprotocol \"chat v2\" ") + badName;
    QTest::newRow("subprotocol list") << QStringList{echo, sub, QStringLiteral("a,b")}
                                      << QByteArray("--subprotocol: subprotocol \"a,b\" ") + badName;
    QTest::newRow("subprotocol with slash") << QStringList{echo, sub, QStringLiteral("chat/1")}
                                            << QByteArray("--subprotocol: subprotocol \"chat/1\" ") + badName;
    QTest::newRow("subprotocol not ASCII") << QStringList{echo, sub, QStringLiteral("ch\u00e4t")}
                                           << QByteArray("--subprotocol: subprotocol \"ch\xc3\xa4t\" ") + badName;
    QTest::newRow("second subprotocol bad") << QStringList{echo, sub, QStringLiteral("chat"), sub, QStringLiteral("\"x\"")}
                                            << QByteArray("--subprotocol: subprotocol \"\"x\"\" ") + badName;
    const QByteArray originForm = "must look like https://app.example";
    QTest::newRow("origin missing") << QStringList{echo, origin} << QByteArray("--allow-origin needs an origin");
    QTest::newRow("origin without scheme") << QStringList{echo, origin, QStringLiteral("app.example")}
                                           << QByteArray("wslens serve: --allow-origin: Origin \"app.example\" ") + originForm;
    QTest::newRow("origin with path") << QStringList{echo, origin, QStringLiteral("https://app.example/chat")}
                                      << QByteArray("--allow-origin: Origin \"https://app.example/chat\" ") + originForm;
    QTest::newRow("origin with user") << QStringList{echo, origin, QStringLiteral("https://me@app.example")}
                                      << QByteArray("--allow-origin: Origin \"https://me@app.example\" ") + originForm;
    QTest::newRow("origin with query") << QStringList{echo, origin, QStringLiteral("http://localhost:3000?x=1")}
                                       << QByteArray("--allow-origin: Origin \"http://localhost:3000?x=1\" ") + originForm;
    QTest::newRow("second origin bad") << QStringList{echo, origin, QStringLiteral("null"), origin, QStringLiteral("*")}
                                       << QByteArray("--allow-origin: Origin \"*\" ") + originForm;
}

void tst_ServeSendCli::serveUsageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, message);
    ChildProcess serve;
    QVERIFY(serve.start(wslensBinary(), QStringList{QStringLiteral("serve")} + args));
    QCOMPARE(serve.waitForExit(10000), 2);
    QVERIFY2(serve.allStderr().contains(message), serve.allStderr().constData());
    QVERIFY(serve.allStdout().isEmpty()); // it never listened
}

void tst_ServeSendCli::handshakeOptions_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("clientProtocols"); // py_handshake_client.py --subprotocols
    QTest::addColumn<QString>("clientOrigin");    // empty: none sent
    QTest::addColumn<QString>("expected");        // JSON line the client prints
    const QString sub = QStringLiteral("--subprotocol");
    const QString origin = QStringLiteral("--allow-origin");
    QTest::newRow("subprotocol in preference order")
        << QStringList{sub, QStringLiteral("v2.chat"), sub, QStringLiteral("chat"), sub, QStringLiteral("v2.chat")}
        << QStringLiteral("chat,v2.chat") << QString() << QStringLiteral("{\"subprotocol\": \"v2.chat\"");
    QTest::newRow("no common subprotocol") << QStringList{sub, QStringLiteral("chat")} << QStringLiteral("mqtt")
                                           << QString() << QStringLiteral("{\"subprotocol\": null");
    QTest::newRow("origin with default port") << QStringList{origin, QStringLiteral("https://app.example:443/")}
                                              << QString() << QStringLiteral("https://app.example")
                                              << QStringLiteral("{\"subprotocol\": null");
    QTest::newRow("origin not allowed") << QStringList{origin, QStringLiteral("https://app.example"), origin,
                                                       QStringLiteral("null")}
                                        << QString() << QStringLiteral("https://evil.example")
                                        << QStringLiteral("{\"status\": 403}");
}

// Valid handshake options reach the server: negotiated / enforced with a real client.
void tst_ServeSendCli::handshakeOptions()
{
    QFETCH(QStringList, args);
    QFETCH(QString, clientProtocols);
    QFETCH(QString, clientOrigin);
    QFETCH(QString, expected);
    ChildProcess serve;
    const quint16 port = startServe(serve, QStringList{QStringLiteral("--echo")} + args);
    QVERIFY2(port, serve.allStderr().constData());
    QStringList clientArgs{QStringLiteral("ws://127.0.0.1:%1/").arg(port)};
    if (!clientProtocols.isEmpty())
        clientArgs << QStringLiteral("--subprotocols") << clientProtocols;
    if (!clientOrigin.isEmpty())
        clientArgs << QStringLiteral("--origin") << clientOrigin;
    ChildProcess client;
    QVERIFY(startPeer(client, Peer::Python, QStringLiteral("py_handshake_client.py"), clientArgs));
    QCOMPARE(client.waitForExit(10000), 0);
    QVERIFY2(client.allStdout().startsWith(expected.toUtf8()), client.allStdout().constData());
}

void tst_ServeSendCli::stopsOnSignal_data()
{
    QTest::addColumn<int>("signal");
    QTest::addColumn<QString>("client"); // "", "python" (answers the close) or "silent" (never answers)
    QTest::addColumn<QByteArray>("closedLine");
    QTest::newRow("SIGINT") << int(SIGINT) << QString() << QByteArray();
    QTest::newRow("SIGTERM") << int(SIGTERM) << QString() << QByteArray();
    // The stop runs while serve's event loop does: the closed line is printed.
    QTest::newRow("SIGINT, python client") << int(SIGINT) << QStringLiteral("python")
                                           << QByteArray("connection 1 closed (peer 1001, ours 1001)\n");
    QTest::newRow("SIGTERM, python client") << int(SIGTERM) << QStringLiteral("python")
                                            << QByteArray("connection 1 closed (peer 1001, ours 1001)\n");
    // Cut off when the grace period (1 s) ends, still printed, exit still 0.
    QTest::newRow("SIGTERM, silent client") << int(SIGTERM) << QStringLiteral("silent")
                                            << QByteArray("connection 1 closed (peer -1, ours 1001): no answer to the close within 1000 ms");
}

void tst_ServeSendCli::stopsOnSignal()
{
    QFETCH(int, signal);
    QFETCH(QString, client);
    QFETCH(QByteArray, closedLine);
    ChildProcess serve;
    const quint16 port = startServe(serve, {QStringLiteral("--broadcast")});
    QVERIFY(port);
    ChildProcess peer;
    if (client == QLatin1String("python")) {
        QVERIFY(startPeer(peer, Peer::Python, QStringLiteral("py_handshake_client.py"),
                          {QStringLiteral("ws://127.0.0.1:%1/").arg(port), QStringLiteral("--wait-close")}));
        QVERIFY2(!peer.waitForLine("{\"subprotocol\"").isEmpty(), qPrintable(peer.errorString()));
    } else if (client == QLatin1String("silent")) {
        QVERIFY(peer.start(debianPython(), {testDataPath(QStringLiteral("endpoints/peers/py_deaf_client.py")),
                                            QStringLiteral("127.0.0.1"), QString::number(port)}));
        peer.waitForLine("open");
        QVERIFY2(peer.allStdout().startsWith("open\n"), qPrintable(peer.errorString()));
    }
    if (!client.isEmpty())
        QTRY_VERIFY_WITH_TIMEOUT(serve.allStderr().contains("connection 1 opened"), 5000);
    QElapsedTimer clock;
    clock.start();
    ::kill(pid_t(serve.process().processId()), signal);
    QCOMPARE(serve.waitForExit(5000), 0);
    const qint64 ms = clock.elapsed();
    const QByteArray err = serve.allStderr();
    QVERIFY2(err.endsWith("wslens serve: stopped\n"), err.constData());
    if (closedLine.isEmpty()) {
        QVERIFY2(!err.contains(" closed ("), err.constData());
        QVERIFY2(ms < 1000, qPrintable(QStringLiteral("stopped after %1 ms").arg(ms)));
    } else {
        QVERIFY2(err.contains(closedLine), err.constData());
        // Printed before serve says it stopped.
        QVERIFY(err.indexOf(closedLine) < err.indexOf("wslens serve: stopped"));
    }
    if (client == QLatin1String("python")) {
        QVERIFY2(ms < 1000, qPrintable(QStringLiteral("stopped after %1 ms (the client answers at once)").arg(ms)));
        QVERIFY2(!peer.waitForLine("{\"close_code\": 1001").isEmpty(), peer.allStdout().constData());
        QCOMPARE(peer.waitForExit(5000), 0);
    } else if (client == QLatin1String("silent")) {
        // Bounded: the grace period and a little.
        QVERIFY2(ms >= 900 && ms < 2500, qPrintable(QStringLiteral("stopped after %1 ms").arg(ms)));
        QCOMPARE(peer.waitForExit(5000), 0);
    }
}

void tst_ServeSendCli::saveCapture()
{
    const QString file = m_dir.filePath(QStringLiteral("serve.wslens"));
    ChildProcess serve;
    const quint16 port = startServe(serve, {QStringLiteral("--echo"), QStringLiteral("--save"), file});
    QVERIFY2(port, qPrintable(serve.errorString()));
    const QString sendFile = m_dir.filePath(QStringLiteral("send.wslens"));
    QByteArray out, err;
    QCOMPARE(runSend({QStringLiteral("ws://127.0.0.1:%1/cap").arg(port), QStringLiteral("--text"), QStringLiteral("one"),
                      QStringLiteral("--frame"), QStringLiteral("opcode=1,fin=0,text=tw"), QStringLiteral("--frame"),
                      QStringLiteral("opcode=0,text=o"), QStringLiteral("--wait-replies"), QStringLiteral("2"),
                      QStringLiteral("--save"), sendFile},
                     &out, &err),
             0);
    ::kill(pid_t(serve.process().processId()), SIGTERM);
    QCOMPARE(serve.waitForExit(5000), 0);

    struct Expect { QString path; ConnectionMode mode; };
    for (const Expect &e : {Expect{file, ConnectionMode::LocalServer}, Expect{sendFile, ConnectionMode::LocalClient}}) {
        CaptureStore store;
        QVERIFY2(store.open(e.path), qPrintable(store.errorString()));
        QCOMPARE(store.connectionCount(), 1);
        const ConnectionInfo info = store.connectionAt(0);
        QCOMPARE(info.mode, e.mode);
        QCOMPARE(info.requestTarget, QByteArray("/cap"));
        QCOMPARE(info.clientCloseCode, 1000);
        QCOMPARE(info.serverCloseCode, 1000);
        // client: one, tw, o, close; server: one, two, close
        QCOMPARE(store.frameCount(), quint64(7));
        int c2s = 0, s2c = 0;
        QList<QByteArray> messages;
        for (quint64 row = 0; row < store.frameCount(); ++row) {
            const FrameRecord r = store.frame(row);
            (r.direction == Direction::ClientToServer ? c2s : s2c)++;
            QCOMPARE(r.header.masked, r.direction == Direction::ClientToServer);
            if (r.hasMessage)
                messages.append(QByteArray(r.direction == Direction::ClientToServer ? ">" : "<") + r.message);
        }
        QCOMPARE(c2s, 4);
        QCOMPARE(s2c, 3);
        std::sort(messages.begin(), messages.end());
        QCOMPARE(messages, (QList<QByteArray>{"<one", "<two", ">one", ">two"}));
    }
}

void tst_ServeSendCli::wss()
{
    const QString caDir = m_dir.filePath(QStringLiteral("ca"));
    ChildProcess serve;
    const quint16 port = startServe(serve, {QStringLiteral("--echo"), QStringLiteral("--wss"), QStringLiteral("--ca-dir"), caDir});
    QVERIFY2(port, qPrintable(serve.errorString()));
    const QString caFile = tls::CertificateAuthority(caDir).certificateFilePath();
    QVERIFY(QFile::exists(caFile));
    const QString url = QStringLiteral("wss://127.0.0.1:%1/").arg(port);
    QByteArray out, err;
    QVERIFY2(runSend({url, QStringLiteral("--ca"), caFile, QStringLiteral("--text"), QStringLiteral("secret"),
                      QStringLiteral("--wait-replies"), QStringLiteral("1")}, &out, &err) == 0,
             err.constData());
    QVERIFY(out.contains(QByteArray("secret").toBase64()));
    // Without the CA the certificate is not trusted: a connection error.
    QCOMPARE(runSend({url, QStringLiteral("--text"), QStringLiteral("x"), QStringLiteral("--timeout"), QStringLiteral("3")}, &out, &err), 2);
    QVERIFY2(err.contains("TLS"), err.constData());
}

QTEST_GUILESS_MAIN(tst_ServeSendCli)
#include "tst_servesend_cli.moc"
