#include "composer/composerpanel.h"
#include "server/serverpanel.h"
#include "mainwindow.h"

#include "common/version.h"
#include "data/exporter.h"
#include "data/memorycapture.h"
#include "data/storecapture.h"
#include "demo/demorunner.h"
#include "store/capturestore.h"
#include "store/har.h"
#include "detail/formatting.h"
#include "detail/framedetailview.h"
#include "intercept/interceptor.h"
#include "relay/relaysettingsdialog.h"
#include "relay/relaytrafficlabel.h"
#include "filter/filterrunner.h"
#include "models/connectionmodel.h"
#include "models/timelinemodel.h"
#include "views/timelineview.h"
#include "replay/mockserverdialog.h"
#include "widgets/editactions.h"
#include "widgets/emptystate.h"
#include "widgets/filterbar.h"
#include "widgets/theme.h"
#include "widgets/trafficchart.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDockWidget>
#include <QScrollArea>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressDialog>
#include <QThread>
#include <QSaveFile>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QThreadPool>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <functional>

// The icons live in wslens_ui, a static library: register them explicitly.
static void initUiResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace wslens::ui {

namespace {
constexpr int kMaxRecent = 8;

QString settingsKey(const char *key)
{
    return QLatin1String("mainwindow/") % QLatin1String(key);
}
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_placeholder(std::make_unique<MemoryCapture>())
{
    initUiResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/wslens.svg")));
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    resize(1280, 800);

    m_timelineModel = new TimelineModel(this);
    m_connectionModel = new ConnectionModel(this);
    m_relay = createRelayControl(this);
    m_demo = new DemoRunner(this);
    connect(m_demo, &DemoRunner::failed, this, [this](const QString &message) {
        QMessageBox::warning(this, tr("Demo"), tr("The demo stopped: %1").arg(message));
    });
    connect(m_demo, &DemoRunner::finished, this, [this] { statusBar()->showMessage(tr("Demo finished"), 3000); });
    connect(m_relay, &RelayControl::stateChanged, this, &MainWindow::updateRelayUi);
    connect(m_relay, &RelayControl::caNotice, this, [this](const QString &text) { statusBar()->showMessage(text, 60000); });
    connect(m_relay, &RelayControl::warning, this, [this](const QString &text) {
        statusBar()->showMessage(tr("Relay: %1").arg(text), 15000);
    });

    createActions();
    createMenus();
    createCentral();
    createDocks();
    createIntercept();
    createServerDock();
    createRelayBar();
    createStatusBar();
    setCapture(nullptr);
    restoreLayout();
    updateRelayUi();

    auto *tick = new QTimer(this);
    tick->setInterval(1000);
    connect(tick, &QTimer::timeout, this, &MainWindow::updateStatus);
    tick->start();
}

MainWindow::~MainWindow()
{
    // Producers first (they write into the capture), then the filter worker.
    m_demo->stop();
    m_relay->stop();
    m_composer->dropConnection();
    m_serverPanel->stop();
    if (m_mock)
        m_mock->detachSession(); // stops a mock server capturing into m_owned
    if (m_loadCancel)
        m_loadCancel->store(true);
    for (const QPointer<QThread> &t : std::as_const(m_workers))
        if (t)
            t->wait();
    m_filterRunner.reset();
    m_timelineModel->setSource(nullptr);
    m_connectionModel->setSource(nullptr);
    m_chart->setSource(nullptr);
}

QAction *MainWindow::action(const QString &objectName) const
{
    return findChild<QAction *>(objectName);
}

CaptureSink *MainWindow::liveSink()
{
    if (m_live && m_source == m_live)
        return m_live->sink();
    auto store = std::make_unique<CaptureStore>();
    if (!store->create() && !store->createTemporary()) {
        QMessageBox::warning(this, tr("Capture"), tr("Cannot create a capture file: %1").arg(store->errorString()));
        return nullptr;
    }
    auto capture = std::make_unique<StoreCapture>(std::move(store));
    StoreCapture *live = capture.get();
    adoptCapture(std::move(capture), true, QString());
    return live->sink();
}

// ---------------------------------------------------------------- structure

void MainWindow::createActions()
{
    auto make = [this](const char *name, const QString &text, const QKeySequence &key, auto slot) {
        auto *a = new QAction(text, this);
        a->setObjectName(QLatin1String(name));
        if (!key.isEmpty())
            a->setShortcut(key);
        a->setShortcutContext(Qt::WindowShortcut);
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        return a;
    };
    make("actionOpen", tr("&Open…"), QKeySequence::Open, [this] { openDialog(); });
    make("actionSaveAs", tr("&Save As…"), QKeySequence(Qt::CTRL | Qt::Key_S), [this] { saveAs(); });
    make("actionExportHar", tr("Export Selection as &HAR…"), QKeySequence(), [this] { exportSelection(true); });
    make("actionExportJsonl", tr("Export Selection as &JSON Lines…"), QKeySequence(), [this] { exportSelection(false); });
    make("actionQuit", tr("&Quit"), QKeySequence::Quit, [this] { close(); });

    m_relayAction = make("actionRelay", tr("&Start Relay"), QKeySequence(Qt::CTRL | Qt::Key_R), [this] { toggleRelay(); });
    make("actionStopRelay", tr("S&top Relay"), QKeySequence(Qt::CTRL | Qt::Key_E), [this] { stopRelay(); });
    make("actionRelaySettings", tr("Relay Se&ttings…"), QKeySequence(Qt::CTRL | Qt::Key_Comma), [this] {
        RelaySettingsDialog dialog(RelayOptions::load(), this);
        if (dialog.exec() == QDialog::Accepted) {
            updateRelayUi();
            if (m_relay->state() == RelayControl::State::Running)
                statusBar()->showMessage(tr("Relay settings saved; they apply when the relay starts again."), 5000);
        }
    });
    make("actionDemo", tr("Run &Demo"), QKeySequence(Qt::CTRL | Qt::Key_D), [this] { startDemo(); });
    make("actionClear", tr("&Clear Capture"), QKeySequence(Qt::CTRL | Qt::Key_L), [this] { clearCapture(); });
    make("actionFind", tr("&Find…"), QKeySequence::Find, [this] { m_filterBar->focusSearch(); });
    make("actionNextMatch", tr("&Next Match"), QKeySequence(Qt::Key_F3), [this] { gotoMatch(1); });
    make("actionPrevMatch", tr("&Previous Match"), QKeySequence(Qt::SHIFT | Qt::Key_F3), [this] { gotoMatch(-1); });
    make("actionResetFilter", tr("&Reset Filters"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F), [this] {
        m_filterBar->reset();
        m_connectionView->clearSelection();
        m_filterRunner->applyNow(FilterCriteria());
    });
    make("actionGotoEnd", tr("Go to &Latest Frame"), QKeySequence(Qt::CTRL | Qt::Key_End), [this] {
        m_timeline->clearSelection();
        m_timeline->scrollToBottom();
    });
    make("actionCopyText", tr("Copy as &Text"), QKeySequence::Copy, [this] { copySelected(int(CopyFormat::Text)); });
    make("actionCopyHex", tr("Copy as &Hex"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), [this] { copySelected(int(CopyFormat::Hex)); });
    make("actionCopyBase64", tr("Copy as &Base64"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_C), [this] { copySelected(int(CopyFormat::Base64)); });
    make("actionShortcuts", tr("&Keyboard Shortcuts"), QKeySequence::HelpContents, [this] { showShortcuts(); });
    make("actionAbout", tr("&About wslens"), QKeySequence(), [this] { showAbout(); });
    auto *follow = make("actionAutoScroll", tr("&Follow New Frames"), QKeySequence(Qt::CTRL | Qt::Key_T), [this](bool on) {
        m_timeline->setAutoScroll(on);
    });
    follow->setCheckable(true);
    follow->setChecked(true);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(action(QStringLiteral("actionOpen")));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("menuRecent"));
    file->addAction(action(QStringLiteral("actionSaveAs")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("actionExportHar")));
    file->addAction(action(QStringLiteral("actionExportJsonl")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("actionQuit")));
    rebuildRecentMenu();

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->setObjectName(QStringLiteral("menuEdit"));
    addEditActions(edit);

    QMenu *capture = menuBar()->addMenu(tr("&Capture"));
    capture->addAction(m_relayAction);
    capture->addAction(action(QStringLiteral("actionStopRelay")));
    capture->addAction(action(QStringLiteral("actionRelaySettings")));
    capture->addAction(action(QStringLiteral("actionDemo")));
    capture->addAction(action(QStringLiteral("actionClear")));
    capture->addSeparator();
    capture->addAction(action(QStringLiteral("actionFind")));
    capture->addAction(action(QStringLiteral("actionNextMatch")));
    capture->addAction(action(QStringLiteral("actionPrevMatch")));
    capture->addAction(action(QStringLiteral("actionResetFilter")));
    capture->addSeparator();
    capture->addAction(action(QStringLiteral("actionCopyText")));
    capture->addAction(action(QStringLiteral("actionCopyHex")));
    capture->addAction(action(QStringLiteral("actionCopyBase64")));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("menuView"));
    view->addAction(action(QStringLiteral("actionAutoScroll")));
    view->addAction(action(QStringLiteral("actionGotoEnd")));
    view->addSeparator();
    QMenu *theme = view->addMenu(tr("&Theme"));
    auto *group = new QActionGroup(this);
    const QString current = QSettings().value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString();
    for (Theme t : {Theme::System, Theme::Light, Theme::Dark}) {
        const QString name = themeToString(t);
        QAction *a = theme->addAction(t == Theme::System ? tr("Follow the &System") : t == Theme::Light ? tr("&Light") : tr("&Dark"));
        a->setObjectName(QStringLiteral("actionTheme_") % name);
        a->setCheckable(true);
        a->setChecked(name == current);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [t, name] {
            QSettings().setValue(QStringLiteral("ui/theme"), name);
            applyTheme(t);
        });
    }
    if (current != QLatin1String("system"))
        applyTheme(themeFromString(current));
    view->addSeparator(); // dock toggles are added in createDocks()

    createToolsMenu();

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(action(QStringLiteral("actionShortcuts")));
    help->addAction(action(QStringLiteral("actionAbout")));
}

