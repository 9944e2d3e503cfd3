#pragma once
// TLS relay tests: two throw-away CAs (the relay's interception CA and a
// "public" CA that signs the real servers' certificates), our wss:// server,
// a relay set up for TLS, and raw TLS peers (CONNECT tunnels, upgrades).

#include "relaytestsupport.h"

#include "endpoints/wsclient.h"
#include "endpoints/wsserver.h"
#include "relay/relay.h"
#include "tls/certificateauthority.h"

#include <QSignalSpy>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

namespace wslens::test {

struct TlsWorld
{
    QTemporaryDir dir;
    std::shared_ptr<tls::CertificateAuthority> relayCa;  // wslens' own CA (clients trust it)
    std::shared_ptr<tls::CertificateAuthority> serverCa; // signs the upstream servers' certificates

    bool init()
    {
        if (!dir.isValid())
            return false;
        relayCa = std::make_shared<tls::CertificateAuthority>(dir.filePath(QStringLiteral("relay-ca")));
        serverCa = std::make_shared<tls::CertificateAuthority>(dir.filePath(QStringLiteral("server-ca")));
        return relayCa->loadOrCreate() && serverCa->loadOrCreate();
    }
    QString serverCaFile() const { return serverCa->certificateFilePath(); }

    // An HTTP proxy intercepting CONNECT tunnels with relayCa; upstream
    // servers signed by serverCa are trusted when trustServerCa.
    relay::RelayConfig interceptingProxy(bool trustServerCa = true) const
    {
        relay::RelayConfig cfg;
        cfg.mode = relay::RelayMode::ExplicitProxy;
        cfg.tunnelPolicy = relay::TunnelPolicy::Intercept;
        cfg.certificateAuthority = relayCa;
        if (trustServerCa)
            cfg.upstreamCaFile = serverCaFile();
        return cfg;
    }
    // A reverse proxy (to TlsChain's server); with tlsListener its clients
    // speak TLS (certificates from relayCa).
    relay::RelayConfig reverseProxy(bool tlsListener = false) const
    {
        relay::RelayConfig cfg;
        cfg.mode = relay::RelayMode::ReverseProxy;
        cfg.tlsListener = tlsListener;
        if (tlsListener)
            cfg.certificateAuthority = relayCa;
        return cfg;
    }
};

// Our wss:// echo server with a certificate from `ca` for `certName`.
inline std::unique_ptr<endpoints::WsServer> startWssServer(tls::CertificateAuthority &ca, const QString &certName,
                                                           const QHostAddress &address = QHostAddress(QHostAddress::LocalHost))
{
    auto server = std::make_unique<endpoints::WsServer>();
    endpoints::ServerOptions so;
    so.address = address;
    so.tls = ca.serverConfigurationFor(certName);
    if (so.tls->localCertificate().isNull() || !server->listen(so))
        return nullptr;
    return server;
}

inline std::unique_ptr<endpoints::WsServer> startWsServer()
{
    auto server = std::make_unique<endpoints::WsServer>();
    if (!server->listen(endpoints::ServerOptions()))
        return nullptr;
    return server;
}

inline std::unique_ptr<relay::Relay> startTlsRelay(relay::RelayConfig cfg, CaptureSink *sink)
{
    // Shorter timeouts than the defaults (a test that sets its own keeps it).
    const relay::RelayConfig defaults;
    cfg.listenPort = 0;
    if (cfg.connectTimeoutMs == defaults.connectTimeoutMs)
        cfg.connectTimeoutMs = 3000;
    if (cfg.tlsHandshakeTimeoutMs == defaults.tlsHandshakeTimeoutMs)
        cfg.tlsHandshakeTimeoutMs = 3000;
    if (cfg.closeLingerMs == defaults.closeLingerMs)
        cfg.closeLingerMs = 2000;
    auto r = std::make_unique<relay::Relay>();
    r->setConfig(cfg);
    r->setCaptureSink(sink);
    if (!r->start()) {
        qWarning() << r->errorString();
        return nullptr;
    }
    return r;
}

// A wss:// (or ws://) echo server and a relay in front of it, recording into sink.
struct TlsChain
{
    MemorySink sink;
    std::unique_ptr<endpoints::WsServer> server;
    std::unique_ptr<relay::Relay> relay;

