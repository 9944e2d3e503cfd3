#pragma once
// TLS relay tests: two throw-away CAs (the relay's interception CA and a
// "public" CA that signs the real servers' certificates), our wss:// server,
// and a relay set up for TLS.

#include "endpoints/wsclient.h"
#include "endpoints/wsserver.h"
#include "relay/relay.h"
#include "tls/certificateauthority.h"

#include <QSignalSpy>
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
    cfg.listenPort = 0;
    cfg.connectTimeoutMs = 3000;
    cfg.tlsHandshakeTimeoutMs = 3000;
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
