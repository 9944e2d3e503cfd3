// TLS through the relay (issue 5): CONNECT interception with a leaf from the
// relay's CA, upstream verification (system store, extra CA, insecure),
// pass-through hosts, 502 naming a TLS failure, reverse mode to wss:// and a
// TLS listener. Real loopback sockets; our wss server, our client, QWebSocket,
// raw QSslSocket and python3-websockets as peers.
#include "testsupport.h"
#include "tlsrelaysupport.h"

#include <QNetworkProxy>
#include <QWebSocket>

using namespace wslens;
using namespace wslens::test;
using relay::RelayConfig;
using relay::RelayMode;


class TestRelayTls : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void interceptOurClient_data();
    void interceptOurClient();
    void leafNamesWhatTheClientAsked_data();
    void leafNamesWhatTheClientAsked();
    void interceptQWebSocket();
    void plainWebSocketInsideInterceptingProxy();
    void passThroughIsUntouched();
    void upstreamTlsFailureGives502_data();
    void upstreamTlsFailureGives502();
    void insecureUpstreamIsRecorded();
    void clientDistrustIsRecorded();
    void reverseToWss();
    void reverseToUntrustedWss();
    void tlsListener_data();
    void tlsListener();
    void tlsListenerRefusesPlainBytes();
    void pythonThroughProxy();
    void clientHelloWithTheConnectRequest();
    void stalledHandshakeTimesOut_data();
    void stalledHandshakeTimesOut();
    void noDescriptorLeaks();
    void configErrors_data();
    void configErrors();

private:
    TlsWorld m_world;
};

void TestRelayTls::initTestCase()
{
    QVERIFY(QSslSocket::supportsSsl());
    QVERIFY(m_world.init());
}

void TestRelayTls::interceptOurClient_data()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("ip") << QStringLiteral("127.0.0.1");
    QTest::newRow("name") << QStringLiteral("localhost");
}

void TestRelayTls::interceptOurClient()
{
    QFETCH(QString, host);
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, host, m_world.interceptingProxy()));
    MemorySink &sink = chain.sink;

    // The client trusts only the relay's CA: it can only succeed through interception.
    const QString url = QStringLiteral("wss://%1:%2/tls?q=1").arg(host).arg(chain.serverPort());
    const QString problem = echoOnce(viaProxy(url, chain.relayPort(), m_world.relayCa->caCertificate()),
                                     "hello over tls");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    QTRY_VERIFY_WITH_TIMEOUT(sink.allClosed() && sink.connectionCount() == 1, 5000);
    const ConnectionInfo c = sink.connections().first();
    QCOMPARE(c.url, url);
    QCOMPARE(c.responseStatus, 101);
    QVERIFY(c.tls);
    QVERIFY(!c.insecureUpstream);
    QCOMPARE(c.mode, ConnectionMode::ExplicitProxy);
    QCOMPARE(c.clientCloseCode, 1000);
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    QCOMPARE(sink.messages(Direction::ClientToServer), QList<QByteArray>{QByteArray("hello over tls")});
    QCOMPARE(sink.messages(Direction::ServerToClient), QList<QByteArray>{QByteArray("hello over tls")});
}

void TestRelayTls::leafNamesWhatTheClientAsked_data()
{
    QTest::addColumn<QString>("sni"); // "" = none (an IP address)
    QTest::addColumn<bool>("dns");
    QTest::addColumn<QString>("san");
    QTest::newRow("SNI name") << QStringLiteral("localhost") << true << QStringLiteral("localhost");
    QTest::newRow("SNI other name") << QStringLiteral("ws.example.test") << true << QStringLiteral("ws.example.test");
    QTest::newRow("no SNI: CONNECT host") << QString() << false << QStringLiteral("127.0.0.1");
}

