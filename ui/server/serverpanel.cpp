#include "server/serverpanel.h"

#include "endpoints/composermessage.h"
#include "endpoints/endpointaddress.h"
#include "endpoints/serverscript.h"
#include "endpoints/wsserver.h"
#include "protocol/violation.h"
#include "server/serverconnectionmodel.h"
#include "server/serveroptionsdialog.h"
#include "tls/certificateauthority.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QTime>
#include <QVBoxLayout>

namespace wslens::ui {

namespace {
constexpr int kMaxLogLines = 1000;
constexpr qint64 kMaxScriptBytes = 4 * 1024 * 1024;

// Reads and checks a script file; false with *error (file or JSON path).
bool loadScript(const QString &path, endpoints::ServerScript *script, QString *error)
{
    if (path.trimmed().isEmpty()) {
        *error = ServerPanel::tr("Choose a script file (Browse…).");
        return false;
    }
    QFile file(path.trimmed());
    if (!file.open(QIODevice::ReadOnly)) {
        *error = ServerPanel::tr("Cannot read the script %1: %2").arg(path.trimmed(), file.errorString());
        return false;
    }
    if (file.size() > kMaxScriptBytes) {
        *error = ServerPanel::tr("The script %1 is larger than 4 MiB.").arg(path.trimmed());
        return false;
    }
    QString parseError;
    if (!endpoints::parseServerScript(file.read(kMaxScriptBytes), script, &parseError)) {
        *error = ServerPanel::tr("Script error in %1: %2").arg(QFileInfo(file).fileName(), parseError);
        return false;
    }
    return true;
}
} // namespace

ServerPanel::ServerPanel(QWidget *parent)
    : QWidget(parent)
    , m_server(std::make_unique<endpoints::WsServer>())
    , m_model(new ServerConnectionModel(this))
    , m_listen(new QLineEdit(this))
    , m_behaviour(new QComboBox(this))
    , m_scriptRow(new QWidget(this))
    , m_script(new QLineEdit(this))
    , m_browse(new QPushButton(tr("Browse…"), this))
    , m_wss(new QCheckBox(tr("wss (certificate from the local CA)"), this))
    , m_handshake(HandshakeSettings::load())
    , m_optionsSummary(new QLabel(this))
    , m_options(new QPushButton(tr("Options…"), this))
    , m_start(new QPushButton(tr("Start"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_status(new QLabel(tr("Stopped"), this))
    , m_view(new QTableView(this))
    , m_close(new QPushButton(tr("Close connection"), this))
    , m_log(new QPlainTextEdit(this))
{
    m_listen->setObjectName(QStringLiteral("serverListen"));
    m_behaviour->setObjectName(QStringLiteral("serverBehaviour"));
    m_script->setObjectName(QStringLiteral("serverScript"));
    m_browse->setObjectName(QStringLiteral("serverBrowse"));
    m_wss->setObjectName(QStringLiteral("serverWss"));
    m_optionsSummary->setObjectName(QStringLiteral("serverOptionsSummary"));
    m_options->setObjectName(QStringLiteral("serverOptions"));
    m_start->setObjectName(QStringLiteral("serverStart"));
    m_stop->setObjectName(QStringLiteral("serverStop"));
    m_status->setObjectName(QStringLiteral("serverStatus"));
    m_view->setObjectName(QStringLiteral("serverConnections"));
    m_close->setObjectName(QStringLiteral("serverCloseConnection"));
    m_log->setObjectName(QStringLiteral("serverLog"));

    const QSettings settings;
    m_listen->setText(settings.value(QStringLiteral("server/listen"), QStringLiteral("127.0.0.1:9001")).toString());
    m_listen->setToolTip(tr("host:port; port 0 lets the system choose a free one"));
    m_behaviour->addItem(tr("Echo"), int(Behaviour::Echo));
    m_behaviour->addItem(tr("Broadcast"), int(Behaviour::Broadcast));
    m_behaviour->addItem(tr("Silent"), int(Behaviour::Silent));
    m_behaviour->addItem(tr("Script file…"), int(Behaviour::Script));
    m_behaviour->setToolTip(tr("Echo: every message back to its sender. Broadcast: to every other client. "
                               "Silent: nothing (pings are still answered). Script: a JSON script (docs/SCRIPTS.md)."));
    const int behaviour = m_behaviour->findData(settings.value(QStringLiteral("server/behaviour"), 0).toInt());
    m_behaviour->setCurrentIndex(behaviour < 0 ? 0 : behaviour);
    m_script->setText(settings.value(QStringLiteral("server/script")).toString());
    m_script->setPlaceholderText(tr("script.json"));
    m_wss->setChecked(settings.value(QStringLiteral("server/wss"), false).toBool());
    m_wss->setToolTip(tr("Serves wss:// with a certificate for the listen address signed by the local CA "
                         "(Tools → Certificate Authority to export and trust it)"));
    m_options->setToolTip(tr("Subprotocols, permessage-deflate and allowed Origins of the handshake"));
    m_optionsSummary->setText(m_handshake.summary());
    m_optionsSummary->setToolTip(m_optionsSummary->text());
    m_optionsSummary->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);

    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    // Fitted to their contents when rows come (ResizeToContents alone does not
    // refit on inserted rows); the path takes the rest.
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setSectionResizeMode(ServerConnectionModel::PathColumn, QHeaderView::Stretch);
    m_view->setMinimumHeight(m_view->verticalHeader()->defaultSectionSize() * 3);
    m_log->setMinimumHeight(m_view->fontMetrics().height() * 2);
    m_view->setAlternatingRowColors(true);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kMaxLogLines);
    m_log->setPlaceholderText(tr("Connections, rejected handshakes and protocol violations appear here."));

    // Settings and the log on the left, the connections on the right: the
    // dock sits at the bottom, wide and short.
    auto *scriptRow = new QHBoxLayout(m_scriptRow);
    scriptRow->setContentsMargins(0, 0, 0, 0);
    scriptRow->addWidget(m_script, 1);
    scriptRow->addWidget(m_browse);
    auto *form = new QFormLayout;
    form->addRow(tr("Listen on"), m_listen);
    form->addRow(tr("Behaviour"), m_behaviour);
    form->addRow(m_scriptRow); // hidden (no gap) unless Script
    form->addRow(m_wss);
    auto *optionsRow = new QHBoxLayout;
    optionsRow->addWidget(m_optionsSummary, 1);
    optionsRow->addWidget(m_options, 0, Qt::AlignTop);
    form->addRow(tr("Handshake"), optionsRow);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    buttons->addStretch(1);
    auto *settingsBox = new QWidget(this);
    auto *left = new QVBoxLayout(settingsBox);
    left->setContentsMargins(0, 0, 0, 0);
    left->addLayout(form);
    left->addLayout(buttons);
    left->addWidget(m_status);
    left->addWidget(m_log, 1);
    settingsBox->setMaximumWidth(480);

    auto *connectionsRow = new QHBoxLayout;
    connectionsRow->addWidget(new QLabel(tr("Open connections"), this));
    connectionsRow->addStretch(1);
    connectionsRow->addWidget(m_close);
    auto *right = new QVBoxLayout;
    right->addLayout(connectionsRow);
    right->addWidget(m_view, 1);

    auto *layout = new QHBoxLayout(this);
    layout->addWidget(settingsBox, 2);
    layout->addLayout(right, 3);

    connect(m_start, &QPushButton::clicked, this, &ServerPanel::start);
    connect(m_stop, &QPushButton::clicked, this, &ServerPanel::stopGracefully);
    connect(m_options, &QPushButton::clicked, this, &ServerPanel::editOptions);
    connect(m_browse, &QPushButton::clicked, this, &ServerPanel::chooseScript);
    connect(m_close, &QPushButton::clicked, this, &ServerPanel::closeSelected);
    connect(m_behaviour, &QComboBox::currentIndexChanged, this, &ServerPanel::updateUi);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ServerPanel::updateUi);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ServerPanel::updateUi);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ServerPanel::fitColumns);
    fitColumns();
    connectServer();
    updateUi();
}

