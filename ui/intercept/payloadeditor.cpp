#include "intercept/payloadeditor.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

#include <cctype>

namespace wslens::ui {

namespace {

bool parseHex(const QString &text, QByteArray *out)
{
    QByteArray digits;
    digits.reserve(text.size());
    for (const QChar c : text) {
        if (c.isSpace())
            continue;
        if (!std::isxdigit(static_cast<unsigned char>(c.toLatin1())) || c.unicode() > 0x7f)
            return false;
        digits.append(char(c.toLatin1()));
    }
    if (digits.size() % 2)
        return false;
    *out = QByteArray::fromHex(digits);
    return true;
}

QString toHexLines(const QByteArray &bytes)
{
    QString out;
    for (qsizetype i = 0; i < bytes.size(); i += 16) {
        if (i)
            out += QLatin1Char('\n');
        out += QString::fromLatin1(bytes.mid(i, 16).toHex(' '));
    }
    return out;
}

} // namespace

PayloadEditor::PayloadEditor(QWidget *parent)
    : QWidget(parent)
    , m_viewCombo(new QComboBox(this))
    , m_edit(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
{
    m_viewCombo->addItems({QStringLiteral("Text"), QStringLiteral("JSON"), QStringLiteral("Hex")});
    m_viewCombo->setToolTip(QStringLiteral("Edit the message as text, as JSON (checked as you type) or as hex bytes"));
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_status->setObjectName(QStringLiteral("payloadStatus"));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(QStringLiteral("Edit as"), this));
    top->addWidget(m_viewCombo);
    top->addWidget(m_status, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_edit, 1);

    connect(m_viewCombo, &QComboBox::currentIndexChanged, this, [this](int i) { setView(View(i)); });
    connect(m_edit, &QPlainTextEdit::textChanged, this, [this] {
        check();
        emit edited();
    });
}

void PayloadEditor::setPayload(const QByteArray &payload, bool binary)
{
    m_original = payload;
    View view = binary ? View::Hex : View::Text;
    if (!binary) {
        QJsonParseError e{};
        const QJsonDocument doc = QJsonDocument::fromJson(payload, &e);
        if (e.error == QJsonParseError::NoError && !doc.isNull())
            view = View::Json;
    }
    m_view = view;
    const QSignalBlocker block(m_viewCombo);
    m_viewCombo->setCurrentIndex(int(view));
    if (view == View::Hex) {
        m_edit->setPlainText(toHexLines(payload));
    } else if (view == View::Json) {
        m_edit->setPlainText(QString::fromUtf8(QJsonDocument::fromJson(payload).toJson(QJsonDocument::Indented)).trimmed());
    } else {
        m_edit->setPlainText(QString::fromUtf8(payload));
    }
    m_edit->document()->setModified(false);
    check();
}

void PayloadEditor::clear()
{
    m_original.clear();
    m_edit->clear();
    m_status->clear();
}

void PayloadEditor::setView(View view)
{
    if (view == m_view)
        return;
    QByteArray bytes;
    QString error;
    if (!payload(&bytes, &error)) { // keep the view the text is valid in
        const QSignalBlocker block(m_viewCombo);
        m_viewCombo->setCurrentIndex(int(m_view));
        m_status->setText(QStringLiteral("Fix this first: %1").arg(error));
        return;
    }
    const bool modified = isModified();
    m_view = view;
    {
        const QSignalBlocker block(m_viewCombo);
        m_viewCombo->setCurrentIndex(int(view));
    }
    if (view == View::Hex) {
        m_edit->setPlainText(toHexLines(bytes));
    } else if (view == View::Json) {
        QJsonParseError e{};
        const QJsonDocument doc = QJsonDocument::fromJson(bytes, &e);
        m_edit->setPlainText(e.error == QJsonParseError::NoError ? QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed()
                                                                 : QString::fromUtf8(bytes));
    } else {
        m_edit->setPlainText(QString::fromUtf8(bytes));
    }
    m_edit->document()->setModified(modified);
    check();
}

bool PayloadEditor::payload(QByteArray *out, QString *error) const
{
    const QString text = m_edit->toPlainText();
    switch (m_view) {
    case View::Hex:
        if (!parseHex(text, out)) {
            *error = QStringLiteral("hex needs pairs of digits 0-9 a-f");
            return false;
        }
        return true;
    case View::Json: {
        QJsonParseError e{};
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &e);
        if (e.error != QJsonParseError::NoError || doc.isNull()) {
            *error = QStringLiteral("not valid JSON: %1 at offset %2").arg(e.errorString()).arg(e.offset);
            return false;
        }
        // Unchanged text keeps the original bytes (compact or not, key order as sent).
        if (!m_edit->document()->isModified() && !m_original.isEmpty()) {
            *out = m_original;
            return true;
        }
        *out = doc.toJson(QJsonDocument::Compact);
        return true;
    }
    case View::Text:
        *out = text.toUtf8();
        return true;
    }
    return false;
}

bool PayloadEditor::isModified() const
{
    QByteArray bytes;
    QString error;
    if (!payload(&bytes, &error))
        return true;
    return bytes != m_original;
}

QString PayloadEditor::problem() const
{
    QByteArray bytes;
    QString error;
    return payload(&bytes, &error) ? QString() : error;
}

void PayloadEditor::check()
{
    QByteArray bytes;
    QString error;
    if (!payload(&bytes, &error)) {
        m_status->setText(QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(error.toHtmlEscaped()));
        return;
    }
    m_status->setText(QStringLiteral("%1 bytes%2%3")
                          .arg(bytes.size())
                          .arg(m_view == View::Json ? QStringLiteral(", valid JSON") : QString())
                          .arg(bytes != m_original ? QStringLiteral(", edited") : QString()));
}

} // namespace wslens::ui
