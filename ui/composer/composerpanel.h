#pragma once

// The composer: connects our client to a ws:// or wss:// URL and sends text,
// JSON, binary (hex / base64) or raw crafted frames, with variables
// ({{counter}}, {{uuid}}, {{timestamp}}, {{random}}), every N ms, M times.
// A dockable widget; sockets live in core (WsClient's thread).

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTimer;

namespace wslens {
class CaptureSink;
namespace endpoints {
class WsClient;
}
} // namespace wslens

namespace wslens::ui {

class ComposerPanel : public QWidget
{
    Q_OBJECT
public:
    // capture: where our client's frames are recorded (not owned; may be null).
    explicit ComposerPanel(CaptureSink *capture = nullptr, QWidget *parent = nullptr);
    ~ComposerPanel() override;

    void setCaptureSink(CaptureSink *capture) { m_capture = capture; }

private:
    void toggleConnection();
    void startSending();
    void sendOne();
    void prettify();
    void appendLog(const QString &line);
    void setConnected(bool connected);

    CaptureSink *m_capture;
    std::unique_ptr<endpoints::WsClient> m_client;
    QLineEdit *m_url;
    QPushButton *m_connect;
    QLabel *m_status;
    QComboBox *m_format;
    QPlainTextEdit *m_body;
    QSpinBox *m_times;
    QSpinBox *m_interval;
    QPushButton *m_send;
    QPlainTextEdit *m_log;
    QTimer *m_repeat;
    bool m_connected = false;
    int m_remaining = 0;
    quint64 m_counter = 0;
};

} // namespace wslens::ui