void TestRelayTls::leafNamesWhatTheClientAsked()
{
    QFETCH(QString, sni);
    QFETCH(bool, dns);
    QFETCH(QString, san);
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, QStringLiteral("127.0.0.1"), m_world.interceptingProxy()));
    auto s = openTunnel(chain.relayPort(), chain.authority());
    QVERIFY(s);
    QSslConfiguration offer = trusting(m_world.relayCa->caCertificate());
    offer.setAllowedNextProtocols({QByteArrayLiteral("h2"), QByteArrayLiteral("http/1.1")}); // as browsers do
    s->setSslConfiguration(offer);
    s->setPeerVerifyName(sni.isEmpty() ? QStringLiteral("127.0.0.1") : sni);
    s->startClientEncryption();
    QVERIFY2(s->waitForEncrypted(5000), qPrintable(s->errorString()));
    const QSslCertificate leaf = s->peerCertificate();
    QCOMPARE(leaf.issuerInfo(QSslCertificate::CommonName), m_world.relayCa->caCertificate().subjectInfo(QSslCertificate::CommonName));
    const auto names = leaf.subjectAlternativeNames();
    QVERIFY2(names.values(dns ? QSsl::DnsEntry : QSsl::IpAddressEntry).contains(san),
             qPrintable(QStringList(names.values()).join(QLatin1Char(','))));
    QCOMPARE(s->sslConfiguration().nextNegotiatedProtocol(), QByteArray("http/1.1")); // never h2
    s->disconnectFromHost();
}

void TestRelayTls::interceptQWebSocket()
{
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, QStringLiteral("127.0.0.1"), m_world.interceptingProxy()));
    MemorySink &sink = chain.sink;

    QWebSocket ws;
    ws.setProxy(QNetworkProxy(QNetworkProxy::HttpProxy, QStringLiteral("127.0.0.1"), chain.relayPort()));
    QSslConfiguration ssl = trusting(m_world.relayCa->caCertificate());
    ws.setSslConfiguration(ssl);
    QSignalSpy connected(&ws, &QWebSocket::connected);
    QSignalSpy texts(&ws, &QWebSocket::textMessageReceived);
    QSignalSpy binaries(&ws, &QWebSocket::binaryMessageReceived);
    ws.open(QUrl(QStringLiteral("wss://127.0.0.1:%1/qt").arg(chain.serverPort())));
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, 8000);
    ws.sendTextMessage(QStringLiteral("from QWebSocket"));
    const QByteArray big(200000, 'z');
    ws.sendBinaryMessage(big);
    QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(binaries.size(), 1, 5000);
    QCOMPARE(binaries.first().first().toByteArray(), big);
    ws.close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("bye"));
    QTRY_VERIFY_WITH_TIMEOUT(sink.allClosed() && sink.connectionCount() == 1, 5000);
    const QList<QByteArray> up = sink.messages(Direction::ClientToServer);
    QCOMPARE(up.size(), 2);
    QCOMPARE(up.at(0), QByteArray("from QWebSocket"));
    QCOMPARE(up.at(1), big);
    QCOMPARE(sink.connections().first().clientCloseReason, QStringLiteral("bye"));
}

void TestRelayTls::plainWebSocketInsideInterceptingProxy()
{
    // Non-TLS bytes in a CONNECT tunnel are handled as before interception existed.
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, QString(), m_world.interceptingProxy(false)));
    MemorySink &sink = chain.sink;
    endpoints::ClientOptions o;
    o.url = QUrl(QStringLiteral("ws://127.0.0.1:%1/plain").arg(chain.serverPort()));
    o.proxyHost = QStringLiteral("127.0.0.1");
    o.proxyPort = chain.relayPort();
    const QString problem = echoOnce(o, "plain in a tunnel");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_VERIFY_WITH_TIMEOUT(sink.allClosed() && sink.connectionCount() == 1, 5000);
    QCOMPARE(sink.connections().first().url, QStringLiteral("ws://127.0.0.1:%1/plain").arg(chain.serverPort()));
    QVERIFY(!sink.connections().first().tls);
}

void TestRelayTls::passThroughIsUntouched()
{
    RelayConfig cfg = m_world.interceptingProxy(false);
    cfg.passThrough = {QStringLiteral("*.example.test"), QStringLiteral("LOCAL*")};
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, QStringLiteral("localhost"), cfg));
    MemorySink &sink = chain.sink;

    // The client sees the server's own certificate...
    auto s = openTunnel(chain.relayPort(), "localhost:" + QByteArray::number(chain.serverPort()));
    QVERIFY(s);
    QVERIFY2(encryptTunnel(*s, m_world.serverCa->caCertificate(), QStringLiteral("localhost")), qPrintable(s->errorString()));
    QCOMPARE(s->peerCertificate(), m_world.serverCa->leafFor(QStringLiteral("localhost")).certificate);
    s->disconnectFromHost();

    // ...and a client trusting only the server's CA talks to it through the tunnel.
    const QString url = QStringLiteral("wss://localhost:%1/").arg(chain.serverPort());
    const QString problem = echoOnce(viaProxy(url, chain.relayPort(), m_world.serverCa->caCertificate()), "opaque");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTest::qWait(100);
    QCOMPARE(sink.connectionCount(), 0); // nothing intercepted, nothing recorded
    QCOMPARE(sink.frameCount(), 0);
}

