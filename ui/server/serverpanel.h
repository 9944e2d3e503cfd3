#pragma once

// The Server dock: runs our built-in test server (core's WsServer) from the
// desktop app. Listen address (port 0: the system picks one), behaviour
// (Echo / Broadcast / Silent / a script file, see docs/SCRIPTS.md), wss with
// a certificate from the local CA (like `wslens serve --wss`), Options…
// (subprotocols, permessage-deflate, allowed Origins, like `wslens serve`),
// Start / Stop, "listening on ws://HOST:PORT/", the open connections and
// Close connection. Settings are kept in QSettings (server/...).
// Its frames are captured into the sink the capture provider hands out when
// it starts; whoever replaces that capture must stop() the server first.

#include "server/handshakesettings.h"

#include <QWidget>

#include <functional>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace wslens {
class CaptureSink;
struct ConnectionInfo;
namespace endpoints {
class WsServer;
struct ComposedMessage;
} // namespace endpoints
} // namespace wslens

namespace wslens::ui {

class ServerConnectionModel;

class ServerPanel : public QWidget
{
    Q_OBJECT
public:
    enum class Behaviour { Echo, Broadcast, Silent, Script };

    explicit ServerPanel(QWidget *parent = nullptr);
    ~ServerPanel() override; // stop()

    // Asked for the capture each time the server starts (null: not captured).
    void setCaptureProvider(std::function<CaptureSink *()> provider) { m_captureProvider = std::move(provider); }
    // Where the wss certificate comes from (empty: the CA's default folder).
    void setCaDirectory(const QString &directory) { m_caDirectory = directory; }

    // Starts with the panel's settings; false with the reason shown in the
    // status line (bad address, bad script, bad option, port in use, no certificate).
    bool start();
    // Stops and returns when stopped: every client gets a close (1001) and
    // about a round trip to answer it (1 s at most, see WsServer::stop()).
    // For the window, before the capture the server writes into goes.
    void stop();
    // The Stop button: the same without waiting ("Stopping…" until the
    // server reports it is done).
    void stopGracefully();
    bool isStopping() const;
    bool isListening() const;
    quint16 port() const;
    // "ws://127.0.0.1:9001/" while listening, else empty.
    QString url() const;

    // Into one of its open connections (ids as in connections()); raw
    // messages are whole crafted frames. False with *error when it is gone.
    bool send(quint64 connection, const endpoints::ComposedMessage &message, QString *error);
    bool closeConnection(quint64 connection);

    ServerConnectionModel *connections() const { return m_model; }
    QLabel *statusLabel() const { return m_status; }
    QPlainTextEdit *log() const { return m_log; }
    const HandshakeSettings &handshakeSettings() const { return m_handshake; }
    // Options…: a window-modal dialog (open(), not exec()); applied and saved on OK.
    void editOptions();

Q_SIGNALS:
    void listeningChanged(bool listening);

private:
    void connectServer();
    void fitColumns();
    void onStopped();
    void chooseScript();
    void closeSelected();
    void showError(const QString &message);
    void showStatus(const QString &message);
    void appendLog(const QString &line);
    void updateUi();
    void saveSettings() const;

    std::unique_ptr<endpoints::WsServer> m_server;
    std::function<CaptureSink *()> m_captureProvider;
    QString m_caDirectory;
    ServerConnectionModel *m_model;
    QLineEdit *m_listen;
    QComboBox *m_behaviour;
    QWidget *m_scriptRow;
    QLineEdit *m_script;
    QPushButton *m_browse;
    QCheckBox *m_wss;
    HandshakeSettings m_handshake;
    QLabel *m_optionsSummary;
    QPushButton *m_options;
    QPushButton *m_start;
    QPushButton *m_stop;
    QLabel *m_status;
    QTableView *m_view;
    QPushButton *m_close;
    QPlainTextEdit *m_log;
};

} // namespace wslens::ui
