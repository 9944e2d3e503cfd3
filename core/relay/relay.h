#pragma once

#include "relay/relayconfig.h"

#include <QHostAddress>
#include <QObject>
#include <QString>

#include <memory>

namespace wslens {
class CaptureSink;
}
namespace wslens::intercept {
class Interceptor;
}

namespace wslens::relay {

struct SessionContext;

// The intercepting relay: public face for the CLI and the UI. Lives in the
// caller's thread (the GUI thread is fine); the listener and the connection
// workers run on their own threads. Signals arrive queued in this object's thread.
//
//   Relay relay;
//   relay.setConfig(cfg);              // mode, listen address, upstream, strict
//   relay.setCaptureSink(&store);      // thread-safe sink, outlives the run
//   if (!relay.start()) qWarning() << relay.errorString();
//   ... relay.proxyAddress() ...       // "127.0.0.1:8080": paste into a browser
//   relay.stop();
class Relay : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Listening, Failed };
    Q_ENUM(State)

    explicit Relay(QObject *parent = nullptr);
    ~Relay() override; // stops

    void setConfig(const RelayConfig &config) { m_config = config; }
    const RelayConfig &config() const { return m_config; }
    // Where captured connections and frames go (not owned; may be null). Set before start().
    void setCaptureSink(CaptureSink *sink) { m_sink = sink; }
    // Intercept rules, breakpoints and injection (core/intercept/interceptor.h; not owned,
    // may be null; must outlive the run). Set before start().
    void setInterceptor(intercept::Interceptor *interceptor) { m_interceptor = interceptor; }
    intercept::Interceptor *interceptor() const { return m_interceptor; }

    // Binds and starts the threads. Synchronous: on return the relay listens
    // (true) or state() is Failed and errorString() says why.
    bool start();
    // Closes the listener and every connection (recorded as "relay stopped"),
    // then joins the threads. Synchronous; safe to call when stopped.
    void stop();

    State state() const { return m_state; }
    bool isRunning() const { return m_state == State::Listening; }
    QString errorString() const { return m_error; }
    QHostAddress listenAddress() const { return m_boundAddress; }
    quint16 listenPort() const { return m_boundPort; }
    // "HOST:PORT" to paste into a browser's HTTP proxy setting ("[::1]:PORT" for IPv6).
    QString proxyAddress() const;
    // Number of connections currently open (all threads).
    int activeConnections() const;

    // Validates a configuration; returns an empty string when it can run.
    static QString checkConfig(const RelayConfig &config);

Q_SIGNALS:
    void stateChanged(wslens::relay::Relay::State state);
    void warning(const QString &message); // e.g. listening beyond loopback, CA permissions fixed
    void connectionOpened(quint64 id, const QString &url, const QString &client);
    void connectionClosed(quint64 id, const QString &url, const QString &detail);
    // A plain HTTP request answered, or a tunnel forwarded untouched opened or
    // closed: traffic that has no connection record ("http GET http://h/ from
    // 127.0.0.1:5000: 200 OK", "tunnel h:443 from ...: forwarded untouched").
    void traffic(const QString &line);

private:
    void setState(State s);
    bool setUpTls(SessionContext &context);
    struct Run;

    RelayConfig m_config;
    CaptureSink *m_sink = nullptr;
    intercept::Interceptor *m_interceptor = nullptr;
    std::unique_ptr<Run> m_run;
    State m_state = State::Stopped;
    QString m_error;
    QHostAddress m_boundAddress;
    quint16 m_boundPort = 0;
};

} // namespace wslens::relay