void TestRelayTls::upstreamTlsFailureGives502_data()
{
    QTest::addColumn<bool>("trustServerCa");
    QTest::addColumn<QString>("certName");
    QTest::addColumn<QString>("reason");
    QTest::newRow("issuer not trusted") << false << QStringLiteral("127.0.0.1")
                                        << QStringLiteral("self-signed, and untrusted");
    QTest::newRow("wrong name") << true << QStringLiteral("other.example.test")
                                << QStringLiteral("host name did not match");
}

void TestRelayTls::upstreamTlsFailureGives502()
{
    QFETCH(bool, trustServerCa);
    QFETCH(QString, certName);
    QFETCH(QString, reason);
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, certName, m_world.interceptingProxy(trustServerCa)));
    MemorySink &sink = chain.sink;

    const QByteArray authority = chain.authority();
    auto s = openTunnel(chain.relayPort(), authority);
    QVERIFY(s);
    QVERIFY2(encryptTunnel(*s, m_world.relayCa->caCertificate()), qPrintable(s->errorString())); // our side of the tunnel works
    s->write(upgradeRequest(authority, "/fail"));
    const QByteArray response = readUntilClosed(*s);
    QVERIFY2(response.startsWith("HTTP/1.1 502 Bad Gateway\r\n"), response.constData());
    const QString expected = QStringLiteral("upstream TLS handshake with %1 failed: ").arg(QString::fromLatin1(authority));
    const QString body = QString::fromUtf8(response.mid(response.indexOf("\r\n\r\n") + 4));
    QVERIFY2(body.contains(expected), qPrintable(body));
    QVERIFY2(body.contains(reason, Qt::CaseInsensitive), qPrintable(body));

    QTRY_VERIFY_WITH_TIMEOUT(sink.allClosed() && sink.connectionCount() == 1, 5000);
    const ConnectionInfo c = sink.connections().first();
    QCOMPARE(c.url, QStringLiteral("wss://%1/fail").arg(QString::fromLatin1(authority)));
    QCOMPARE(c.responseStatus, 502);
    QVERIFY(c.tls);
    QVERIFY2(c.error.startsWith(expected), qPrintable(c.error));
}

void TestRelayTls::insecureUpstreamIsRecorded()
{
    RelayConfig cfg = m_world.interceptingProxy(false);
    cfg.insecureUpstream = true; // the server's CA is not trusted, but errors are ignored
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, QStringLiteral("127.0.0.1"), cfg));
    MemorySink &sink = chain.sink;
    const QString url = QStringLiteral("wss://127.0.0.1:%1/insecure").arg(chain.serverPort());
    const QString problem = echoOnce(viaProxy(url, chain.relayPort(), m_world.relayCa->caCertificate()), "anyway");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_VERIFY_WITH_TIMEOUT(sink.allClosed() && sink.connectionCount() == 1, 5000);
    const ConnectionInfo c = sink.connections().first();
    QCOMPARE(c.responseStatus, 101);
    QVERIFY(c.tls);
    QVERIFY(c.insecureUpstream);
    QCOMPARE(sink.messages(Direction::ServerToClient), QList<QByteArray>{QByteArray("anyway")});
}

void TestRelayTls::clientDistrustIsRecorded()
{
    // A client that does not trust the relay's CA aborts the handshake with an
    // alert (as browsers do; Python's ssl too, while QSslSocket finishes the
    // handshake and then closes). The relay records why.
    const QString python = debianPython();
    if (!QFile::exists(python))
        QSKIP("/usr/bin/python3 missing");
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, QStringLiteral("127.0.0.1"), m_world.interceptingProxy()));
    MemorySink &sink = chain.sink;
    const QString script = QStringLiteral(
        "import socket, ssl, sys\n"
        "s = socket.create_connection(('127.0.0.1', %1), timeout=5)\n"
        "s.sendall(b'CONNECT 127.0.0.1:%2 HTTP/1.1\\r\\n\\r\\n')\n"
        "head = b''\n"
        "while b'\\r\\n\\r\\n' not in head: head += s.recv(1)\n"
        "ctx = ssl.create_default_context(cafile=sys.argv[1])\n"
        "try:\n"
        "    ctx.wrap_socket(s, server_hostname='127.0.0.1')\n"
        "except ssl.SSLCertVerificationError:\n"
        "    print('refused', flush=True)\n")
                               .arg(chain.relayPort())
                               .arg(chain.serverPort());
    ChildProcess client;
    QVERIFY(client.start(python, {QStringLiteral("-c"), script, m_world.serverCaFile()})); // not the relay's CA
    QCOMPARE(client.waitForExit(10000), 0);
    QVERIFY2(client.allStdout().contains("refused"), client.allStderr().constData());
    QTRY_VERIFY_WITH_TIMEOUT(sink.connectionCount() == 1 && sink.allClosed(), 5000);
    const ConnectionInfo c = sink.connections().first();
    QVERIFY2(c.error.startsWith(QLatin1String("TLS handshake with the client failed")), qPrintable(c.error));
    QCOMPARE(c.url, QStringLiteral("https://127.0.0.1:%1/").arg(chain.serverPort()));
}

