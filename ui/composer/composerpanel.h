#pragma once

// The composer: connects our client to a ws:// or wss:// URL and sends text,
// JSON, binary (hex / base64 / a file) or raw crafted frames, with variables
// ({{counter}}, {{uuid}}, {{timestamp}}, {{random}}), every N ms, M times
// (Stop ends it). Templates are saved by name and the last sent messages are
// kept in a history (both in QSettings) to restore or send again. Its
// client's frames are captured like any other traffic when a capture is set.
// A dockable widget; sockets live in core (WsClient's thread).

#include "composer/composerentry.h"
#include "store/capturerecords.h"

#include <QByteArray>
#include <QDateTime>
#include <QWidget>

#include <functional>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTimer;

namespace wslens {
class CaptureSink;
namespace endpoints {
class WsClient;
struct ComposedMessage;
}
} // namespace wslens

namespace wslens::ui {

class ComposerHistoryModel;

class ComposerPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr qint64 kMaxFileBytes = 64ll * 1024 * 1024;

    // capture: where our client's frames are recorded (not owned; may be null).
    explicit ComposerPanel(CaptureSink *capture = nullptr, QWidget *parent = nullptr);
    ~ComposerPanel() override;

    void setCaptureSink(CaptureSink *capture) { m_capture = capture; }
    // Asked for the sink each time the client connects (wins over setCaptureSink).
    void setCaptureProvider(std::function<CaptureSink *()> provider) { m_captureProvider = std::move(provider); }
    // Ends the connection now (the capture it records into is going away).
    void dropConnection();
    bool isConnected() const { return m_connected; }

    // "Send to" lists, after the own connection, the targets of every
    // provider: relayed connections (either direction), our test server's
    // connections, ... key identifies a target within its provider.
    struct SendTarget
    {
        QString label;
        quint64 key = 0;
    };
    struct TargetProvider
    {
        // The live targets now (asked each time the list opens and before sending).
        std::function<QList<SendTarget>()> live;
        // Sends one composed message (message.raw: a whole crafted frame) to
        // target key; false with *error when it is gone or cannot take it.
        std::function<bool(quint64 key, const endpoints::ComposedMessage &message, QString *error)> send;
        // Whether a raw frame spec without mask= is masked (a client's frames
        // are; a server's, such as our test server's, are not).
        bool maskRawByDefault = true;
    };
    void addTargetProvider(TargetProvider provider);
    void refreshTargets();
    QComboBox *targetCombo() const { return m_target; }

    // The editor's content as an entry, and back (undoable in the editor).
    ComposerEntry currentEntry() const;
    void restoreEntry(const ComposerEntry &entry);
    bool saveTemplate(const QString &name);
    bool loadTemplate(const QString &name);
    void deleteTemplate(const QString &name);
    ComposerHistoryModel *history() const { return m_history; }
    // Sends history row `row` again (M times every N ms like Send).
    void resend(int row);
    void startSending();
    void stopSending();
    bool isSending() const;

private:
    void toggleConnection();
    void sendOne();
    void prettify();
    void chooseFile();
    void appendLog(const QString &line);
    void setConnected(bool connected);
    void refreshTemplates(const QString &select = QString());
    void updateSendUi();
    bool fileBytes(const QString &path, QByteArray *out, QString *error);

    bool sendToTarget(const endpoints::ComposedMessage &message);
    bool targetChosen() const;
    // The chosen target's provider (and key in it); null for the own connection.
    const TargetProvider *chosenProvider(quint64 *key) const;

    CaptureSink *m_capture;
    std::vector<TargetProvider> m_providers;
    QComboBox *m_target;
    std::function<CaptureSink *()> m_captureProvider;
    std::unique_ptr<endpoints::WsClient> m_client;
    QLineEdit *m_url;
    QPushButton *m_connect;
    QLabel *m_status;
    QComboBox *m_templates;
    QComboBox *m_format;
    QPlainTextEdit *m_body;
    QSpinBox *m_times;
    QSpinBox *m_interval;
    QPushButton *m_send;
    QPushButton *m_stop;
    QLabel *m_progress;
    QListView *m_historyView;
    ComposerHistoryModel *m_history;
    QPlainTextEdit *m_log;
    QTimer *m_repeat;
    bool m_connected = false;
    int m_remaining = 0;
    int m_total = 0;
    quint64 m_counter = 0;
    ComposerEntry m_sending; // what the running send repeats
    // The last file read for sending (re-read when it changed).
    QString m_filePath;
    QDateTime m_fileModified;
    QByteArray m_fileData;
};

} // namespace wslens::ui
