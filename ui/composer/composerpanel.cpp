#include "composer/composerpanel.h"

#include "endpoints/composermessage.h"
#include "endpoints/wsclient.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

namespace wslens::ui {

namespace {
constexpr int kMaxLogLines = 2000;
constexpr int kPreviewBytes = 200;

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
    , m_url(new QLineEdit(this))
    , m_connect(new QPushButton(tr("Connect"), this))
    , m_status(new QLabel(tr("Not connected"), this))
    , m_format(new QComboBox(this))
    , m_body(new QPlainTextEdit(this))
    , m_times(new QSpinBox(this))
    , m_interval(new QSpinBox(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_log(new QPlainTextEdit(this))
    , m_repeat(new QTimer(this))
{
    m_url->setObjectName(QStringLiteral("composerUrl"));
    m_connect->setObjectName(QStringLiteral("composerConnect"));
    m_status->setObjectName(QStringLiteral("composerStatus"));
    m_format->setObjectName(QStringLiteral("composerFormat"));
    m_body->setObjectName(QStringLiteral("composerBody"));
    m_times->setObjectName(QStringLiteral("composerTimes"));
    m_interval->setObjectName(QStringLiteral("composerInterval"));
    m_send->setObjectName(QStringLiteral("composerSend"));
    m_log->setObjectName(QStringLiteral("composerLog"));
    m_url->setPlaceholderText(QStringLiteral("ws://127.0.0.1:9001/"));
    m_format->addItem(tr("Text"), int(endpoints::ComposerFormat::Text));
    m_format->addItem(tr("JSON"), int(endpoints::ComposerFormat::Json));
    m_format->addItem(tr("Binary (hex)"), int(endpoints::ComposerFormat::Hex));
    m_format->addItem(tr("Binary (base64)"), int(endpoints::ComposerFormat::Base64));
    m_format->addItem(tr("Raw frame (spec)"), int(endpoints::ComposerFormat::FrameSpec));
    m_body->setPlaceholderText(tr("Message; variables: {{counter}} {{uuid}} {{timestamp}} {{random}}\n"
                                  "Raw frame: opcode=1,fin=0,rsv=4,mask=0a0b0c0d,text=hello"));
    m_times->setRange(1, 1000000);
    m_times->setPrefix(tr("× "));
    m_interval->setRange(0, 3600000);
    m_interval->setSuffix(tr(" ms"));
    m_interval->setValue(1000);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kMaxLogLines);
    m_send->setEnabled(false);

    auto *pretty = new QPushButton(tr("Pretty JSON"), this);
    auto *top = new QHBoxLayout;
    top->addWidget(m_url, 1);
    top->addWidget(m_connect);
    auto *options = new QHBoxLayout;
    options->addWidget(m_format);
    options->addWidget(pretty);
    options->addStretch(1);
    options->addWidget(m_times);
    options->addWidget(new QLabel(tr("every"), this));
    options->addWidget(m_interval);
    options->addWidget(m_send);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_status);
    layout->addWidget(m_body, 1);
    layout->addLayout(options);
    layout->addWidget(m_log, 1);

    connect(m_connect, &QPushButton::clicked, this, &ComposerPanel::toggleConnection);
    connect(m_send, &QPushButton::clicked, this, &ComposerPanel::startSending);
    connect(pretty, &QPushButton::clicked, this, &ComposerPanel::prettify);
    connect(m_repeat, &QTimer::timeout, this, &ComposerPanel::sendOne);
}

ComposerPanel::~ComposerPanel() = default;

void ComposerPanel::setConnected(bool connected)
{
    m_connected = connected;
    m_send->setEnabled(connected);
    m_connect->setText(connected ? tr("Disconnect") : tr("Connect"));
    if (!connected)
        m_repeat->stop();
}

void ComposerPanel::toggleConnection()
{
    if (m_client && m_connected) {
        m_client->close(1000);
        return;
    }
    endpoints::ClientOptions options;
    options.url = QUrl(m_url->text().trimmed(), QUrl::StrictMode);
    options.capture = m_capture;
    options.deflate = true;
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

void ComposerPanel::startSending()
{
    m_remaining = m_times->value();
    sendOne();
    if (m_remaining > 0)
        m_repeat->start(m_interval->value());
}

void ComposerPanel::sendOne()
{
    if (!m_client || !m_connected || m_remaining <= 0) {
        m_repeat->stop();
        return;
    }
    endpoints::ComposedMessage message;
    QString error;
    const auto format = endpoints::ComposerFormat(m_format->currentData().toInt());
    if (!endpoints::composeMessage(format, m_body->toPlainText(), ++m_counter, true, &message, &error)) {
        m_status->setText(error);
        m_repeat->stop();
        m_remaining = 0;
        return;
    }
    if (message.raw) {
        m_client->sendRaw(message.bytes);
        appendLog(QStringLiteral("→ raw %1").arg(QString::fromLatin1(message.bytes.left(kPreviewBytes).toHex(' '))));
    } else {
        m_client->sendMessage(message.opcode, message.bytes);
        appendLog(QStringLiteral("→ %1").arg(preview(message.opcode, message.bytes)));
    }
    if (--m_remaining <= 0)
        m_repeat->stop();
}

void ComposerPanel::prettify()
{
    QString pretty, error;
    if (endpoints::prettyJson(m_body->toPlainText(), &pretty, &error))
        m_body->setPlainText(pretty);
    else
        m_status->setText(error);
}

void ComposerPanel::appendLog(const QString &line)
{
    m_log->appendPlainText(line);
}

} // namespace wslens::ui
