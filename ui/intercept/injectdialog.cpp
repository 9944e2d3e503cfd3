#include "intercept/injectdialog.h"

#include "intercept/interceptor.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace wslens::ui {

namespace {
enum Type { TextType, BinaryType, PingType, CloseType };
}

InjectDialog::InjectDialog(intercept::Interceptor *interceptor, std::function<QString(quint64)> namer, QWidget *parent)
    : QDialog(parent)
    , m_interceptor(interceptor)
    , m_namer(std::move(namer))
    , m_connection(new QComboBox(this))
    , m_direction(new QComboBox(this))
    , m_type(new QComboBox(this))
    , m_payload(new QPlainTextEdit(this))
    , m_code(new QSpinBox(this))
    , m_status(new QLabel(this))
{
    setWindowTitle(QStringLiteral("Inject message"));
    m_direction->addItem(QStringLiteral("To the server (as if the client sent it; masked)"));
    m_direction->addItem(QStringLiteral("To the client (as if the server sent it)"));
    m_type->addItems({QStringLiteral("Text"), QStringLiteral("Binary (hex)"), QStringLiteral("Ping"), QStringLiteral("Close")});
    m_payload->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_payload->setPlaceholderText(QStringLiteral("Message text"));
    m_code->setRange(0, 65535);
    m_code->setValue(1000);
    m_code->setToolTip(QStringLiteral("Close code; any value is sent as given (1000 normal, 1001 going away, 4000-4999 private)"));
    m_status->setObjectName(QStringLiteral("injectStatus"));
    m_status->setWordWrap(true);

    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("&Connection"), m_connection);
    form->addRow(QStringLiteral("&Direction"), m_direction);
    form->addRow(QStringLiteral("&Type"), m_type);
    form->addRow(QStringLiteral("Close c&ode"), m_code);
    form->addRow(QStringLiteral("&Payload"), m_payload);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *sendButton = buttons->addButton(QStringLiteral("&Send"), QDialogButtonBox::ActionRole);
    sendButton->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    sendButton->setToolTip(QStringLiteral("Inject (Ctrl+Enter)"));
    connect(sendButton, &QPushButton::clicked, this, &InjectDialog::send);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_type, &QComboBox::currentIndexChanged, this, &InjectDialog::updateFields);
    refreshConnections();
    updateFields();
}

void InjectDialog::refreshConnections()
{
    const quint64 previous = m_connection->currentData().toULongLong();
    m_connection->clear();
    const QList<quint64> ids = m_interceptor->liveConnections();
    for (quint64 id : ids)
        m_connection->addItem(m_namer ? m_namer(id) : QStringLiteral("#%1").arg(id), QVariant::fromValue(id));
    const int i = m_connection->findData(QVariant::fromValue(previous));
    if (i >= 0)
        m_connection->setCurrentIndex(i);
    if (ids.isEmpty())
        m_status->setText(QStringLiteral("No live relayed WebSocket connection. Start the relay and connect a client first."));
}

void InjectDialog::updateFields()
{
    const int type = m_type->currentIndex();
    m_code->setEnabled(type == CloseType);
    m_payload->setPlaceholderText(type == BinaryType  ? QStringLiteral("Hex bytes, e.g. 01 02 ff")
                                  : type == CloseType ? QStringLiteral("Close reason (UTF-8)")
                                  : type == PingType  ? QStringLiteral("Ping payload (up to 125 bytes)")
                                                      : QStringLiteral("Message text"));
}

bool InjectDialog::send()
{
    const quint64 id = m_connection->currentData().toULongLong();
    if (id == 0) {
        m_status->setText(QStringLiteral("Pick a live connection first."));
        return false;
    }
    const QString text = m_payload->toPlainText();
    intercept::InterceptMessage message;
    switch (m_type->currentIndex()) {
    case TextType:
        message.opcode = Opcode::Text;
        message.payload = text.toUtf8();
        break;
    case BinaryType: {
        QString compact = text;
        compact.remove(QLatin1Char(' ')).remove(QLatin1Char('\n')).remove(QLatin1Char(':'));
        const QByteArray digits = compact.toLatin1();
        if (digits.size() % 2 || QByteArray::fromHex(digits).toHex() != digits.toLower()) {
            m_status->setText(QStringLiteral("Binary payload: pairs of hex digits, e.g. 01 02 ff."));
            return false;
        }
        message.opcode = Opcode::Binary;
        message.payload = QByteArray::fromHex(digits);
        break;
    }
    case PingType:
        message.opcode = Opcode::Ping;
        message.payload = text.toUtf8();
        if (message.payload.size() > 125) {
            m_status->setText(QStringLiteral("A ping carries at most 125 bytes (RFC 6455 5.5)."));
            return false;
        }
        break;
    case CloseType:
        message = intercept::InterceptMessage::closeMessage(m_code->value(), text.toUtf8());
        break;
    }
    const Direction direction = m_direction->currentIndex() == 0 ? Direction::ClientToServer : Direction::ServerToClient;
    if (!m_interceptor->inject(id, direction, message)) {
        m_status->setText(QStringLiteral("Connection #%1 is no longer live.").arg(id));
        refreshConnections();
        return false;
    }
    m_status->setText(QStringLiteral("Injected %1 bytes into connection #%2 %3.")
                          .arg(message.payload.size())
                          .arg(id)
                          .arg(direction == Direction::ClientToServer ? QStringLiteral("toward the server")
                                                                      : QStringLiteral("toward the client")));
    return true;
}

QString InjectDialog::status() const
{
    return m_status->text();
}

} // namespace wslens::ui