void MainWindow::createCentral()
{
    m_stack = new QStackedWidget(this);
    m_empty = new EmptyState(m_stack);
    connect(m_empty, &EmptyState::startRelayRequested, this, &MainWindow::startRelay);
    connect(m_empty, &EmptyState::demoRequested, this, &MainWindow::startDemo);
    connect(m_empty, &EmptyState::openRequested, this, &MainWindow::openDialog);

    auto *page = new QWidget(m_stack);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_filterBar = new FilterBar(page);
    m_timeline = new TimelineView(page);
    m_timeline->setModel(m_timelineModel);
    m_timeline->setContextMenuPolicy(Qt::ActionsContextMenu);
    for (const char *name : {"actionCopyText", "actionCopyHex", "actionCopyBase64", "actionExportHar", "actionExportJsonl"})
        m_timeline->addAction(action(QLatin1String(name)));
    layout->addWidget(m_filterBar);
    layout->addWidget(m_timeline, 1);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(page);
    setCentralWidget(m_stack);

    connect(m_filterBar, &FilterBar::criteriaChanged, this, &MainWindow::onCriteriaChanged);
    connect(m_filterBar, &FilterBar::nextRequested, this, [this] { gotoMatch(1); });
    connect(m_filterBar, &FilterBar::previousRequested, this, [this] { gotoMatch(-1); });
    connect(m_timeline->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MainWindow::onCurrentFrameChanged);
    connect(m_timelineModel, &QAbstractItemModel::modelReset, this, [this] {
        // the selection model of the view survives a reset; reconnect nothing, just refresh the pane
        onCurrentFrameChanged();
    });
}

