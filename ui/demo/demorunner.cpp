#include "demo/demorunner.h"

#include "endpoints/wsclient.h"
#include "endpoints/wsserver.h"
#include "relay/relay.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QUrl>

namespace wslens::ui {

namespace {

// A masked client text frame with RSV2 set: no extension defines RSV2, so
// this breaks RFC 6455 5.2 and the echo server closes with 1002.
QByteArray malformedFrame(const QByteArray &text)
{
    QByteArray f;
    f.append(char(0x80 | 0x20 | 0x1));
    f.append(char(0x80 | text.size()));
    const char key[4] = {0x12, 0x34, 0x56, 0x78};
    f.append(key, 4);
    for (int i = 0; i < text.size(); ++i)
        f.append(char(text[i] ^ key[i % 4]));
    return f;
}

const char *const kNames[] = {"ada", "linus", "grace", "ken"};
const char *const kTexts[] = {"hello everyone", "is the build green?", "deploying v2.3 now",
                              "latency looks good: p50 41 µs", "who broke main?", "lunch?"};

} // namespace

DemoRunner::DemoRunner(QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this))
{
    connect(m_timer, &QTimer::timeout, this, &DemoRunner::step);
}

DemoRunner::~DemoRunner()
{
    stop();
}

QString DemoRunner::relayAddress() const
{
    return m_relay ? m_relay->proxyAddress() : QString();
}

bool DemoRunner::start(CaptureSink *sink)
{
    stop();
    m_server = std::make_unique<endpoints::WsServer>();
    endpoints::ServerOptions serverOptions; // echo, deflate accepted, no capture (the relay records)
    if (!m_server->listen(serverOptions, &m_error)) {
        m_server.reset();
        return false;
    }
    m_relay = std::make_unique<relay::Relay>();
    relay::RelayConfig config;
    config.mode = relay::RelayMode::ReverseProxy;
    config.listenPort = 0;
    config.upstream = QUrl(m_server->url());
    m_relay->setConfig(config);
    m_relay->setCaptureSink(sink);
    if (!m_relay->start()) {
        m_error = m_relay->errorString();
        stop();
        return false;
    }
    const QString base = QStringLiteral("ws://127.0.0.1:%1").arg(m_relay->listenPort());
    m_running = true;
    m_step = 0;
    m_connected = 0;

    auto makeClient = [this](const QString &url, bool deflate) {
        auto client = std::make_unique<endpoints::WsClient>();
        connect(client.get(), &endpoints::WsClient::connected, this, [this] {
            if (++m_connected == 2)
                m_timer->start(m_intervalMs);
        });
        connect(client.get(), &endpoints::WsClient::failed, this, [this](const QString &error) {
            m_error = error;
            emit failed(error);
            stop();
        });
        endpoints::ClientOptions options;
        options.url = QUrl(url);
        options.deflate = deflate;
        options.subprotocols = {QByteArrayLiteral("chat.v1")};
        options.origin = QByteArrayLiteral("http://127.0.0.1");
        client->open(options);
        return client;
    };
    m_chat = makeClient(base + QStringLiteral("/chat?room=general"), false);
    m_feed = makeClient(base + QStringLiteral("/feed/ticks"), true);
    return true;
}

void DemoRunner::step()
{
    if (!m_chat || !m_feed)
        return;
    const int i = m_step++;
    if (i < m_steps) {
        const QJsonObject msg{{QStringLiteral("type"), QStringLiteral("message")},
                              {QStringLiteral("id"), i + 1},
                              {QStringLiteral("from"), QLatin1String(kNames[i % 4])},
                              {QStringLiteral("text"), QString::fromUtf8(kTexts[i % 6])},
                              {QStringLiteral("ts"), QDateTime::currentMSecsSinceEpoch()}};
        m_chat->sendText(QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact)));
        QByteArray tick(16 + (i % 5) * 8, '\0');
        for (int k = 0; k < tick.size(); ++k)
            tick[k] = char((i * 31 + k * 7) & 0xff);
        m_feed->sendBinary(tick);
        if (i % 8 == 3)
            m_chat->sendPing(QByteArrayLiteral("keepalive"));
        if (i % 10 == 6) {
            const QJsonObject status{{QStringLiteral("type"), QStringLiteral("status")},
                                     {QStringLiteral("online"), QJsonObject{{QStringLiteral("ada"), true}, {QStringLiteral("ken"), false}}},
                                     {QStringLiteral("rooms"), 3}};
            m_feed->sendText(QString::fromUtf8(QJsonDocument(status).toJson(QJsonDocument::Compact)));
        }
        return;
    }
    if (i == m_steps) {
        m_feed->sendRaw(malformedFrame(QByteArrayLiteral("bad bits")));
        m_chat->close(1000, QByteArrayLiteral("bye"));
        return;
    }
    m_timer->stop();
    emit finished();
}

void DemoRunner::stop()
{
    m_timer->stop();
    m_chat.reset();
    m_feed.reset();
    if (m_relay)
        m_relay->stop();
    m_relay.reset();
    m_server.reset();
    m_running = false;
}

} // namespace wslens::ui