ServerPanel::~ServerPanel()
{
    stop();
}

bool ServerPanel::isListening() const
{
    return m_server && m_server->isListening();
}

quint16 ServerPanel::port() const
{
    return isListening() ? m_server->serverPort() : 0;
}

QString ServerPanel::url() const
{
    return isListening() ? m_server->url() + QLatin1Char('/') : QString();
}

bool ServerPanel::start()
{
    if (isListening())
        return true;
    endpoints::ServerOptions options;
    if (!endpoints::parseEndpoint(m_listen->text(), &options.address, &options.port)) {
        showError(tr("The listen address must look like 127.0.0.1:9001 (port 0: any free port)."));
        return false;
    }
    {
        QString error; // checked again: the settings may have been edited by hand
        if (!m_handshake.apply(&options, &error)) {
            showError(error);
            return false;
        }
    }
    switch (Behaviour(m_behaviour->currentData().toInt())) {
    case Behaviour::Echo: options.behaviour = [] { return endpoints::makeEchoBehaviour(); }; break;
    case Behaviour::Broadcast: options.behaviour = [] { return endpoints::makeBroadcastBehaviour(); }; break;
    case Behaviour::Silent: options.behaviour = [] { return endpoints::makeSilentBehaviour(); }; break;
    case Behaviour::Script: {
        endpoints::ServerScript script;
        QString error;
        if (!loadScript(m_script->text(), &script, &error)) {
            showError(error);
            return false;
        }
        options.behaviour = [script] { return endpoints::makeScriptBehaviour(script); };
        break;
    }
    }
    if (m_wss->isChecked()) {
        tls::CertificateAuthority ca(m_caDirectory);
        QString error;
        if (!ca.loadOrCreate(&error)) {
            showError(tr("Local CA: %1").arg(error));
            return false;
        }
        const QString host = options.address.toString(); // like `wslens serve --wss`
        const QSslConfiguration config = ca.serverConfigurationFor(host, &error);
        if (config.localCertificate().isNull()) {
            showError(tr("No certificate for %1: %2").arg(host, error));
            return false;
        }
        options.tls = config;
    }
    // May switch the window to a new live capture; nothing runs yet.
    options.capture = m_captureProvider ? m_captureProvider() : nullptr;

    QString error;
    if (!m_server->listen(options, &error)) {
        showError(tr("Cannot listen on %1: %2. Choose another address or port (port 0 picks a free one).")
                      .arg(m_listen->text().trimmed(), error));
        return false;
    }
    saveSettings();
    showStatus(tr("listening on %1").arg(url()));
    appendLog(tr("Listening on %1 (%2)").arg(url(), m_handshake.summary()));
    updateUi();
    Q_EMIT listeningChanged(true);
    return true;
}

