#pragma once

// Tools → Mock Server from This Session…: answers WebSocket clients from
// recorded connections (core/replay's mock server behaviour on our WsServer;
// each client gets the recording with its path, see replay/mockserver.h):
// check the connections, the listen address, the timing, whether unknown
// paths are refused; Start; the dialog shows "listening on HOST:PORT", which
// recording answers each client and every unexpected client message; Stop
// (or closing the dialog) ends it: every client gets a close (1001).

#include <QDialog>
#include <QList>
#include <QPointer>

#include <functional>
#include <memory>

class QHostAddress;
class QThread;

class QCheckBox;
class QComboBox;
class QListWidget;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace wslens {
class CaptureSink;
class CaptureStore;
namespace endpoints {
class WsServer;
}
} // namespace wslens

namespace wslens::replay {
struct RecordedConnection;
}

namespace wslens::ui {

class MockServerDialog : public QDialog
{
    Q_OBJECT
public:
    // store: the session (not owned). Once started, the server holds its own
    // copy of the recording, so the session may be closed while it runs.
    explicit MockServerDialog(CaptureStore *store, QWidget *parent = nullptr);
    ~MockServerDialog() override;

    // Starts with the current settings: reads the recording on a worker
    // thread, then listens (listeningChanged(true), or the reason shown).
    // False (with the reason shown) when the settings are wrong.
    bool start();
    // Stops without blocking: "Stopping…" while every client gets a close
    // (1001) and answers (or the grace period ends), then listeningChanged(false).
    void stop();
    // Where the server's connections are captured (asked when it starts; the
    // "capture" box decides). Without a provider nothing is captured.
    void setCaptureProvider(std::function<CaptureSink *()> provider);
    // The session (or the capture) is going away: waits for a recording being
    // read and forgets the session; a server capturing into the capture stops,
    // any other keeps answering from its copy of the recordings.
    void detachSession();
    bool isListening() const;
    bool isStopping() const; // between stop() and listeningChanged(false)
    quint16 port() const;
    QLabel *statusLabel() const { return m_status; }
    QPlainTextEdit *log() const { return m_log; }

Q_SIGNALS:
    void listeningChanged(bool listening);

private:
    void listenWith(const QList<replay::RecordedConnection> &recordings, const QString &loadError,
                    const QHostAddress &address, quint16 port);
    QList<quint64> checkedConnections() const;
    void onStopped();
    bool isRunning() const; // listening or stopping
    void appendLog(const QString &line);
    void updateUi();

    QPointer<CaptureStore> m_store;
    std::unique_ptr<endpoints::WsServer> m_server;
    QPointer<QThread> m_loader;
    bool m_loading = false;
    QListWidget *m_connection;
    QCheckBox *m_matchPath;
    QCheckBox *m_captureBox;
    std::function<CaptureSink *()> m_captureProvider;
    bool m_capturing = false;
    bool m_statusShowsServer = false; // the status says listening / stopping (not an error to keep)
    QLineEdit *m_listen;
    QComboBox *m_timing;
    QDoubleSpinBox *m_speed;
    QPushButton *m_start;
    QPushButton *m_stop;
    QLabel *m_status;
    QPlainTextEdit *m_log;
};

} // namespace wslens::ui
