#pragma once

// Tools → Replay…: replays recorded connections of the open session against
// a server (the recorded URL or an override) with editable handshake,
// timing and comparison options; the run happens on a worker thread
// (ReplayRunner) with progress and Cancel; then a summary, the list of
// compared messages and a side-by-side JSON-aware diff; Re-run.
//
// Runs are captured into the live capture when the session is the live one.
// A session opened from a file is read-only: the first run copies it into a
// new capture (handed to adoptCopy, i.e. the window shows it from then on)
// and the runs are captured there, linked to the connections they replay.

#include "store/capturerecords.h"

#include <QDialog>

#include <functional>
#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;
class QTableWidget;
class QTabWidget;

namespace wslens {
class CaptureStore;
}

namespace wslens::ui {

class MessageDiffView;
class ReplayResultModel;
class ReplayRunner;
struct ReplayOutcome;

class ReplayDialog : public QDialog
{
    Q_OBJECT
public:
    // store: the session shown (not owned; must outlive the dialog or be
    // replaced through adoptCopy). live: the capture sink runs go into when
    // the session is live; nullptr for a read-only session.
    ReplayDialog(CaptureStore *store, CaptureSink *live, QWidget *parent = nullptr);
    ~ReplayDialog() override;

    // Receives the writable copy of a read-only session after the first run.
    void setAdoptCopy(std::function<void(std::unique_ptr<CaptureStore>)> adopt) { m_adoptCopy = std::move(adopt); }
    // Checks these connections (ids of the session) and unchecks the others.
    void setSelectedConnections(const QList<quint64> &ids);
    QList<quint64> selectedConnections() const;

    // Starts a run with the current settings; false (with the reason shown) when it cannot.
    bool run();
    void cancel();
    bool isRunning() const;

    CaptureStore *store() const { return m_store; }
    ReplayResultModel *resultModel() const { return m_model; }
    MessageDiffView *diffView() const { return m_diff; }
    QTableView *resultView() const { return m_resultView; }
    QLabel *summaryLabel() const { return m_summary; }

    // Close: a running replay is cancelled first; the dialog closes when it stopped.
    void reject() override;

Q_SIGNALS:
    void runFinished();

private:
    QWidget *createSetupPage();
    QWidget *createResultPage();
    void fillConnections();
    void refreshHandshake();
    void onFinished(const ReplayOutcome &outcome);
    void onResultRowChanged();
    void setRunning(bool running);
    void loadSettings();
    void saveSettings() const;

    CaptureStore *m_store;
    CaptureSink *m_live;
    std::unique_ptr<CaptureStore> m_pendingCopy;
    std::function<void(std::unique_ptr<CaptureStore>)> m_adoptCopy;
    std::unique_ptr<ReplayRunner> m_runner;
    bool m_closeWhenDone = false;
    quint64 m_handshakeFor = 0; // connection whose headers the table shows
    HttpHeaders m_shownHeaders;

    QTabWidget *m_tabs = nullptr;
    QListWidget *m_connections = nullptr;
    QLabel *m_captureNote = nullptr;
    QLineEdit *m_target = nullptr;
    QTableWidget *m_headers = nullptr;
    QCheckBox *m_dropCookies = nullptr;
    QLineEdit *m_origin = nullptr;
    QLineEdit *m_subprotocols = nullptr;
    QCheckBox *m_deflate = nullptr;
    QCheckBox *m_insecure = nullptr;
    QComboBox *m_timing = nullptr;
    QDoubleSpinBox *m_speed = nullptr;
    QSpinBox *m_replyTimeout = nullptr;
    QPlainTextEdit *m_ignore = nullptr;
    QPlainTextEdit *m_masks = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_cancel = nullptr;
    QLabel *m_summary = nullptr;
    QPlainTextEdit *m_notes = nullptr;
    QCheckBox *m_differencesOnly = nullptr;
    QTableView *m_resultView = nullptr;
    ReplayResultModel *m_model = nullptr;
    MessageDiffView *m_diff = nullptr;
    QByteArray m_recordedOrigin;
    QByteArray m_recordedSubprotocols;
};

} // namespace wslens::ui
