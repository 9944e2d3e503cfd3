#include "replay/mockserverdialog.h"

#include "endpoints/endpointaddress.h"
#include "endpoints/wsserver.h"
#include "replay/mockserver.h"
#include "replay/recording.h"
#include "store/capturestore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QListWidget>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QApplication>
#include <QPointer>
#include <QThread>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace wslens::ui {

namespace {
constexpr int kMaxLogLines = 2000;
} // namespace

MockServerDialog::MockServerDialog(CaptureStore *store, QWidget *parent)
    : QDialog(parent)
    , m_store(store)
    , m_connection(new QListWidget(this))
    , m_matchPath(new QCheckBox(tr("Close clients whose path no recording has (1008)"), this))
    , m_captureBox(new QCheckBox(tr("Capture its connections into the live session"), this))
    , m_listen(new QLineEdit(this))
    , m_timing(new QComboBox(this))
    , m_speed(new QDoubleSpinBox(this))
    , m_start(new QPushButton(tr("&Start"), this))
    , m_stop(new QPushButton(tr("S&top"), this))
    , m_status(new QLabel(tr("Not running"), this))
    , m_log(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("mockServerDialog"));
    setWindowTitle(tr("Mock server"));
    resize(620, 420);
    m_connection->setObjectName(QStringLiteral("mockConnections"));
    m_matchPath->setObjectName(QStringLiteral("mockMatchPath"));
    m_captureBox->setObjectName(QStringLiteral("mockCapture"));
    m_captureBox->setChecked(true);
    m_captureBox->setVisible(false); // until there is a capture provider
    m_connection->setMaximumHeight(120);
    m_listen->setObjectName(QStringLiteral("mockListen"));
    m_timing->setObjectName(QStringLiteral("mockTiming"));
    m_start->setObjectName(QStringLiteral("mockStart"));
    m_stop->setObjectName(QStringLiteral("mockStop"));
    m_status->setObjectName(QStringLiteral("mockStatus"));
    m_log->setObjectName(QStringLiteral("mockLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kMaxLogLines);
    QFont bold = m_status->font();
    bold.setBold(true);
    m_status->setFont(bold);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    const QList<ConnectionInfo> all = m_store ? m_store->connections() : QList<ConnectionInfo>();
    for (const ConnectionInfo &c : all) {
        if (c.mode != ConnectionMode::Replay) {
            auto *item = new QListWidgetItem(QStringLiteral("#%1  %2").arg(c.id).arg(c.url), m_connection);
            item->setData(Qt::UserRole, c.id);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(Qt::Checked);
        }
    }
    m_listen->setText(QSettings().value(QStringLiteral("mock/listen"), QStringLiteral("127.0.0.1:0")).toString());
    m_listen->setToolTip(tr("host:port; port 0 lets the system choose a free one"));
    m_timing->addItem(tr("As fast as possible"), int(replay::Timing::Asap));
    m_timing->addItem(tr("Original timing × speed"), int(replay::Timing::Original));
    m_speed->setRange(0.01, 1000);
    m_speed->setValue(1.0);
    m_speed->setPrefix(tr("speed × "));

    auto *timingRow = new QHBoxLayout;
    timingRow->addWidget(m_timing, 1);
    timingRow->addWidget(m_speed);
    auto *form = new QFormLayout;
    form->addRow(tr("Answer from:"), m_connection);
    form->addRow(QString(), m_matchPath);
    form->addRow(QString(), m_captureBox);
    form->addRow(tr("Listen on:"), m_listen);
    form->addRow(tr("Timing:"), timingRow);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    auto *help = new QLabel(tr("Each client is answered from one checked recording: the next one with the path and query it "
                               "asked for, else with its path, else the next of all (unless closed above). It gets the server "
                               "messages recorded before the first client message, then after each client message the ones "
                               "that followed it. Unexpected client messages are listed here."), this);
    help->setWordWrap(true);
    layout->addWidget(help);
    layout->addWidget(m_log, 1);

    connect(m_start, &QPushButton::clicked, this, [this] { start(); });
    connect(m_stop, &QPushButton::clicked, this, &MockServerDialog::stop);
    updateUi();
}

MockServerDialog::~MockServerDialog()
{
    if (m_loader)
        m_loader->wait(); // it reads the store
    // Stops (finishing a stop under way: about a round trip, the grace period
    // at most) and joins the server thread before the callbacks' target goes.
    m_server.reset();
}

QList<quint64> MockServerDialog::checkedConnections() const
{
    QList<quint64> ids;
    for (int i = 0; i < m_connection->count(); ++i)
        if (m_connection->item(i)->checkState() == Qt::Checked)
            ids.append(m_connection->item(i)->data(Qt::UserRole).toULongLong());
    return ids;
}

void MockServerDialog::setCaptureProvider(std::function<CaptureSink *()> provider)
{
    m_captureProvider = std::move(provider);
    m_captureBox->setVisible(bool(m_captureProvider));
}

void MockServerDialog::detachSession()
{
    if (m_loader)
        m_loader->wait();
    m_store = nullptr;
    if (isRunning() && m_capturing) {
        // Its sink is going away: the stop (even one under way) must end now.
        m_server->stop();
        appendLog(tr("The capture was replaced; the mock server stopped."));
    }
    m_status->setText(tr("The session was closed; open the mock server again from the new one."));
    updateUi();
}

bool MockServerDialog::isListening() const
{
    return m_server && m_server->isListening();
}

bool MockServerDialog::isStopping() const
{
    return m_server && m_server->isStopping();
}

bool MockServerDialog::isRunning() const
{
    return isListening() || isStopping();
}

quint16 MockServerDialog::port() const
{
    return isListening() ? m_server->serverPort() : 0;
}

bool MockServerDialog::start()
{
    if (isRunning() || m_loading)
        return false;
    if (!m_store) {
        m_status->setText(tr("The session was closed."));
        return false;
    }
    QHostAddress address;
    quint16 port = 0;
    if (!endpoints::parseEndpoint(m_listen->text(), &address, &port)) {
        m_status->setText(tr("The listen address must look like 127.0.0.1:8080."));
        return false;
    }
    const QList<quint64> ids = checkedConnections();
    if (ids.isEmpty()) {
        m_status->setText(tr("Check at least one recorded connection to answer from."));
        return false;
    }
    // The recording is read on a worker thread (a big session's index is
    // scanned); the server starts when it is there.
    m_loading = true;
    updateUi();
    m_status->setText(tr("Reading the recording…"));
    const QPointer<CaptureStore> store = m_store;
    const QPointer<MockServerDialog> self(this);
    QThread *thread = QThread::create([store, ids, self, address, port] {
        QList<replay::RecordedConnection> recordings;
        QString error = QStringLiteral("the session was closed");
        const bool ok = store && replay::loadRecordings(*store, ids, &recordings, &error);
        QMetaObject::invokeMethod(qApp, [self, ok, recordings, error, address, port] {
            if (self)
                self->listenWith(recordings, ok ? QString() : error, address, port);
        }, Qt::QueuedConnection);
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    m_loader = thread;
    thread->start();
    return true;
}

void MockServerDialog::listenWith(const QList<replay::RecordedConnection> &recordings, const QString &loadError,
                                  const QHostAddress &address, quint16 port)
{
    m_loading = false;
    if (!loadError.isEmpty()) {
        m_status->setText(loadError);
        updateUi();
        return;
    }
    replay::MockOptions mock;
    mock.timing = replay::Timing(m_timing->currentData().toInt());
    mock.speed = m_speed->value();
    mock.matchPath = m_matchPath->isChecked();
    const QPointer<MockServerDialog> self(this);
    mock.notice = [self](const QString &line) {
        QMetaObject::invokeMethod(self, [self, line] {
            if (self)
                self->appendLog(line);
        }, Qt::QueuedConnection);
    };
    mock.unexpected = [self](int index, const replay::ComparedMessage &expected, const replay::ComparedMessage &received) {
        const QString line = replay::describeUnexpected(index, expected, received);
        QMetaObject::invokeMethod(self, [self, line] {
            if (self)
                self->appendLog(line);
        }, Qt::QueuedConnection);
    };
    endpoints::ServerOptions options;
    options.address = address;
    options.port = port;
    options.behaviour = replay::makeMockFactory(recordings, mock);
    // May switch the window to a (new) live capture: the recordings are copies already.
    options.capture = m_captureProvider && m_captureBox->isChecked() ? m_captureProvider() : nullptr;
    auto server = std::make_unique<endpoints::WsServer>();
    QString error;
    if (!server->listen(options, &error)) {
        m_status->setText(tr("Cannot listen on %1: %2").arg(m_listen->text(), error));
        updateUi();
        return;
    }
    connect(server.get(), &endpoints::WsServer::stopped, this, &MockServerDialog::onStopped);
    m_server = std::move(server);
    m_capturing = options.capture != nullptr;
    QSettings().setValue(QStringLiteral("mock/listen"), m_listen->text().trimmed());
    for (const replay::RecordedConnection &r : recordings)
        appendLog(tr("Answering %1 from connection #%2 (%n message(s) recorded)", nullptr, int(r.messages.size()))
                      .arg(QString::fromLatin1(replay::recordedTarget(r.info)))
                      .arg(r.info.id));
    updateUi();
    emit listeningChanged(true);
}

void MockServerDialog::stop()
{
    if (!isListening())
        return;
    // Every client gets a close (1001); the server is gone once they answered
    // (a round trip) or the grace period ended: onStopped().
    m_server->stopAsync();
    updateUi();
}

void MockServerDialog::onStopped()
{
    // The server object stays (idle, its thread joined) until the next start.
    m_capturing = false;
    appendLog(tr("Stopped"));
    updateUi();
    emit listeningChanged(false);
}

void MockServerDialog::updateUi()
{
    const bool on = isRunning();
    m_start->setEnabled(!on && !m_loading && m_store && m_connection->count() > 0);
    m_matchPath->setEnabled(!on);
    m_captureBox->setEnabled(!on);
    m_stop->setEnabled(isListening());
    m_connection->setEnabled(!on);
    m_listen->setEnabled(!on);
    m_timing->setEnabled(!on);
    m_speed->setEnabled(!on);
    if (isListening()) {
        m_status->setText(tr("listening on %1").arg(endpoints::endpointOf(m_server->serverAddress(), m_server->serverPort())));
        m_statusShowsServer = true;
    } else if (isStopping()) {
        m_status->setText(tr("Stopping… (closing the connections)"));
        m_statusShowsServer = true;
    } else if (m_statusShowsServer) {
        m_status->setText(tr("Not running"));
        m_statusShowsServer = false;
    }
}

void MockServerDialog::appendLog(const QString &line)
{
    m_log->appendPlainText(line);
}

} // namespace wslens::ui