void MainWindow::createDocks()
{
    QMenu *view = nullptr;
    for (QAction *a : menuBar()->actions())
        if (a->menu() && a->menu()->objectName() == QLatin1String("menuView"))
            view = a->menu();

    m_connectionView = new QTableView(this);
    m_connectionView->setObjectName(QStringLiteral("connections"));
    m_connectionView->setModel(m_connectionModel);
    m_connectionView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_connectionView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_connectionView->setShowGrid(false);
    m_connectionView->setWordWrap(false);
    m_connectionView->setAlternatingRowColors(true);
    m_connectionView->verticalHeader()->setVisible(false);
    m_connectionView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_connectionView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_connectionView->horizontalHeader()->setStretchLastSection(true);
    m_connectionView->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_connectionView->horizontalHeader()->resizeSection(ConnectionModel::IdColumn, fontMetrics().horizontalAdvance(QStringLiteral("0000")) + 16);
    m_connectionView->horizontalHeader()->resizeSection(ConnectionModel::UrlColumn, fontMetrics().horizontalAdvance(QStringLiteral("ws://127.0.0.1:45678/chat?room=general")) + 16);
    connect(m_connectionView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::onConnectionSelectionChanged);
    m_connectionDock = new QDockWidget(tr("Connections"), this);
    m_connectionDock->setObjectName(QStringLiteral("dockConnections"));
    m_connectionDock->setWidget(m_connectionView);
    addDockWidget(Qt::TopDockWidgetArea, m_connectionDock);

    m_detail = new FrameDetailView(this);
    m_detailDock = new QDockWidget(tr("Frame"), this);
    m_detailDock->setObjectName(QStringLiteral("dockDetail"));
    m_detailDock->setWidget(m_detail);
    addDockWidget(Qt::RightDockWidgetArea, m_detailDock);

    m_chart = new TrafficChart(this);
    m_chartDock = new QDockWidget(tr("Traffic"), this);
    m_chartDock->setObjectName(QStringLiteral("dockTraffic"));
    m_chartDock->setWidget(m_chart);
    addDockWidget(Qt::BottomDockWidgetArea, m_chartDock);

    // The composer's client records into the live capture (made when it
    // connects, like the relay's); replacing the capture drops its connection
    // first (adoptCapture, setCapture), so the sink never dangles.
    m_composerDock = new QDockWidget(tr("Composer"), this);
    m_composerDock->setObjectName(QStringLiteral("dockComposer"));
    m_composer = new ComposerPanel(nullptr, m_composerDock);
    m_composer->setCaptureProvider([this] { return liveSink(); });
    // In a scroll area: the composer's form must not force the bottom docks tall.
    auto *composerScroll = new QScrollArea(m_composerDock);
    composerScroll->setFrameShape(QFrame::NoFrame);
    composerScroll->setWidgetResizable(true);
    composerScroll->setWidget(m_composer);
    m_composerDock->setWidget(composerScroll);
    addDockWidget(Qt::BottomDockWidgetArea, m_composerDock);
    tabifyDockWidget(m_chartDock, m_composerDock);
    m_chartDock->raise();

    if (view) {
        for (QDockWidget *d : {m_connectionDock, m_detailDock, m_chartDock, m_composerDock})
            view->addAction(d->toggleViewAction());
        view->addSeparator();
        QAction *resetLayout = view->addAction(tr("&Reset Layout"));
        resetLayout->setObjectName(QStringLiteral("actionResetLayout"));
        connect(resetLayout, &QAction::triggered, this, [this] {
            for (QDockWidget *d : {m_connectionDock, m_detailDock, m_chartDock}) {
                d->setFloating(false);
                d->show();
            }
            addDockWidget(Qt::TopDockWidgetArea, m_connectionDock);
            addDockWidget(Qt::RightDockWidgetArea, m_detailDock);
            addDockWidget(Qt::BottomDockWidgetArea, m_chartDock);
            resizeDocks({m_detailDock}, {width() * 2 / 5}, Qt::Horizontal);
            resizeDocks({m_connectionDock, m_chartDock}, {height() / 5, height() / 6}, Qt::Vertical);
            m_timeline->applyDefaultColumnWidths();
        });
    }
    resizeDocks({m_detailDock}, {520}, Qt::Horizontal);
    resizeDocks({m_connectionDock, m_chartDock}, {120, 140}, Qt::Vertical);
}