void TestRelayTls::reverseToWss()
{
    RelayConfig cfg = m_world.reverseProxy();
    cfg.upstreamCaFile = m_world.serverCaFile();
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, QStringLiteral("127.0.0.1"), cfg));
    MemorySink &sink = chain.sink;
    endpoints::ClientOptions o;
    o.url = QUrl(QStringLiteral("ws://127.0.0.1:%1/rev?a=b").arg(chain.relayPort()));
    const QString problem = echoOnce(o, "to a wss upstream");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_VERIFY_WITH_TIMEOUT(sink.allClosed() && sink.connectionCount() == 1, 5000);
    const ConnectionInfo c = sink.connections().first();
    QCOMPARE(c.url, QStringLiteral("wss://127.0.0.1:%1/rev?a=b").arg(chain.serverPort()));
    QVERIFY(c.tls);
    QCOMPARE(c.mode, ConnectionMode::ReverseProxy);
    QCOMPARE(sink.messages(Direction::ServerToClient), QList<QByteArray>{QByteArray("to a wss upstream")});
}

void TestRelayTls::reverseToUntrustedWss()
{
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, QStringLiteral("127.0.0.1"), m_world.reverseProxy()));
    MemorySink &sink = chain.sink;
    QTcpSocket s;
    s.connectToHost(QHostAddress(QHostAddress::LocalHost), chain.relayPort());
    QVERIFY(s.waitForConnected(3000));
    s.write(upgradeRequest("127.0.0.1", "/x"));
    QByteArray all;
    QTRY_VERIFY_WITH_TIMEOUT((all += s.readAll(), s.state() == QAbstractSocket::UnconnectedState), 5000);
    all += s.readAll();
    QVERIFY2(all.startsWith("HTTP/1.1 502"), all.constData());
    QVERIFY2(all.contains(QByteArray("upstream TLS handshake with " + chain.authority() + " failed")),
             all.constData());
    QTRY_VERIFY_WITH_TIMEOUT(sink.allClosed() && sink.connectionCount() == 1, 5000);
    QVERIFY(sink.connections().first().error.contains(QLatin1String("upstream TLS handshake")));
}

void TestRelayTls::tlsListener_data()
{
    QTest::addColumn<QString>("listen");
    QTest::addColumn<QString>("urlHost");
    QTest::addColumn<QString>("verifyName");
    QTest::newRow("127.0.0.1") << QStringLiteral("127.0.0.1") << QStringLiteral("127.0.0.1") << QStringLiteral("127.0.0.1");
    QTest::newRow("localhost") << QStringLiteral("127.0.0.1") << QStringLiteral("localhost") << QStringLiteral("localhost");
    QTest::newRow("::1") << QStringLiteral("::1") << QStringLiteral("[::1]") << QStringLiteral("::1");
}

void TestRelayTls::tlsListener()
{
    QFETCH(QString, listen);
    QFETCH(QString, urlHost);
    RelayConfig cfg = m_world.reverseProxy(true);
    cfg.listenAddress = QHostAddress(listen);
    TlsChain chain;
    if (!chain.start(*m_world.serverCa, QString(), cfg) && chain.server && listen == QLatin1String("::1"))
        QSKIP("no IPv6 loopback");
    QVERIFY(chain.relay);
    MemorySink &sink = chain.sink;
    endpoints::ClientOptions o;
    o.url = QUrl(QStringLiteral("wss://%1:%2/listener").arg(urlHost).arg(chain.relayPort()));
    o.caCertificates = {m_world.relayCa->caCertificate()};
    o.useSystemCaCertificates = false;
    const QString problem = echoOnce(o, "to the TLS listener");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTRY_VERIFY_WITH_TIMEOUT(sink.allClosed() && sink.connectionCount() == 1, 5000);
    const ConnectionInfo c = sink.connections().first();
    QVERIFY(c.tls);
    QCOMPARE(c.url, QStringLiteral("ws://127.0.0.1:%1/listener").arg(chain.serverPort()));
    QCOMPARE(sink.messages(Direction::ClientToServer), QList<QByteArray>{QByteArray("to the TLS listener")});
}