// One server for the panel's life: its signals are connected once.
void ServerPanel::connectServer()
{
    endpoints::WsServer *server = m_server.get();
    connect(server, &endpoints::WsServer::connectionOpened, this, [this](quint64 id, const ConnectionInfo &info) {
        m_model->add(id, info);
        QString line = tr("#%1 opened from %2: %3").arg(id).arg(info.clientEndpoint, info.url);
        if (!info.subprotocol.isEmpty())
            line += tr(", subprotocol %1").arg(QString::fromLatin1(info.subprotocol));
        if (!info.extensions.isEmpty())
            line += tr(", %1").arg(QString::fromLatin1(info.extensions));
        appendLog(line);
    });
    connect(server, &endpoints::WsServer::messageReceived, this,
            [this](quint64 id, quint8, const QByteArray &) { m_model->countMessage(id); });
    connect(server, &endpoints::WsServer::connectionClosed, this,
            [this](quint64 id, int peerCode, int localCode, const QString &error) {
                m_model->remove(id);
                QString line = tr("#%1 closed").arg(id);
                if (peerCode >= 0)
                    line += tr(", client sent %1").arg(peerCode);
                if (localCode >= 0)
                    line += tr(", server sent %1").arg(localCode);
                if (!error.isEmpty())
                    line += QStringLiteral(": ") + error;
                appendLog(line);
            });
    connect(server, &endpoints::WsServer::violationDetected, this,
            [this](quint64 id, Violation violation, quint16 closeCode) {
                appendLog(tr("#%1 protocol violation (closing with %2): %3")
                              .arg(id)
                              .arg(closeCode)
                              .arg(QString::fromUtf8(violationInfo(violation).rule)));
            });
    connect(server, &endpoints::WsServer::handshakeRejected, this, [this](const QString &peer, const QString &reason) {
        appendLog(tr("Handshake from %1 refused: %2").arg(peer, reason));
    });
    connect(server, &endpoints::WsServer::stopped, this, &ServerPanel::onStopped);
}

void ServerPanel::stopGracefully()
{
    if (!isListening())
        return;
    const int open = m_model->rowCount();
    m_server->stopAsync();
    showStatus(tr("Stopping: closing %n connection(s)…", nullptr, open));
    updateUi();
}

bool ServerPanel::isStopping() const
{
    return m_server->isStopping();
}

void ServerPanel::stop()
{
    m_server->stop(); // stopped() -> onStopped() when it was running
}