void MainWindow::createRelayBar()
{
    QToolBar *bar = addToolBar(tr("Relay"));
    bar->setObjectName(QStringLiteral("toolbarRelay"));
    bar->setMovable(false);
    bar->addAction(m_relayAction);
    bar->addSeparator();
    m_modeCombo = new QComboBox(bar);
    m_modeCombo->setObjectName(QStringLiteral("relayMode"));
    m_modeCombo->addItem(tr("Explicit HTTP proxy"));
    m_modeCombo->addItem(tr("Reverse proxy"));
    m_modeCombo->setToolTip(tr("Explicit proxy: browsers use wslens as their HTTP proxy.\n"
                               "Reverse proxy: clients connect to wslens, which forwards to the upstream."));
    m_listenEdit = new QLineEdit(bar);
    m_listenEdit->setObjectName(QStringLiteral("relayListen"));
    m_listenEdit->setToolTip(tr("Address the relay listens on (host:port). 127.0.0.1 keeps it private to this machine."));
    m_listenEdit->setMaximumWidth(170);
    m_upstreamEdit = new QLineEdit(bar);
    m_upstreamEdit->setObjectName(QStringLiteral("relayUpstream"));
    m_upstreamEdit->setPlaceholderText(tr("ws://upstream-host:port"));
    m_upstreamEdit->setToolTip(tr("Server every connection is forwarded to (reverse-proxy mode)"));
    m_upstreamEdit->setMaximumWidth(260);
    m_addressField = new QLineEdit(bar);
    m_addressField->setObjectName(QStringLiteral("relayClientAddress"));
    m_addressField->setReadOnly(true);
    m_addressField->setMaximumWidth(240);
    auto *copy = new QToolButton(bar);
    copy->setText(tr("Copy"));
    copy->setToolTip(tr("Copy the address to paste into the browser's proxy settings"));
    connect(copy, &QToolButton::clicked, this, [this] { QApplication::clipboard()->setText(m_addressField->text()); });

    const QSettings s;
    m_modeCombo->setCurrentIndex(s.value(QStringLiteral("relay/mode"), 0).toInt() == 1 ? 1 : 0);
    m_listenEdit->setText(s.value(QStringLiteral("relay/listen"), QStringLiteral("127.0.0.1:8080")).toString());
    m_upstreamEdit->setText(s.value(QStringLiteral("relay/upstream")).toString());

    bar->addWidget(new QLabel(tr(" Mode "), bar));
    bar->addWidget(m_modeCombo);
    bar->addWidget(new QLabel(tr("  Listen "), bar));
    bar->addWidget(m_listenEdit);
    bar->addWidget(new QLabel(tr("  Upstream "), bar));
    bar->addWidget(m_upstreamEdit);
    bar->addWidget(new QLabel(tr("  Proxy address "), bar));
    bar->addWidget(m_addressField);
    bar->addWidget(copy);

    auto changed = [this] {
        QSettings s;
        s.setValue(QStringLiteral("relay/mode"), m_modeCombo->currentIndex());
        s.setValue(QStringLiteral("relay/listen"), m_listenEdit->text());
        s.setValue(QStringLiteral("relay/upstream"), m_upstreamEdit->text());
        updateRelayUi();
    };
    connect(m_modeCombo, &QComboBox::currentIndexChanged, this, changed);
    connect(m_listenEdit, &QLineEdit::editingFinished, this, changed);
    connect(m_upstreamEdit, &QLineEdit::editingFinished, this, changed);
}

void MainWindow::createStatusBar()
{
    auto label = [this](const char *name) {
        auto *l = new QLabel(this);
        l->setObjectName(QLatin1String(name));
        l->setContentsMargins(6, 0, 6, 0);
        return l;
    };
    m_relayLabel = label("statusRelay");
    m_connectionsLabel = label("statusConnections");
    m_framesLabel = label("statusFrames");
    m_rateLabel = label("statusRate");
    m_fileLabel = label("statusFile");
    m_trafficLabel = new RelayTrafficLabel(this);
    connect(m_relay, &RelayControl::traffic, m_trafficLabel, &RelayTrafficLabel::addLine);
    statusBar()->addWidget(m_relayLabel);
    statusBar()->addWidget(m_trafficLabel);
    statusBar()->addWidget(m_connectionsLabel);
    statusBar()->addWidget(m_framesLabel);
    statusBar()->addWidget(m_rateLabel);
    statusBar()->addPermanentWidget(m_fileLabel);
}

// ---------------------------------------------------------------- capture

void MainWindow::setCapture(CaptureSource *source, const QString &title)
{
    m_demo->stop();
    m_relay->stop();
    m_composer->dropConnection();
    if (m_serverPanel)
        m_serverPanel->stop();
    showSource(source ? source : m_placeholder.get(), title);
    retireOwned();
    m_live = nullptr;
}

void MainWindow::retireOwned()
{
    if (!m_owned)
        return;
    if (m_mock)
        m_mock->detachSession(); // it may be reading the store going away
    bool busy = false;
    for (const QPointer<QThread> &t : std::as_const(m_workers))
        busy = busy || (t && t->isRunning());
    if (busy)
        m_retired.push_back(std::move(m_owned)); // a worker still uses its store
    m_owned.reset();
}

void MainWindow::startWorker(QThread *thread)
{
    m_workers.append(thread);
    connect(thread, &QThread::finished, this, [this, thread] {
        m_workers.removeAll(thread);
        m_workers.removeAll(nullptr);
        if (m_workers.isEmpty())
            m_retired.clear();
        thread->deleteLater();
    });
    thread->start();
}

void MainWindow::adoptCapture(std::unique_ptr<CaptureSource> capture, bool live, const QString &title)
{
    // Whatever records into the old capture stops before it goes away.
    if (m_live) {
        m_demo->stop();
        m_relay->stop();
        m_composer->dropConnection();
        m_serverPanel->stop();
    }
    showSource(capture.get(), title);
    retireOwned(); // the old one goes after the views left it
    m_owned = std::move(capture);
    m_live = live ? static_cast<StoreCapture *>(m_owned.get()) : nullptr;
}

void MainWindow::showSource(CaptureSource *source, const QString &title)
{
    m_title = title;
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_filterRunner.reset();
    m_source = source;
    m_filterRunner = std::make_unique<FilterRunner>(source);
    connect(m_filterRunner.get(), &FilterRunner::filterApplied, this,
            [this](std::shared_ptr<FilterRunner::Rows> rows, qsizetype covered, qint64 ms) {
                const qsizetype n = qsizetype(rows->size());
                m_timelineModel->setFilteredRows(std::move(*rows), covered);
                m_filterBar->setStatus(tr("%L1 of %L2 frames (%3 ms)").arg(n).arg(covered).arg(ms));
            });
    connect(m_filterRunner.get(), &FilterRunner::rowsMatched, this,
            [this](std::shared_ptr<FilterRunner::Rows> rows) { m_timelineModel->appendFilteredRows(*rows); });
    connect(m_filterRunner.get(), &FilterRunner::filterCleared, this, [this] {
        m_timelineModel->clearFilter();
        m_filterBar->setStatus(QString());
    });
    connect(m_filterRunner.get(), &FilterRunner::invalidFilter, this,
            [this](const QString &message) { m_filterBar->setStatus(message, true); });
    connect(m_filterRunner.get(), &FilterRunner::busyChanged, this, [this](bool busy) {
        if (busy)
            m_filterBar->setStatus(tr("Filtering…"));
    });

    m_timelineModel->setSource(source);
    m_connectionModel->setSource(source);
    m_chart->setSource(source);
    m_filterBar->reset();
    m_detail->clear();
    connectSource();
    m_framesSinceTick = m_bytesSinceTick = 0;
    updateEmptyState();
    updateTitle();
    updateStatus();
}

