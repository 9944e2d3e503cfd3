#pragma once

#include "data/capturesource.h"
#include "filter/framefilter.h"
#include "relay/relaycontrol.h"

#include <QMainWindow>
#include <QPointer>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

class QAction;
class QComboBox;
class QDockWidget;
class QLabel;
class QLineEdit;
class QMenu;
class QStackedWidget;
class QTableView;

namespace wslens::ui {

class ComposerPanel;
class ConnectionModel;
class EmptyState;
class FilterBar;
class FilterRunner;
class FrameDetailView;
class InterceptPanel;
class DemoRunner;
class MemoryCapture;
class MockServerDialog;
class ServerPanel;
class RelayTrafficLabel;
class StoreCapture;
class TimelineModel;
class TimelineView;
class TrafficChart;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens a session or HAR file; reports errors in the window.
    void openFile(const QString &path);

    // Shows a capture the window does not own (tests, tools). nullptr returns
    // to an empty live capture.
    void setCapture(CaptureSource *source, const QString &title = QString());
    CaptureSource *capture() const { return m_source; }
    // The live capture the relay and the demo record into; created (a new
    // session file in the default capture folder) when there is none.
    CaptureSink *liveSink();
    bool isLoading() const { return m_loading; }
    DemoRunner *demo() const { return m_demo; }
    intercept::Interceptor *interceptor() const { return m_interceptor.get(); }
    InterceptPanel *interceptPanel() const { return m_interceptPanel; }
    ComposerPanel *composer() const { return m_composer; }
    ServerPanel *serverPanel() const { return m_serverPanel; }

    TimelineModel *timelineModel() const { return m_timelineModel; }
    TimelineView *timelineView() const { return m_timeline; }
    ConnectionModel *connectionModel() const { return m_connectionModel; }
    QTableView *connectionView() const { return m_connectionView; }
    FrameDetailView *detailView() const { return m_detail; }
    FilterBar *filterBar() const { return m_filterBar; }
    FilterRunner *filterRunner() const { return m_filterRunner.get(); }
    TrafficChart *trafficChart() const { return m_chart; }
    EmptyState *emptyState() const { return m_empty; }
    bool isShowingEmptyState() const;
    QAction *action(const QString &objectName) const;

    // Selects a timeline row (and shows it in the detail pane).
    void selectRow(int row);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void adoptCapture(std::unique_ptr<CaptureSource> capture, bool live, const QString &title);
    void showSource(CaptureSource *source, const QString &title);
    void openHar(const QString &path);
    void startWorker(QThread *thread);
    void retireOwned();
    void createActions();
    void createMenus();
    void createCentral();
    void createDocks();
    void createRelayBar();
    void createStatusBar();
    void connectSource();
    void restoreLayout();
    void saveLayout() const;
    void showAbout();
    void showShortcuts();

    // Intercept dock and menu (mainwindowintercept.cpp)
    void createIntercept();
    QString connectionLabel(quint64 id) const;

    // Server dock (mainwindowserver.cpp)
    void createServerDock();

    // Tools menu (mainwindowtools.cpp)
    void createToolsMenu();
    void openReplay();
    void openMockServer();
    void openCaDialog(int action);

    void updateEmptyState();
    void updateTitle();
    void updateStatus();
    void updateRelayUi();
    void onCurrentFrameChanged();
    void onConnectionSelectionChanged();
    void onFramesAppended(qsizetype first, qsizetype count);
    void onCriteriaChanged(const FilterCriteria &criteria, bool typing);
    void gotoMatch(int step);
    void copySelected(int format);
    void exportSelection(bool har);
    void clearCapture();
    void toggleRelay();
    void startRelay();
    void stopRelay();
    void startDemo();
    void openDialog();
    void saveAs();
    void addRecentFile(const QString &path);
    void rebuildRecentMenu();
    QList<qsizetype> selectedSourceIndexes() const;
    RelaySettings relaySettingsFromUi() const;

    std::unique_ptr<MemoryCapture> m_placeholder; // empty capture shown before anything is captured
    std::unique_ptr<CaptureSource> m_owned;       // live capture or opened file
    StoreCapture *m_live = nullptr;               // m_owned when it is the live capture
    CaptureSource *m_source = nullptr;            // what the views show
    DemoRunner *m_demo = nullptr;
    bool m_loading = false;
    std::shared_ptr<std::atomic<bool>> m_loadCancel;
    // Worker threads using a store (open, save); captures replaced while one
    // runs are kept in m_retired until they all finished.
    QList<QPointer<QThread>> m_workers;
    std::vector<std::unique_ptr<CaptureSource>> m_retired;
    QString m_title;

    TimelineModel *m_timelineModel = nullptr;
    ConnectionModel *m_connectionModel = nullptr;
    std::unique_ptr<FilterRunner> m_filterRunner;
    RelayControl *m_relay = nullptr;
    std::unique_ptr<intercept::Interceptor> m_interceptor; // outlives the relay's runs
    InterceptPanel *m_interceptPanel = nullptr;
    QDockWidget *m_interceptDock = nullptr;

    QStackedWidget *m_stack = nullptr;
    EmptyState *m_empty = nullptr;
    FilterBar *m_filterBar = nullptr;
    TimelineView *m_timeline = nullptr;
    QTableView *m_connectionView = nullptr;
    FrameDetailView *m_detail = nullptr;
    TrafficChart *m_chart = nullptr;
    QDockWidget *m_connectionDock = nullptr;
    QDockWidget *m_detailDock = nullptr;
    QDockWidget *m_chartDock = nullptr;
    QDockWidget *m_composerDock = nullptr;
    ComposerPanel *m_composer = nullptr;
    QDockWidget *m_serverDock = nullptr;
    ServerPanel *m_serverPanel = nullptr; // stopped before its capture is replaced or destroyed

    QComboBox *m_modeCombo = nullptr;
    QLineEdit *m_listenEdit = nullptr;
    QLineEdit *m_upstreamEdit = nullptr;
    QLineEdit *m_addressField = nullptr;

    QLabel *m_relayLabel = nullptr;
    RelayTrafficLabel *m_trafficLabel = nullptr;
    QLabel *m_connectionsLabel = nullptr;
    QLabel *m_rateLabel = nullptr;
    QLabel *m_fileLabel = nullptr;
    QLabel *m_framesLabel = nullptr;

    QPointer<MockServerDialog> m_mock;
    QMenu *m_recentMenu = nullptr;
    QAction *m_relayAction = nullptr;

    // live rate
    quint64 m_framesSinceTick = 0;
    quint64 m_bytesSinceTick = 0;
    qint64 m_lastTickMs = 0;
    double m_framesPerSecond = 0;
    double m_bytesPerSecond = 0;
};

} // namespace wslens::ui
