#include "composer/composerpanel.h"

#include "composer/composerhistorymodel.h"
#include "endpoints/composermessage.h"
#include "endpoints/wsclient.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTextCursor>
#include <QTimer>
#include <QVBoxLayout>

namespace wslens::ui {

namespace {
constexpr int kMaxLogLines = 2000;

// Lists the live targets afresh each time it opens.
class TargetCombo : public QComboBox
{
public:
    TargetCombo(std::function<void()> refresh, QWidget *parent)
        : QComboBox(parent)
        , m_refresh(std::move(refresh))
    {
    }
    void showPopup() override
    {
        m_refresh();
        QComboBox::showPopup();
    }

private:
    std::function<void()> m_refresh;
};

constexpr int kPreviewBytes = 200;

// A target's item data: "provider:key".
QString targetData(size_t provider, quint64 key)
{
    return QStringLiteral("%1:%2").arg(provider).arg(key);
}

QString preview(quint8 opcode, const QByteArray &data)
{
    const QByteArray head = data.left(kPreviewBytes);
    const QString body = opcode == 0x1 ? QString::fromUtf8(head) : QString::fromLatin1(head.toHex(' '));
    return data.size() > kPreviewBytes ? body + QStringLiteral(" … (%1 bytes)").arg(data.size()) : body;
}
} // namespace

ComposerPanel::ComposerPanel(CaptureSink *capture, QWidget *parent)
    : QWidget(parent)
    , m_capture(capture)
    , m_target(new TargetCombo([this] { refreshTargets(); }, this))
    , m_url(new QLineEdit(this))
    , m_connect(new QPushButton(tr("Connect"), this))
    , m_status(new QLabel(tr("Not connected"), this))
    , m_templates(new QComboBox(this))
    , m_format(new QComboBox(this))
    , m_body(new QPlainTextEdit(this))
    , m_times(new QSpinBox(this))
    , m_interval(new QSpinBox(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_progress(new QLabel(this))
    , m_historyView(new QListView(this))
    , m_history(new ComposerHistoryModel(this))
    , m_log(new QPlainTextEdit(this))
    , m_repeat(new QTimer(this))
{
    m_target->setObjectName(QStringLiteral("composerTarget"));
    m_target->setToolTip(tr("Where Send goes: this panel's own client connection, a live relayed connection "
                            "toward its server or its client (captured as injected), or a connection to our test server"));
    m_target->addItem(tr("Own connection"));
    m_url->setObjectName(QStringLiteral("composerUrl"));
    m_connect->setObjectName(QStringLiteral("composerConnect"));
    m_status->setObjectName(QStringLiteral("composerStatus"));
    m_templates->setObjectName(QStringLiteral("composerTemplates"));
    m_format->setObjectName(QStringLiteral("composerFormat"));
    m_body->setObjectName(QStringLiteral("composerBody"));
    m_times->setObjectName(QStringLiteral("composerTimes"));
    m_interval->setObjectName(QStringLiteral("composerInterval"));
    m_send->setObjectName(QStringLiteral("composerSend"));
    m_stop->setObjectName(QStringLiteral("composerStop"));
    m_progress->setObjectName(QStringLiteral("composerProgress"));
    m_historyView->setObjectName(QStringLiteral("composerHistory"));
    m_log->setObjectName(QStringLiteral("composerLog"));
    m_url->setPlaceholderText(QStringLiteral("ws://127.0.0.1:9001/"));
    m_format->addItem(tr("Text"), int(endpoints::ComposerFormat::Text));
    m_format->addItem(tr("JSON"), int(endpoints::ComposerFormat::Json));
    m_format->addItem(tr("Binary (hex)"), int(endpoints::ComposerFormat::Hex));
    m_format->addItem(tr("Binary (base64)"), int(endpoints::ComposerFormat::Base64));
    m_format->addItem(tr("Binary (file)"), ComposerEntry::kFileFormat);
    m_format->addItem(tr("Raw frame (spec)"), int(endpoints::ComposerFormat::FrameSpec));
    m_body->setPlaceholderText(tr("Message; variables: {{counter}} {{uuid}} {{timestamp}} {{random}}\n"
                                  "Binary (file): the file's path (or use File…)\n"
                                  "Raw frame: opcode=1,fin=0,rsv=4,mask=0a0b0c0d,text=hello\n"
                                  "Ctrl+Return sends; Ctrl+Z undoes edits, also Pretty JSON and restored messages"));
    m_times->setRange(1, 1000000);
    m_times->setPrefix(tr("× "));
    m_times->setToolTip(tr("How many times to send"));
    m_interval->setRange(0, 3600000);
    m_interval->setSuffix(tr(" ms"));
    m_interval->setValue(1000);
    m_interval->setToolTip(tr("Pause between two sends"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kMaxLogLines);
    m_send->setEnabled(false);
    m_send->setToolTip(tr("Send (Ctrl+Return)"));
    m_stop->setEnabled(false);
    m_templates->setToolTip(tr("Saved templates: choose one to load it"));
    m_templates->setMinimumContentsLength(12);
    m_historyView->setModel(m_history);
    m_historyView->setToolTip(tr("Last sent messages: double-click to restore into the editor"));
    m_historyView->setUniformItemSizes(true);
    m_history->load();

    auto *pretty = new QPushButton(tr("Pretty JSON"), this);
    auto *file = new QPushButton(tr("File…"), this);
    file->setObjectName(QStringLiteral("composerFile"));
    file->setToolTip(tr("Send a file's bytes as a binary message"));
    auto *saveTemplate = new QPushButton(tr("Save as…"), this);
    saveTemplate->setToolTip(tr("Save the message as a named template"));
    auto *deleteTemplate = new QPushButton(tr("Delete"), this);
    deleteTemplate->setToolTip(tr("Delete the chosen template"));
    auto *restore = new QPushButton(tr("Restore"), this);
    auto *resend = new QPushButton(tr("Re-send"), this);
    resend->setObjectName(QStringLiteral("composerResend"));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Send to"), this));
    top->addWidget(m_target);
    top->addWidget(m_url, 1);
    top->addWidget(m_connect);
    auto *templates = new QHBoxLayout;
    templates->addWidget(new QLabel(tr("Template"), this));
    templates->addWidget(m_templates, 1);
    templates->addWidget(saveTemplate);
    templates->addWidget(deleteTemplate);
    auto *options = new QHBoxLayout;
    options->addWidget(m_format);
    options->addWidget(pretty);
    options->addWidget(file);
    options->addStretch(1);
    options->addWidget(m_times);
    options->addWidget(new QLabel(tr("every"), this));
    options->addWidget(m_interval);
    options->addWidget(m_send);
    options->addWidget(m_stop);
    options->addWidget(m_progress);

    auto *historyBox = new QWidget(this);
    auto *historyLayout = new QVBoxLayout(historyBox);
    historyLayout->setContentsMargins(0, 0, 0, 0);
    auto *historyButtons = new QHBoxLayout;
    historyButtons->addWidget(new QLabel(tr("History"), historyBox), 1);
    historyButtons->addWidget(restore);
    historyButtons->addWidget(resend);
    historyLayout->addLayout(historyButtons);
    historyLayout->addWidget(m_historyView, 1);
    auto *bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(historyBox);
    bottom->addWidget(m_log);
    bottom->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_status);
    layout->addLayout(templates);
    layout->addWidget(m_body, 1);
    layout->addLayout(options);
    layout->addWidget(bottom, 1);

    connect(m_connect, &QPushButton::clicked, this, &ComposerPanel::toggleConnection);
    connect(m_target, &QComboBox::currentIndexChanged, this, [this] {
        const bool own = !targetChosen();
        m_url->setEnabled(own && !m_connected);
        m_connect->setEnabled(own);
        updateSendUi();
    });
    connect(m_send, &QPushButton::clicked, this, &ComposerPanel::startSending);
    connect(m_stop, &QPushButton::clicked, this, &ComposerPanel::stopSending);
    connect(pretty, &QPushButton::clicked, this, &ComposerPanel::prettify);
    connect(file, &QPushButton::clicked, this, &ComposerPanel::chooseFile);
    connect(m_repeat, &QTimer::timeout, this, &ComposerPanel::sendOne);
    connect(m_templates, &QComboBox::activated, this, [this](int index) {
        if (index > 0)
            loadTemplate(m_templates->itemText(index));
    });
    connect(saveTemplate, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Save template"), tr("Name:"), QLineEdit::Normal,
                                                   m_templates->currentIndex() > 0 ? m_templates->currentText() : QString(), &ok);
        if (!ok || name.trimmed().isEmpty())
            return;
        if (ComposerTemplates().contains(name.trimmed())
            && QMessageBox::question(this, tr("Save template"), tr("Replace the template \"%1\"?").arg(name.trimmed()))
                   != QMessageBox::Yes)
            return;
        this->saveTemplate(name);
    });
    connect(deleteTemplate, &QPushButton::clicked, this, [this] {
        if (m_templates->currentIndex() > 0)
            this->deleteTemplate(m_templates->currentText());
    });
    connect(m_historyView, &QListView::doubleClicked, this,
            [this](const QModelIndex &index) { restoreEntry(m_history->entry(index.row())); });
    connect(restore, &QPushButton::clicked, this, [this] {
        if (m_historyView->currentIndex().isValid())
            restoreEntry(m_history->entry(m_historyView->currentIndex().row()));
    });
    connect(resend, &QPushButton::clicked, this, [this] {
        if (m_historyView->currentIndex().isValid())
            this->resend(m_historyView->currentIndex().row());
    });
    auto *sendShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    sendShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(sendShortcut, &QShortcut::activated, this, [this] {
        if (m_send->isEnabled())
            startSending();
    });
    refreshTemplates();
    updateSendUi();
}

ComposerPanel::~ComposerPanel()
{
    m_history->save();
}

void ComposerPanel::setConnected(bool connected)
{
    m_connected = connected;
    m_connect->setText(connected ? tr("Disconnect") : tr("Connect"));
    if (!connected && !targetChosen()) {
        m_repeat->stop();
        m_remaining = 0;
    }
    updateSendUi();
}

void ComposerPanel::dropConnection()
{
    if (!m_client)
        return;
    m_client.reset(); // aborts and joins the worker: nothing more reaches the capture
    m_status->setText(tr("Not connected (the capture was replaced)"));
    setConnected(false);
}

void ComposerPanel::toggleConnection()
{
    if (m_client && m_connected) {
        m_client->close(1000);
        return;
    }
    endpoints::ClientOptions options;
    options.url = QUrl(m_url->text().trimmed(), QUrl::StrictMode);
    options.capture = m_captureProvider ? m_captureProvider() : m_capture;
    options.deflate = true;
    m_client.reset(); // the previous client (and its thread) first
    m_client = std::make_unique<endpoints::WsClient>();
    endpoints::WsClient *client = m_client.get();
    connect(client, &endpoints::WsClient::connected, this, [this](const ConnectionInfo &info) {
        m_status->setText(tr("Connected to %1%2").arg(info.url, info.extensions.isEmpty() ? QString()
                                                                : QStringLiteral(" (") + QString::fromLatin1(info.extensions) + QLatin1Char(')')));
        setConnected(true);
    });
    connect(client, &endpoints::WsClient::failed, this, [this](const QString &error) {
        m_status->setText(tr("Failed: %1").arg(error));
        setConnected(false);
    });
    connect(client, &endpoints::WsClient::messageReceived, this, [this](quint8 opcode, const QByteArray &data) {
        appendLog(QStringLiteral("← %1 %2").arg(opcode == 0x1 ? QStringLiteral("text") : QStringLiteral("binary"),
                                                  preview(opcode, data)));
    });
    connect(client, &endpoints::WsClient::closeReceived, this, [this](int code, const QString &reason) {
        appendLog(QStringLiteral("← close %1 %2").arg(code).arg(reason));
    });
    connect(client, &endpoints::WsClient::violationDetected, this, [this](Violation v, quint16 code) {
        appendLog(tr("server broke a rule (%1): closed with %2").arg(QString::fromLatin1(violationInfo(v).id)).arg(code));
    });
    connect(client, &endpoints::WsClient::disconnected, this, [this](int peer, int local, const QString &error) {
        m_status->setText(tr("Closed (server %1, us %2) %3").arg(peer).arg(local).arg(error));
        setConnected(false);
    });
    m_status->setText(tr("Connecting…"));
    client->open(options);
}

ComposerEntry ComposerPanel::currentEntry() const
{
    return {m_format->currentData().toInt(), m_body->toPlainText()};
}

void ComposerPanel::restoreEntry(const ComposerEntry &entry)
{
    const int index = m_format->findData(entry.format);
    if (index >= 0)
        m_format->setCurrentIndex(index);
    // Through a cursor, not setPlainText(): the editor's undo keeps working.
    QTextCursor cursor(m_body->document());
    cursor.select(QTextCursor::Document);
    cursor.insertText(entry.body);
}

void ComposerPanel::refreshTemplates(const QString &select)
{
    m_templates->clear();
    m_templates->addItem(tr("(choose to load)"));
    m_templates->addItems(ComposerTemplates().names());
    const int index = select.isEmpty() ? 0 : m_templates->findText(select);
    m_templates->setCurrentIndex(qMax(0, index));
}

bool ComposerPanel::saveTemplate(const QString &name)
{
    if (!ComposerTemplates().save(name, currentEntry()))
        return false;
    refreshTemplates(name.trimmed());
    return true;
}

bool ComposerPanel::loadTemplate(const QString &name)
{
    const ComposerTemplates templates;
    if (!templates.contains(name))
        return false;
    restoreEntry(templates.load(name));
    return true;
}

void ComposerPanel::deleteTemplate(const QString &name)
{
    ComposerTemplates().remove(name);
    refreshTemplates();
}

void ComposerPanel::resend(int row)
{
    if (row < 0 || row >= m_history->rowCount())
        return;
    m_sending = m_history->entry(row);
    m_total = m_remaining = m_times->value();
    sendOne();
    if (m_remaining > 0)
        m_repeat->start(m_interval->value());
    updateSendUi();
}

void ComposerPanel::startSending()
{
    m_sending = currentEntry();
    m_total = m_remaining = m_times->value();
    sendOne();
    if (m_remaining > 0)
        m_repeat->start(m_interval->value());
    updateSendUi();
}

void ComposerPanel::stopSending()
{
    if (m_remaining > 0)
        appendLog(tr("stopped after %1 of %2").arg(m_total - m_remaining).arg(m_total));
    m_repeat->stop();
    m_remaining = 0;
    updateSendUi();
}

bool ComposerPanel::isSending() const
{
    return m_repeat->isActive();
}

void ComposerPanel::addTargetProvider(TargetProvider provider)
{
    m_providers.push_back(std::move(provider));
    refreshTargets();
}

bool ComposerPanel::targetChosen() const
{
    return m_target->currentIndex() > 0;
}

void ComposerPanel::refreshTargets()
{
    const QVariant current = m_target->currentData();
    const QSignalBlocker block(m_target);
    while (m_target->count() > 1)
        m_target->removeItem(1);
    for (size_t p = 0; p < m_providers.size(); ++p) {
        const QList<SendTarget> targets = m_providers[p].live ? m_providers[p].live() : QList<SendTarget>();
        for (const SendTarget &target : targets)
            m_target->addItem(target.label, targetData(p, target.key));
    }
    const int keep = current.isValid() ? m_target->findData(current) : 0;
    m_target->setCurrentIndex(keep < 0 ? 0 : keep);
    if (keep < 0)
        m_status->setText(tr("The chosen connection closed; sending goes to the own connection again."));
    const bool own = !targetChosen();
    m_url->setEnabled(own && !m_connected);
    m_connect->setEnabled(own);
    updateSendUi();
}

const ComposerPanel::TargetProvider *ComposerPanel::chosenProvider(quint64 *key) const
{
    const QStringList parts = m_target->currentData().toString().split(QLatin1Char(':'));
    if (parts.size() != 2)
        return nullptr;
    const size_t provider = parts[0].toULongLong();
    *key = parts[1].toULongLong();
    return provider < m_providers.size() ? &m_providers[provider] : nullptr;
}

bool ComposerPanel::sendToTarget(const endpoints::ComposedMessage &message)
{
    const QString label = m_target->currentText();
    quint64 key = 0;
    const TargetProvider *provider = chosenProvider(&key);
    QString error;
    if (!provider || !provider->send || !provider->send(key, message, &error)) {
        m_status->setText(error.isEmpty() ? tr("%1 is no longer live.").arg(label) : error);
        refreshTargets();
        return false;
    }
    appendLog(QStringLiteral("⇢ %1  %2")
                  .arg(label, message.raw ? QStringLiteral("raw ") + QString::fromLatin1(message.bytes.left(kPreviewBytes).toHex(' '))
                                          : preview(message.opcode, message.bytes)));
    return true;
}

void ComposerPanel::updateSendUi()
{
    m_send->setEnabled(m_connected || targetChosen());
    m_stop->setEnabled(m_repeat->isActive());
    m_progress->setText(m_total > 1 ? tr("%1/%2").arg(m_total - m_remaining).arg(m_total) : QString());
}

bool ComposerPanel::fileBytes(const QString &path, QByteArray *out, QString *error)
{
    const QFileInfo info(path.trimmed());
    if (!info.isFile()) {
        *error = tr("no such file: %1").arg(path.trimmed());
        return false;
    }
    if (info.size() > kMaxFileBytes) {
        *error = tr("%1 is larger than %2 MiB").arg(info.fileName()).arg(kMaxFileBytes / (1024 * 1024));
        return false;
    }
    if (info.absoluteFilePath() != m_filePath || info.lastModified() != m_fileModified) {
        QFile file(info.absoluteFilePath());
        if (!file.open(QIODevice::ReadOnly)) {
            *error = tr("cannot read %1: %2").arg(info.fileName(), file.errorString());
            return false;
        }
        m_fileData = file.read(kMaxFileBytes);
        m_filePath = info.absoluteFilePath();
        m_fileModified = info.lastModified();
    }
    *out = m_fileData;
    return true;
}

void ComposerPanel::sendOne()
{
    const bool relay = targetChosen();
    if ((!relay && (!m_client || !m_connected)) || m_remaining <= 0) {
        m_repeat->stop();
        updateSendUi();
        return;
    }
    endpoints::ComposedMessage message;
    QString error;
    bool ok = true;
    if (m_sending.format == ComposerEntry::kFileFormat) {
        message.opcode = 0x2;
        ok = fileBytes(m_sending.body, &message.bytes, &error);
    } else {
        quint64 key = 0;
        const TargetProvider *provider = relay ? chosenProvider(&key) : nullptr;
        const bool masked = provider ? provider->maskRawByDefault : true;
        ok = endpoints::composeMessage(endpoints::ComposerFormat(m_sending.format), m_sending.body, ++m_counter, masked,
                                       &message, &error);
    }
    if (!ok) {
        m_status->setText(error);
        m_repeat->stop();
        m_remaining = 0;
        updateSendUi();
        return;
    }
    if (relay && !sendToTarget(message)) {
        m_repeat->stop();
        m_remaining = 0;
        updateSendUi();
        return;
    }
    if (m_remaining == m_total)
        m_history->add(m_sending); // once per Send, not per repetition
    if (relay) {
        // sent by sendToTarget()
    } else if (message.raw) {
        m_client->sendRaw(message.bytes);
        appendLog(QStringLiteral("→ raw %1").arg(QString::fromLatin1(message.bytes.left(kPreviewBytes).toHex(' '))));
    } else {
        m_client->sendMessage(message.opcode, message.bytes);
        appendLog(QStringLiteral("→ %1").arg(preview(message.opcode, message.bytes)));
    }
    if (--m_remaining <= 0)
        m_repeat->stop();
    updateSendUi();
}

void ComposerPanel::prettify()
{
    QString pretty, error;
    if (endpoints::prettyJson(m_body->toPlainText(), &pretty, &error))
        restoreEntry({m_format->currentData().toInt(), pretty});
    else
        m_status->setText(error);
}

void ComposerPanel::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Send a file"));
    if (path.isEmpty())
        return;
    restoreEntry({ComposerEntry::kFileFormat, path});
}

void ComposerPanel::appendLog(const QString &line)
{
    m_log->appendPlainText(line);
}

} // namespace wslens::ui