void MainWindow::connectSource()
{
    connect(m_source, &CaptureSource::framesAppended, this, &MainWindow::onFramesAppended);
    connect(m_source, &CaptureSource::connectionChanged, this, [this] { updateEmptyState(); });
    connect(m_source, &CaptureSource::reset, this, [this] {
        m_filterRunner->onSourceReset();
        m_detail->clear();
        updateEmptyState();
        updateStatus();
    });
}

void MainWindow::onFramesAppended(qsizetype first, qsizetype count)
{
    m_filterRunner->onFramesAppended(first, count);
    for (qsizetype i = first; i < first + count; ++i)
        m_bytesSinceTick += m_source->summary(i).payloadLength;
    m_framesSinceTick += quint64(count);
    if (isShowingEmptyState())
        updateEmptyState();
}

bool MainWindow::isShowingEmptyState() const
{
    return m_stack->currentWidget() == m_empty;
}

void MainWindow::updateEmptyState()
{
    const bool empty = m_source->frameCount() == 0 && m_source->connections().isEmpty();
    m_stack->setCurrentIndex(empty ? 0 : 1);
}

void MainWindow::updateTitle()
{
    QString name = m_title;
    if (name.isEmpty() && !m_source->filePath().isEmpty())
        name = QFileInfo(m_source->filePath()).fileName();
    setWindowTitle(name.isEmpty() ? QStringLiteral("wslens") : QString(name % QStringLiteral(" — wslens")));
}

void MainWindow::updateStatus()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_lastTickMs > 0 && now > m_lastTickMs) {
        const double secs = double(now - m_lastTickMs) / 1000.0;
        m_framesPerSecond = double(m_framesSinceTick) / secs;
        m_bytesPerSecond = double(m_bytesSinceTick) / secs;
    }
    m_lastTickMs = now;
    m_framesSinceTick = m_bytesSinceTick = 0;

    m_connectionsLabel->setText(tr("%n open connection(s)", nullptr, m_connectionModel->openConnections()));
    m_framesLabel->setText(tr("%L1 frames").arg(m_source->frameCount()));
    m_rateLabel->setText(tr("%L1 frames/s · %2/s").arg(qint64(m_framesPerSecond)).arg(fmt::bytes(qint64(m_bytesPerSecond))));
    const QString path = m_source->filePath();
    m_fileLabel->setText(path.isEmpty() ? tr("not saved (in memory)")
                                        : tr("%1 · %2").arg(QFileInfo(path).fileName(), fmt::bytes(m_source->fileSize())));
    m_fileLabel->setToolTip(path);
}

// ---------------------------------------------------------------- selection & detail

void MainWindow::selectRow(int row)
{
    if (row < 0 || row >= m_timelineModel->rowCount())
        return;
    const QModelIndex idx = m_timelineModel->index(row, 0);
    m_timeline->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_timeline->scrollTo(idx);
}

void MainWindow::onCurrentFrameChanged()
{
    const QModelIndex current = m_timeline->selectionModel()->currentIndex();
    const qsizetype src = current.isValid() ? m_timelineModel->sourceIndex(current.row()) : -1;
    if (src < 0) {
        m_detail->clear();
        return;
    }
    const std::optional<FrameRecord> frame = m_source->frame(src);
    if (!frame) {
        m_detail->clear();
        return;
    }
    const ConnectionInfo conn = m_source->connection(frame->connectionId).value_or(ConnectionInfo());
    m_detail->showFrame(*frame, conn);
}

void MainWindow::onConnectionSelectionChanged()
{
    QSet<quint64> ids;
    const QModelIndexList rows = m_connectionView->selectionModel()->selectedRows();
    for (const QModelIndex &r : rows)
        ids.insert(m_connectionModel->connectionId(r.row()));
    m_chart->setConnections(ids);
    m_filterBar->setConnections(ids);
    if (rows.size() == 1 && !m_timeline->selectionModel()->hasSelection())
        m_detail->showConnection(m_connectionModel->info(rows.first().row()));
}

void MainWindow::onCriteriaChanged(const FilterCriteria &criteria, bool typing)
{
    if (typing)
        m_filterRunner->setCriteria(criteria);
    else
        m_filterRunner->applyNow(criteria);
}

void MainWindow::gotoMatch(int step)
{
    const int rows = m_timelineModel->rowCount();
    if (rows == 0)
        return;
    const QModelIndex current = m_timeline->selectionModel()->currentIndex();
    int row = current.isValid() ? current.row() + step : (step > 0 ? 0 : rows - 1);
    if (row < 0)
        row = rows - 1; // wrap around
    if (row >= rows)
        row = 0;
    selectRow(row);
}

QList<qsizetype> MainWindow::selectedSourceIndexes() const
{
    QList<qsizetype> out;
    const QModelIndexList rows = m_timeline->selectionModel()->selectedRows();
    out.reserve(rows.size());
    for (const QModelIndex &r : rows)
        out.append(m_timelineModel->sourceIndex(r.row()));
    std::sort(out.begin(), out.end());
    return out;
}

