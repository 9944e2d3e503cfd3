#pragma once

#include "store/capturerecords.h"

#include <QObject>
#include <QString>
#include <QStringList>

namespace wslens::intercept {
class Interceptor;
}

namespace wslens::ui {

// The relay settings behind the toolbar (Capture → Relay Settings…), kept in
// QSettings: TLS interception, upstream trust, strictness and limits.
struct RelayOptions
{
    bool interceptTls = true;     // explicit proxy: end TLS of CONNECT tunnels with a leaf from the local CA
    QStringList passThrough;      // host globs tunnelled untouched ("*.google.com")
    QString upstreamCaFile;       // PEM trusted for upstream servers besides the system store
    bool insecureUpstream = false; // ignore upstream certificate errors (recorded on each connection)
    bool tlsListener = false;     // reverse proxy: clients connect with wss://
    bool strict = false;          // close the side that breaks a protocol rule
    int maxFrameMiB = 64;
    int maxMessageMiB = 64;
    int maxDecompressedMiB = 64;  // permessage-deflate decode cap per message

    static RelayOptions load();
    void save() const;
    bool operator==(const RelayOptions &o) const;
};

// What the relay controls in the window configure.
struct RelaySettings
{
    enum class Mode { ExplicitProxy, ReverseProxy };
    Mode mode = Mode::ExplicitProxy;
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = 8080;
    QString upstream; // ws://host:port for reverse-proxy mode
    RelayOptions options;

    // "127.0.0.1:8080" / "[::1]:8080"
    QString listenAddress() const;
    // Parses "host:port", "[v6]:port" or ":port"; false when malformed.
    bool setListenAddress(const QString &text);
    // What to put into a browser (explicit proxy) or a client (reverse proxy).
    QString clientAddress(quint16 actualPort = 0) const;
    QString validate() const; // empty when usable
};

// The window's view of the relay engine: a thin adapter so the UI does not
// depend on the engine's details. State changes arrive as signals on the GUI
// thread.
class RelayControl : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Running, Stopping, Failed };

    using QObject::QObject;

    virtual bool isAvailable() const = 0;
    virtual QString unavailableReason() const { return {}; }
    virtual void start(const RelaySettings &settings, CaptureSink *sink) = 0;
    virtual void stop() = 0;
    virtual int activeConnections() const { return 0; }
    // Rules, breakpoints and injection for the next start() (not owned; null: none).
    virtual void setInterceptor(intercept::Interceptor *interceptor) { Q_UNUSED(interceptor); }

    State state() const { return m_state; }
    quint16 boundPort() const { return m_port; }
    QString errorString() const { return m_error; }

signals:
    void stateChanged(wslens::ui::RelayControl::State state);
    // Something about the interception CA the user must know (a new CA was
    // made, or its key was readable by others), for the status bar.
    void caNotice(const QString &text);
    // The relay's warnings while it runs (e.g. out of file descriptors).
    void warning(const QString &text);
    // A plain HTTP request answered or a tunnel forwarded untouched (Relay::traffic).
    void traffic(const QString &line);

protected:
    void setState(State state, quint16 port = 0, const QString &error = QString());

private:
    State m_state = State::Stopped;
    quint16 m_port = 0;
    QString m_error;
};

// Creates the adapter for the relay engine of this build.
RelayControl *createRelayControl(QObject *parent);

} // namespace wslens::ui