void TestRelayTls::tlsListenerRefusesPlainBytes()
{
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, QString(), m_world.reverseProxy(true)));
    QTcpSocket s;
    s.connectToHost(QHostAddress(QHostAddress::LocalHost), chain.relayPort());
    QVERIFY(s.waitForConnected(3000));
    s.write(upgradeRequest("127.0.0.1", "/"));
    QTRY_COMPARE_WITH_TIMEOUT(s.state(), QAbstractSocket::UnconnectedState, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(chain.relay->activeConnections(), 0, 5000);
}

void TestRelayTls::pythonThroughProxy()
{
    const QString python = debianPython();
    if (!QFile::exists(python))
        QSKIP("/usr/bin/python3 missing");
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, QStringLiteral("localhost"), m_world.interceptingProxy()));
    MemorySink &sink = chain.sink;
    ChildProcess client;
    const QString url = QStringLiteral("wss://localhost:%1/py").arg(chain.serverPort());
    QVERIFY(client.start(python, {testDataPath(QStringLiteral("relay/peers/py_client.py")), url,
                                  QStringLiteral("127.0.0.1:%1").arg(chain.relayPort()), QStringLiteral("--ca"),
                                  m_world.relayCa->certificateFilePath()}));
    const int code = client.waitForExit(15000);
    QVERIFY2(code == 0, client.allStderr().constData());
    QVERIFY(client.allStdout().contains("ok"));
    QTRY_VERIFY_WITH_TIMEOUT(sink.allClosed() && sink.connectionCount() == 1, 5000);
    const ConnectionInfo c = sink.connections().first();
    QCOMPARE(c.url, url);
    QVERIFY(c.tls);
    QCOMPARE(c.clientCloseCode, 1000);
    const QList<QByteArray> up = sink.messages(Direction::ClientToServer);
    QCOMPARE(up.size(), 3);
    QCOMPARE(up.at(0), QByteArray("hello from python over tls"));
    QCOMPARE(sink.messages(Direction::ServerToClient), up);
}

// CONNECT and the ClientHello in one write, before the proxy's 200: the
// tunnel is still intercepted (not passed through as opaque bytes).
void TestRelayTls::clientHelloWithTheConnectRequest()
{
    const QString python = debianPython();
    if (!QFile::exists(python))
        QSKIP("/usr/bin/python3 missing");
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, QStringLiteral("localhost"), m_world.interceptingProxy()));
    ChildProcess client;
    QVERIFY(client.start(python, {testDataPath(QStringLiteral("relay/peers/py_pipelined_tls.py")),
                                  QStringLiteral("localhost:%1").arg(chain.serverPort()),
                                  QStringLiteral("127.0.0.1:%1").arg(chain.relayPort()), QStringLiteral("--ca"),
                                  m_world.relayCa->certificateFilePath()}));
    const int code = client.waitForExit(15000);
    QVERIFY2(code == 0, QByteArray(client.allStdout() + client.allStderr()).constData());
    QTRY_VERIFY_WITH_TIMEOUT(chain.sink.connectionCount() == 1, 5000);
    const ConnectionInfo c = chain.sink.connections().first();
    QCOMPARE(c.url, QStringLiteral("wss://localhost:%1/pipelined").arg(chain.serverPort()));
    QVERIFY(c.tls);
    QTRY_COMPARE_WITH_TIMEOUT(chain.sink.messages(Direction::ClientToServer).value(0), QByteArray("pipelined hello"), 5000);
    QCOMPARE(chain.sink.messages(Direction::ServerToClient).value(0), QByteArray("pipelined hello"));
}

