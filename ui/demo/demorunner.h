#pragma once

#include <QObject>
#include <QString>

#include <memory>

namespace wslens {
class CaptureSink;
namespace endpoints {
class WsClient;
class WsServer;
}
namespace relay {
class Relay;
}
}

class QTimer;

namespace wslens::ui {

// The first-run demo: starts our echo server, a relay in reverse-proxy mode in
// front of it (recording into the given sink) and two of our clients that
// talk through the relay for a few seconds: JSON chat messages, binary
// frames, pings, a compressed connection and, at the end, one deliberately
// malformed frame so a violation shows up. Real sockets on 127.0.0.1 only.
class DemoRunner : public QObject
{
    Q_OBJECT
public:
    explicit DemoRunner(QObject *parent = nullptr);
    ~DemoRunner() override;

    // Returns false (with errorString) when the server or relay cannot start.
    bool start(CaptureSink *sink);
    void stop();
    bool isRunning() const { return m_running; }
    QString errorString() const { return m_error; }
    QString relayAddress() const;

    // Pace of the scripted traffic (tests speed it up).
    void setIntervalMs(int ms) { m_intervalMs = ms; }
    void setSteps(int steps) { m_steps = steps; }

signals:
    void finished();
    void failed(const QString &message);

private:
    void step();

    std::unique_ptr<endpoints::WsServer> m_server;
    std::unique_ptr<relay::Relay> m_relay;
    std::unique_ptr<endpoints::WsClient> m_chat;
    std::unique_ptr<endpoints::WsClient> m_feed;
    QTimer *m_timer = nullptr;
    int m_step = 0;
    int m_steps = 40;
    int m_intervalMs = 120;
    int m_connected = 0;
    bool m_running = false;
    QString m_error;
};

} // namespace wslens::ui