    // certName: the server's certificate (from ca) names it; "" = a plain ws:// server.
    // A reverse proxy without an upstream URL gets this server's.
    bool start(tls::CertificateAuthority &ca, const QString &certName, relay::RelayConfig cfg)
    {
        server = certName.isEmpty() ? startWsServer() : startWssServer(ca, certName);
        if (!server)
            return false;
        if (cfg.mode == relay::RelayMode::ReverseProxy && cfg.upstream.isEmpty())
            cfg.upstream = QUrl(QStringLiteral("%1://127.0.0.1:%2/")
                                    .arg(certName.isEmpty() ? QStringLiteral("ws") : QStringLiteral("wss"))
                                    .arg(server->serverPort()));
        relay = startTlsRelay(cfg, &sink);
        return relay != nullptr;
    }
    quint16 serverPort() const { return server->serverPort(); }
    quint16 relayPort() const { return relay->listenPort(); }
    QByteArray authority() const { return "127.0.0.1:" + QByteArray::number(serverPort()); }
};

// Client options for `url` through the HTTP proxy on proxyPort, trusting only `trusted`.
inline endpoints::ClientOptions viaProxy(const QString &url, quint16 proxyPort, const QSslCertificate &trusted)
{
    endpoints::ClientOptions o;
    o.url = QUrl(url);
    o.proxyHost = QStringLiteral("127.0.0.1");
    o.proxyPort = proxyPort;
    o.caCertificates = {trusted};
    o.useSystemCaCertificates = false;
    return o;
}

// Opens a CONNECT tunnel through the relay; the socket is still plain.
inline std::unique_ptr<QSslSocket> openTunnel(quint16 relayPort, const QByteArray &authority)
{
    auto s = std::make_unique<QSslSocket>();
    s->connectToHost(QHostAddress(QHostAddress::LocalHost), relayPort);
    if (!s->waitForConnected(3000))
        return nullptr;
    s->write("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
    QByteArray buffer;
    QByteArray head;
    if (!readHead(*s, buffer, head) || !head.startsWith("HTTP/1.1 200") || !buffer.isEmpty())
        return nullptr;
    return s;
}

// A client TLS configuration trusting only `ca`.
inline QSslConfiguration trusting(const QSslCertificate &ca)
{
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    c.setCaCertificates({ca});
    c.setPeerVerifyMode(QSslSocket::VerifyPeer);
    return c;
}

// Starts TLS on a tunnel from openTunnel(), trusting only `ca`, for `peerName`.
inline bool encryptTunnel(QSslSocket &s, const QSslCertificate &ca, const QString &peerName = QStringLiteral("127.0.0.1"))
{
    s.setSslConfiguration(trusting(ca));
    s.setPeerVerifyName(peerName);
    s.startClientEncryption();
    return s.waitForEncrypted(5000);
}

inline QByteArray upgradeRequest(const QByteArray &host, const QByteArray &path)
{
    return "GET " + path + " HTTP/1.1\r\nHost: " + host
           + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
             "Sec-WebSocket-Version: 13\r\n\r\n";
}

// Reads until the peer closes (or timeout); returns everything.
inline QByteArray readUntilClosed(QSslSocket &s, int timeoutMs = 5000)
{
    QByteArray all;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        all += s.readAll();
        if (s.state() == QAbstractSocket::UnconnectedState)
            break;
        s.waitForReadyRead(50);
    }
    return all + s.readAll();
}

// Opens `options`, sends `text`, expects it echoed, closes with 1000.
// Returns "" or what went wrong.
inline QString echoOnce(endpoints::ClientOptions options, const QByteArray &text)
{
    endpoints::WsClient client;
    QSignalSpy connected(&client, &endpoints::WsClient::connected);
    QSignalSpy failed(&client, &endpoints::WsClient::failed);
    QSignalSpy messages(&client, &endpoints::WsClient::messageReceived);
    QSignalSpy disconnected(&client, &endpoints::WsClient::disconnected);
    options.connectTimeoutMs = 5000;
    client.open(options);
    if (!QTest::qWaitFor([&] { return connected.size() + failed.size() > 0; }, 8000))
        return QStringLiteral("neither connected nor failed");
    if (!failed.isEmpty())
        return QStringLiteral("failed: ") + failed.first().first().toString();
    client.sendText(QString::fromUtf8(text));
    if (!QTest::qWaitFor([&] { return !messages.isEmpty(); }, 5000))
        return QStringLiteral("no echo");
    if (messages.first().at(1).toByteArray() != text)
        return QStringLiteral("wrong echo: ") + QString::fromUtf8(messages.first().at(1).toByteArray());
    client.close(1000, "done");
    if (!QTest::qWaitFor([&] { return !disconnected.isEmpty(); }, 5000))
        return QStringLiteral("no close");
    return {};
}

} // namespace wslens::test