void ServerPanel::onStopped()
{
    m_model->clear();
    showStatus(tr("Stopped"));
    appendLog(tr("Stopped"));
    updateUi();
    Q_EMIT listeningChanged(false);
}

bool ServerPanel::send(quint64 connection, const endpoints::ComposedMessage &message, QString *error)
{
    if (!isListening() || m_model->rowOf(connection) < 0) {
        if (error)
            *error = tr("Server connection #%1 is no longer open.").arg(connection);
        return false;
    }
    if (message.raw)
        m_server->sendRaw(connection, message.bytes);
    else
        m_server->sendMessage(connection, message.opcode, message.bytes);
    return true;
}

bool ServerPanel::closeConnection(quint64 connection)
{
    if (!isListening() || m_model->rowOf(connection) < 0)
        return false;
    m_server->closeConnection(connection, 1000, QByteArrayLiteral("closed from wslens"));
    appendLog(tr("#%1 closing (1000)").arg(connection));
    return true;
}

void ServerPanel::closeSelected()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (!rows.isEmpty())
        closeConnection(rows.first().data(ServerConnectionModel::IdRole).toULongLong());
}

void ServerPanel::fitColumns()
{
    for (int column : {ServerConnectionModel::IdColumn, ServerConnectionModel::PeerColumn,
                       ServerConnectionModel::OpenedColumn, ServerConnectionModel::MessagesColumn})
        m_view->resizeColumnToContents(column);
}

void ServerPanel::editOptions()
{
    if (isListening() || isStopping())
        return;
    auto *dialog = new ServerOptionsDialog(m_handshake, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog]() {
        m_handshake = dialog->settings();
        m_handshake.save();
        m_optionsSummary->setText(m_handshake.summary());
        m_optionsSummary->setToolTip(m_optionsSummary->text());
        if (m_status->property("error").toBool())
            showStatus(tr("Stopped"));
    });
    dialog->open();
}

void ServerPanel::chooseScript()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Server script"), m_script->text(),
                                                      tr("Server scripts (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    m_script->setText(path);
    m_behaviour->setCurrentIndex(m_behaviour->findData(int(Behaviour::Script)));
    endpoints::ServerScript script;
    QString error;
    if (loadScript(path, &script, &error))
        showStatus(isListening() ? tr("listening on %1").arg(url()) : tr("The script is valid."));
    else
        showError(error);
}

void ServerPanel::showError(const QString &message)
{
    m_status->setText(message);
    m_status->setStyleSheet(QStringLiteral("color: #c62828; font-weight: bold;"));
    m_status->setProperty("error", true);
}

void ServerPanel::showStatus(const QString &message)
{
    m_status->setText(message);
    m_status->setStyleSheet(QString());
    m_status->setProperty("error", false);
}

void ServerPanel::appendLog(const QString &line)
{
    m_log->appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss.zzz  ")) + line);
}

void ServerPanel::updateUi()
{
    const bool on = isListening() || isStopping();
    const bool script = Behaviour(m_behaviour->currentData().toInt()) == Behaviour::Script;
    m_listen->setEnabled(!on);
    m_behaviour->setEnabled(!on);
    m_scriptRow->setEnabled(!on);
    m_scriptRow->setVisible(script);
    m_wss->setEnabled(!on);
    m_options->setEnabled(!on);
    m_options->setToolTip(on ? tr("Stop the server to change its subprotocols, permessage-deflate and allowed Origins")
                             : tr("Subprotocols, permessage-deflate and allowed Origins of the handshake"));
    // Enable before disabling, and hand the focus over: a disabled focused
    // button would pass it on to the next widget and scroll the dock there.
    const bool buttonFocus = m_start->hasFocus() || m_stop->hasFocus();
    QPushButton *enabled = on ? m_stop : m_start;
    QPushButton *disabled = on ? m_start : m_stop;
    enabled->setEnabled(on ? !isStopping() : true);
    if (buttonFocus && enabled->isEnabled())
        enabled->setFocus();
    disabled->setEnabled(false);
    m_close->setEnabled(isListening() && m_view->selectionModel()->hasSelection());
}

void ServerPanel::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("server/listen"), m_listen->text().trimmed());
    settings.setValue(QStringLiteral("server/behaviour"), m_behaviour->currentData().toInt());
    settings.setValue(QStringLiteral("server/script"), m_script->text().trimmed());
    settings.setValue(QStringLiteral("server/wss"), m_wss->isChecked());
    m_handshake.save();
}

} // namespace wslens::ui