void MainWindow::copySelected(int format)
{
    if (QWidget *focus = QApplication::focusWidget(); focus && focus != m_timeline && format == int(CopyFormat::Text)) {
        // Ctrl+C in a text field copies its selection, not the frame.
        if (auto *edit = qobject_cast<QLineEdit *>(focus)) {
            edit->copy();
            return;
        }
        if (focus->inherits("QPlainTextEdit")) {
            QMetaObject::invokeMethod(focus, "copy");
            return;
        }
    }
    const QList<qsizetype> selected = selectedSourceIndexes();
    QStringList parts;
    for (qsizetype src : selected.mid(0, 10000)) {
        if (const auto f = m_source->frame(src))
            parts << copyText(*f, CopyFormat(format));
    }
    if (!parts.isEmpty())
        QApplication::clipboard()->setText(parts.join(QLatin1Char('\n')));
}

void MainWindow::exportSelection(bool har)
{
    QList<qsizetype> frames = selectedSourceIndexes();
    if (frames.isEmpty()) {
        for (int r = 0; r < m_timelineModel->rowCount(); ++r)
            frames.append(m_timelineModel->sourceIndex(r)); // nothing selected: everything shown
    }
    const QString path = QFileDialog::getSaveFileName(this, har ? tr("Export as HAR") : tr("Export as JSON Lines"), QString(),
                                                      har ? tr("HAR files (*.har)") : tr("JSON Lines (*.jsonl)"));
    if (path.isEmpty())
        return;
    const CaptureSource *source = m_source;
    QPointer<MainWindow> self(this);
    QThreadPool::globalInstance()->start([source, frames, path, har, self] {
        QSaveFile file(path);
        QString error;
        bool ok = file.open(QIODevice::WriteOnly);
        if (!ok)
            error = file.errorString();
        else if (har ? exportHar(*source, frames, file, nullptr, &error) : exportJsonLines(*source, frames, file, nullptr, &error))
            ok = file.commit();
        else
            ok = false;
        if (ok || error.isEmpty())
            error = ok ? QString() : file.errorString();
        QMetaObject::invokeMethod(qApp, [self, ok, error, path, n = frames.size()] {
            if (!self)
                return;
            if (ok)
                self->statusBar()->showMessage(tr("Exported %n frame(s) to %1", nullptr, int(n)).arg(path), 5000);
            else
                QMessageBox::warning(self, tr("Export failed"), tr("Could not export to %1:\n%2").arg(path, error));
        }, Qt::QueuedConnection);
    });
}

void MainWindow::clearCapture()
{
    // A new, empty capture; the old session file stays on disk. A running
    // relay continues into the new capture (its open connections end).
    const bool relayWasRunning = m_relay->state() == RelayControl::State::Running;
    setCapture(nullptr);
    if (relayWasRunning)
        startRelay();
}

// ---------------------------------------------------------------- relay

RelaySettings MainWindow::relaySettingsFromUi() const
{
    RelaySettings s;
    s.mode = m_modeCombo->currentIndex() == 1 ? RelaySettings::Mode::ReverseProxy : RelaySettings::Mode::ExplicitProxy;
    s.setListenAddress(m_listenEdit->text());
    s.upstream = m_upstreamEdit->text().trimmed();
    s.options = RelayOptions::load();
    return s;
}

void MainWindow::toggleRelay()
{
    if (m_relay->state() == RelayControl::State::Running || m_relay->state() == RelayControl::State::Starting)
        stopRelay();
    else
        startRelay();
}

void MainWindow::startRelay()
{
    RelaySettings s;
    if (!s.setListenAddress(m_listenEdit->text())) {
        QMessageBox::warning(this, tr("Relay"), tr("The listen address must look like 127.0.0.1:8080."));
        return;
    }
    s = relaySettingsFromUi();
    if (const QString problem = s.validate(); !problem.isEmpty()) {
        QMessageBox::warning(this, tr("Relay"), problem);
        return;
    }
    if (s.listenHost != QLatin1String("127.0.0.1") && s.listenHost != QLatin1String("::1")
        && s.listenHost != QLatin1String("localhost")) {
        const auto answer = QMessageBox::warning(
            this, tr("Relay"),
            tr("Listening on %1 lets other machines use this relay and see the captured traffic. Continue?").arg(s.listenHost),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes)
            return;
    }
    CaptureSink *sink = liveSink(); // live traffic goes to the live capture
    if (!sink)
        return;
    m_trafficLabel->reset();
    m_relay->start(s, sink);
    updateRelayUi();
}

void MainWindow::stopRelay()
{
    m_relay->stop();
    updateRelayUi();
}

void MainWindow::startDemo()
{
    m_demo->stop();
    CaptureSink *sink = liveSink();
    if (!sink)
        return;
    if (!m_demo->start(sink)) {
        QMessageBox::warning(this, tr("Demo"), tr("The demo could not start: %1").arg(m_demo->errorString()));
        return;
    }
    statusBar()->showMessage(tr("Demo: echo server behind a relay on %1, two clients talking").arg(m_demo->relayAddress()), 8000);
}

