// `wslens serve` and `wslens send` through the real binary: output, exit
// codes 0/1/2, scripts, signals, capture files.

#include "testsupport.h"

#include "store/capturestore.h"
#include "tls/certificateauthority.h"

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
    QTest::newRow("no behaviour") << QStringList{};
    QTest::newRow("two behaviours") << QStringList{QStringLiteral("--echo"), QStringLiteral("--broadcast")};
    QTest::newRow("bad listen") << QStringList{QStringLiteral("--echo"), QStringLiteral("--listen"), QStringLiteral("nowhere")};
    QTest::newRow("missing script") << QStringList{QStringLiteral("--script"), QStringLiteral("/nonexistent/x.json")};
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--echo"), QStringLiteral("--bogus")};
    QTest::newRow("replay option without --replay") << QStringList{QStringLiteral("--echo"), QStringLiteral("--match-path")};
    QTest::newRow("replay timing reply") << QStringList{QStringLiteral("--replay"), QStringLiteral("x.wslens"),
                                                        QStringLiteral("--timing"), QStringLiteral("reply")};
    QTest::newRow("replay connection 0") << QStringList{QStringLiteral("--replay"), QStringLiteral("x.wslens"),
                                                        QStringLiteral("--connection"), QStringLiteral("0")};
}

void tst_ServeSendCli::serveUsageErrors()
{
    QFETCH(QStringList, args);
    ChildProcess serve;
    QVERIFY(serve.start(wslensBinary(), QStringList{QStringLiteral("serve")} + args));
    QCOMPARE(serve.waitForExit(10000), 2);
}

void tst_ServeSendCli::stopsOnSignal_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGINT") << int(SIGINT);
    QTest::newRow("SIGTERM") << int(SIGTERM);
}

void tst_ServeSendCli::stopsOnSignal()
{
    QFETCH(int, signal);
    ChildProcess serve;
    const quint16 port = startServe(serve, {QStringLiteral("--broadcast")});
    QVERIFY(port);
    ::kill(pid_t(serve.process().processId()), signal);
    QCOMPARE(serve.waitForExit(5000), 0);
    QVERIFY(serve.allStderr().contains("stopped"));
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
