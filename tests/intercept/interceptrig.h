#pragma once
// The intercept tests' rig: our echo server (permessage-deflate accepted)
// behind a reverse-proxy relay with an Interceptor, recording into a MemorySink.

#include "../relay/relaytestsupport.h"
#include "endpoints/wsserver.h"
#include "intercept/interceptor.h"
#include "intercept/rulesfile.h"

#include <memory>

namespace wslens::test {

struct InterceptRig
{
    endpoints::WsServer server;
    MemorySink sink;
    intercept::Interceptor interceptor;
    std::unique_ptr<relay::Relay> relay;

    // Starts the server and the relay with the rules in rulesJson (rules-file format).
    bool start(const QByteArray &rulesJson)
    {
        QString error;
        if (!server.listen(endpoints::ServerOptions(), &error))
            return false;
        intercept::RuleList rules;
        if (!intercept::parseRules(rulesJson, &rules, &error) || !interceptor.setRules(rules, &error)) {
            qWarning("bad test rules: %s", qPrintable(error));
            return false;
        }
        relay = std::make_unique<relay::Relay>();
        relay::RelayConfig cfg;
        cfg.mode = relay::RelayMode::ReverseProxy;
        cfg.upstream = QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(server.serverPort()));
        cfg.connectTimeoutMs = 3000;
        cfg.closeLingerMs = 2000;
        relay->setConfig(cfg);
        relay->setCaptureSink(&sink);
        relay->setInterceptor(&interceptor);
        return relay->start();
    }
    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/chat").arg(relay->listenPort())); }
    // A minimal upgrade request for /chat, for raw-socket clients.
    QByteArray upgradeRequest() const
    {
        return "GET /chat HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(relay->listenPort())
               + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 "Sec-WebSocket-Version: 13\r\n\r\n";
    }
};

} // namespace wslens::test