void MainWindow::updateRelayUi()
{
    const RelaySettings s = relaySettingsFromUi();
    const RelayControl::State state = m_relay->state();
    const bool running = state == RelayControl::State::Running;
    const bool busy = running || state == RelayControl::State::Starting;
    m_upstreamEdit->setEnabled(s.mode == RelaySettings::Mode::ReverseProxy && !busy);
    m_modeCombo->setEnabled(!busy);
    m_listenEdit->setEnabled(!busy);
    m_relayAction->setText(busy ? tr("&Stop Relay") : tr("&Start Relay"));
    m_relayAction->setToolTip(busy ? tr("Stop the relay (Ctrl+R)") : tr("Start the relay (Ctrl+R)"));
    action(QStringLiteral("actionStopRelay"))->setEnabled(busy);
    const quint16 port = running && m_relay->boundPort() ? m_relay->boundPort() : s.listenPort;
    m_addressField->setText(s.clientAddress(port));
    QString text;
    switch (state) {
    case RelayControl::State::Stopped: text = tr("Relay stopped"); break;
    case RelayControl::State::Starting: text = tr("Relay starting…"); break;
    case RelayControl::State::Running:
        text = tr("Relay on %1 (%2)").arg(s.clientAddress(port),
                                          s.mode == RelaySettings::Mode::ExplicitProxy ? tr("HTTP proxy") : tr("reverse proxy"));
        if (s.mode == RelaySettings::Mode::ExplicitProxy && s.options.interceptTls)
            text += tr(", wss intercepted");
        if (s.options.insecureUpstream)
            text += tr(" — upstream certificates NOT verified");
        break;
    case RelayControl::State::Stopping: text = tr("Relay stopping…"); break;
    case RelayControl::State::Failed: text = tr("Relay failed: %1").arg(m_relay->errorString()); break;
    }
    m_relayLabel->setText(text);
    m_relayLabel->setStyleSheet(state == RelayControl::State::Failed ? QStringLiteral("color: #d93f3f")
                                : running && s.options.insecureUpstream ? QStringLiteral("color: #d9822b")
                                : running ? QStringLiteral("color: #2fa344") : QString());
    m_empty->setProxyAddress(s.listenHost, port, running);
    m_empty->setDemoAvailable(m_relay->isAvailable(), m_relay->unavailableReason());
    action(QStringLiteral("actionDemo"))->setEnabled(m_relay->isAvailable());
}

// ---------------------------------------------------------------- files

void MainWindow::openDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open capture"), QString(),
                                                      tr("Captures (*.wslens *.har);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

void MainWindow::openFile(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists() || !info.isFile()) {
        QMessageBox::warning(this, tr("Open"), tr("%1 does not exist or is not a file.").arg(path));
        return;
    }
    if (m_loading && m_loadCancel)
        m_loadCancel->store(true);
    QByteArray head;
    if (QFile probe(path); probe.open(QIODevice::ReadOnly))
        head = probe.read(64); // a few bytes decide between a session and a HAR
    if (info.suffix().compare(QLatin1String("har"), Qt::CaseInsensitive) == 0 || har::looksLikeJson(head)) {
        openHar(info.absoluteFilePath());
        return;
    }
    // The store indexes on a worker thread; rows appear while it runs.
    auto store = std::make_unique<CaptureStore>();
    CaptureStore *raw = store.get();
    adoptCapture(std::make_unique<StoreCapture>(std::move(store)), false, info.fileName());
    addRecentFile(info.absoluteFilePath());

    m_loading = true;
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto done = std::make_shared<std::atomic<qint64>>(0);
    auto total = std::make_shared<std::atomic<qint64>>(info.size());
    m_loadCancel = cancel;
    auto *progress = new QProgressDialog(tr("Opening %1…").arg(info.fileName()), tr("Cancel"), 0, 1000, this);
    progress->setObjectName(QStringLiteral("loadProgress"));
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(400);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    connect(progress, &QProgressDialog::canceled, this, [cancel] { cancel->store(true); });
    auto *poll = new QTimer(progress);
    connect(poll, &QTimer::timeout, progress, [progress, done, total] {
        const qint64 t = qMax<qint64>(1, total->load());
        progress->setValue(int(qMin<qint64>(1000, done->load() * 1000 / t)));
    });
    poll->start(50);

    const QPointer<MainWindow> self(this);
    QThread *worker = QThread::create([raw, path = info.absoluteFilePath(), cancel, done, total, self, progress] {
        CaptureStore::OpenOptions options;
        options.cancel = cancel.get();
        options.progress = [done, total](qint64 d, qint64 t) {
            done->store(d);
            total->store(t);
        };
        const bool ok = raw->open(path, options);
        const QString error = raw->errorString();
        const QString warning = raw->warningString();
        QMetaObject::invokeMethod(qApp, [self, ok, error, warning, cancel, progress, raw] {
            if (!self)
                return;
            delete progress;
            self->m_loading = false;
            auto *capture = qobject_cast<StoreCapture *>(self->m_owned.get());
            if (!capture || capture->store() != raw)
                return; // another file replaced it meanwhile
            capture->catchUp();
            if (!ok && !cancel->load()) {
                QMessageBox::warning(self, tr("Open"), tr("Cannot open the capture: %1").arg(error));
                self->setCapture(nullptr);
            } else if (cancel->load()) {
                self->statusBar()->showMessage(tr("Loading cancelled; showing what was read"), 8000);
            } else if (!warning.isEmpty()) {
                self->statusBar()->showMessage(warning, 10000);
            }
            self->updateStatus();
        }, Qt::QueuedConnection);
    });
    startWorker(worker);
}

void MainWindow::openHar(const QString &path)
{
    // A HAR is imported into a temporary session on a worker thread; the rows
    // appear as the store publishes them.
    auto store = std::make_unique<CaptureStore>();
    if (!store->createTemporary()) {
        QMessageBox::warning(this, tr("Open"), tr("Cannot create a temporary session: %1").arg(store->errorString()));
        return;
    }
    CaptureStore *raw = store.get();
    adoptCapture(std::make_unique<StoreCapture>(std::move(store)), false, QFileInfo(path).fileName());
    addRecentFile(path);
    m_loading = true;
    statusBar()->showMessage(tr("Importing %1…").arg(QFileInfo(path).fileName()));
    const QPointer<MainWindow> self(this);
    QThread *worker = QThread::create([raw, path, self] {
        const har::ImportResult result = har::importHarFile(path, *raw);
        raw->flush();
        QMetaObject::invokeMethod(qApp, [self, result, raw] {
            if (!self)
                return;
            self->m_loading = false;
            auto *capture = qobject_cast<StoreCapture *>(self->m_owned.get());
            if (!capture || capture->store() != raw)
                return;
            capture->catchUp();
            if (!result.ok) {
                QMessageBox::warning(self, tr("Open"), tr("Cannot import the HAR file: %1").arg(result.error));
                self->setCapture(nullptr);
                return;
            }
            self->statusBar()->showMessage(tr("Imported %n connection(s), %1 messages%2", nullptr, result.connections)
                                               .arg(result.messages)
                                               .arg(result.skippedEntries ? tr("; %n other entr(ies) skipped", nullptr, result.skippedEntries)
                                                                          : QString()),
                                           8000);
            self->updateStatus();
        }, Qt::QueuedConnection);
    });
    startWorker(worker);
}