void TestRelayTls::stalledHandshakeTimesOut_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("waits"); // true: closed by the handshake timeout, false: at once
    // A record header announcing 512 bytes, then silence: the relay waits for the
    // rest of the ClientHello only as long as the handshake timeout.
    QTest::newRow("half a ClientHello") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) << true;
    // A real ClientHello (from the fuzz corpus), then silence: the server side
    // of the handshake waits for the client's Finished, until the timeout.
    QFile hello(testDataPath(QStringLiteral("fuzz/corpus/clienthello/sni_example_test")));
    QVERIFY(hello.open(QIODevice::ReadOnly));
    QTest::newRow("handshake that never finishes") << hello.readAll() << true;
    // A complete but empty ClientHello: OpenSSL refuses it at once.
    QTest::newRow("bogus record") << QByteArray("\x16\x03\x01\x00\x04\x01\x00\x00\x00", 9) << false;
}

void TestRelayTls::stalledHandshakeTimesOut()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, waits);
    RelayConfig cfg = m_world.interceptingProxy(false);
    cfg.tlsHandshakeTimeoutMs = 800;
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, QStringLiteral("127.0.0.1"), cfg));
    auto s = openTunnel(chain.relayPort(), chain.authority());
    QVERIFY(s);
    s->write(bytes);
    QElapsedTimer t;
    t.start();
    QTRY_COMPARE_WITH_TIMEOUT(s->state(), QAbstractSocket::UnconnectedState, 5000);
    if (waits)
        QVERIFY2(t.elapsed() >= 500, qPrintable(QString::number(t.elapsed())));
    else
        QVERIFY2(t.elapsed() < 500, qPrintable(QString::number(t.elapsed())));
    QTRY_COMPARE_WITH_TIMEOUT(chain.relay->activeConnections(), 0, 5000);
}

void TestRelayTls::noDescriptorLeaks()
{
    TlsChain chain;
    QVERIFY(chain.start(*m_world.serverCa, QStringLiteral("127.0.0.1"), m_world.interceptingProxy()));
    const QString url = QStringLiteral("wss://127.0.0.1:%1/fd").arg(chain.serverPort());
    QVERIFY(echoOnce(viaProxy(url, chain.relayPort(), m_world.relayCa->caCertificate()), "warm").isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(chain.relay->activeConnections(), 0, 5000);
    const int before = openFdCount();
    for (int i = 0; i < 5; ++i)
        QVERIFY(echoOnce(viaProxy(url, chain.relayPort(), m_world.relayCa->caCertificate()), "again").isEmpty());
    // A failing one too (upstream not trusted for this name).
    auto s = openTunnel(chain.relayPort(), chain.authority());
    QVERIFY(s);
    QVERIFY(encryptTunnel(*s, m_world.relayCa->caCertificate(), QStringLiteral("wrong.example.test")));
    s->write(upgradeRequest("wrong.example.test", "/"));
    QVERIFY(readUntilClosed(*s).startsWith("HTTP/1.1 502"));
    s.reset();
    QTRY_COMPARE_WITH_TIMEOUT(chain.relay->activeConnections(), 0, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(openFdCount(), before, 5000);
    QCOMPARE(chain.sink.connectionCount(), 7);
}

void TestRelayTls::configErrors_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("expected");
    QTest::newRow("tls listener in proxy mode") << 0 << QStringLiteral("reverse-proxy mode");
    QTest::newRow("missing CA file") << 1 << QStringLiteral("does not exist");
    QTest::newRow("CA file without certificates") << 2 << QStringLiteral("holds no");
    QTest::newRow("bad pattern") << 3 << QStringLiteral("not a host pattern");
    QTest::newRow("ftp upstream") << 4 << QStringLiteral("not supported");
}

void TestRelayTls::configErrors()
{
    QFETCH(int, which);
    QFETCH(QString, expected);
    RelayConfig cfg;
    QTemporaryFile junk;
    QVERIFY(junk.open());
    junk.write("not a certificate\n");
    junk.flush();
    switch (which) {
    case 0: cfg.tlsListener = true; break;
    case 1: cfg.upstreamCaFile = QStringLiteral("/nonexistent/ca.pem"); break;
    case 2: cfg.upstreamCaFile = junk.fileName(); break;
    case 3: cfg.passThrough = {QStringLiteral("a b")}; break;
    case 4:
        cfg.mode = RelayMode::ReverseProxy;
        cfg.upstream = QUrl(QStringLiteral("ftp://127.0.0.1/"));
        break;
    }
    const QString problem = relay::Relay::checkConfig(cfg);
    QVERIFY2(problem.contains(expected), qPrintable(problem));
}

QTEST_GUILESS_MAIN(TestRelayTls)
#include "tst_relay_tls.moc"