void MainWindow::saveAs()
{
    auto *capture = qobject_cast<StoreCapture *>(m_owned.get());
    if (!capture || m_source != capture) {
        statusBar()->showMessage(tr("Nothing to save"), 5000);
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Save capture"), QString(), tr("wslens sessions (*.wslens)"));
    if (path.isEmpty())
        return;
    CaptureStore *store = capture->store();
    const QPointer<MainWindow> self(this);
    statusBar()->showMessage(tr("Saving…"));
    QThread *worker = QThread::create([store, path, self] {
        const bool ok = store->saveAs(path);
        const QString error = store->errorString();
        QMetaObject::invokeMethod(qApp, [self, ok, error, path] {
            if (!self)
                return;
            if (!ok) {
                QMessageBox::warning(self, tr("Save"), tr("Cannot save to %1: %2").arg(path, error));
                return;
            }
            self->addRecentFile(path);
            self->m_title = QFileInfo(path).fileName();
            self->updateTitle();
            self->updateStatus();
            self->statusBar()->showMessage(tr("Saved to %1").arg(path), 5000);
        }, Qt::QueuedConnection);
    });
    startWorker(worker);
}

void MainWindow::addRecentFile(const QString &path)
{
    QSettings s;
    QStringList recent = s.value(QStringLiteral("files/recent")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    s.setValue(QStringLiteral("files/recent"), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("files/recent")).toStringList();
    for (const QString &path : recent) {
        QAction *a = m_recentMenu->addAction(QFileInfo(path).fileName());
        a->setToolTip(path);
        connect(a, &QAction::triggered, this, [this, path] { openFile(path); });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls()) {
        const QList<QUrl> urls = event->mimeData()->urls();
        if (urls.size() == 1 && urls.first().isLocalFile())
            event->acceptProposedAction();
    }
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.first().isLocalFile()) {
        event->acceptProposedAction();
        const QString path = urls.first().toLocalFile();
        QTimer::singleShot(0, this, [this, path] { openFile(path); });
    }
}

// ---------------------------------------------------------------- layout, help

void MainWindow::restoreLayout()
{
    const QSettings s;
    restoreGeometry(s.value(settingsKey("geometry")).toByteArray());
    restoreState(s.value(settingsKey("state")).toByteArray());
    const QByteArray header = s.value(settingsKey("timelineHeader")).toByteArray();
    if (!header.isEmpty())
        m_timeline->horizontalHeader()->restoreState(header);
    const QByteArray connHeader = s.value(settingsKey("connectionHeader")).toByteArray();
    if (!connHeader.isEmpty())
        m_connectionView->horizontalHeader()->restoreState(connHeader);
}

void MainWindow::saveLayout() const
{
    QSettings s;
    s.setValue(settingsKey("geometry"), saveGeometry());
    s.setValue(settingsKey("state"), saveState());
    s.setValue(settingsKey("timelineHeader"), m_timeline->horizontalHeader()->saveState());
    s.setValue(settingsKey("connectionHeader"), m_connectionView->horizontalHeader()->saveState());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    m_relay->stop();
    QMainWindow::closeEvent(event);
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        m_timeline->viewport()->update();
    QMainWindow::changeEvent(event);
}

void MainWindow::showShortcuts()
{
    // Every shortcut of every menu, so the list cannot go stale.
    QString rows;
    std::function<void(const QMenu *)> addMenu = [&rows, &addMenu](const QMenu *menu) {
        QString section;
        for (const QAction *a : menu->actions()) {
            if (a->menu()) {
                addMenu(a->menu());
                continue;
            }
            if (a->shortcut().isEmpty())
                continue;
            section += QStringLiteral("<tr><td><b>%1</b></td><td>&nbsp;&nbsp;%2</td></tr>")
                           .arg(a->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped(),
                                a->text().remove(QLatin1Char('&')).toHtmlEscaped());
        }
        if (!section.isEmpty())
            rows += QStringLiteral("<tr><td colspan=2><i>%1</i></td></tr>").arg(menu->title().remove(QLatin1Char('&')).toHtmlEscaped())
                    + section;
    };
    for (const QAction *a : menuBar()->actions())
        if (a->menu())
            addMenu(a->menu());
    QMessageBox box(QMessageBox::NoIcon, tr("Keyboard shortcuts"),
                    QStringLiteral("<table>%1</table>").arg(rows)
                        + tr("<p>Enter in the search field jumps to the next match. In the composer, "
                             "%1 sends the message.</p>")
                              .arg(QKeySequence(Qt::CTRL | Qt::Key_Return).toString(QKeySequence::NativeText).toHtmlEscaped()),
                    QMessageBox::Close, this);
    box.setObjectName(QStringLiteral("shortcutsBox"));
    box.exec();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About wslens"),
                       tr("<h3>wslens %1</h3><p>WebSocket inspector, intercepting relay and test harness.</p>"
                          "<p>Built with Qt %2.</p>")
                           .arg(versionString(), QString::fromLatin1(qVersion())));
}

} // namespace wslens::ui
