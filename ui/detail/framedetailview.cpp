#include "detail/framedetailview.h"

#include "detail/formatting.h"

#include <QColor>
#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace wslens::ui {

namespace {

QPlainTextEdit *makeTextView(QWidget *parent, const QString &name)
{
    auto *view = new QPlainTextEdit(parent);
    view->setObjectName(name);
    view->setReadOnly(true);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    return view;
}

constexpr int kMaxJsonNodes = 20000;

void addJson(QTreeWidgetItem *parent, const QString &key, const QJsonValue &value, int &budget)
{
    if (--budget < 0)
        return;
    auto *item = new QTreeWidgetItem(parent);
    item->setText(0, key);
    switch (value.type()) {
    case QJsonValue::Object: {
        const QJsonObject o = value.toObject();
        item->setText(1, QStringLiteral("{%1}").arg(o.size()));
        for (auto it = o.begin(); it != o.end(); ++it)
            addJson(item, it.key(), it.value(), budget);
        break;
    }
    case QJsonValue::Array: {
        const QJsonArray a = value.toArray();
        item->setText(1, QStringLiteral("[%1]").arg(a.size()));
        for (int i = 0; i < a.size(); ++i)
            addJson(item, QString::number(i), a.at(i), budget);
        break;
    }
    case QJsonValue::String:
        item->setText(1, QLatin1Char('"') % value.toString() % QLatin1Char('"'));
        break;
    case QJsonValue::Double:
        item->setText(1, QString::number(value.toDouble(), 'g', 17));
        break;
    case QJsonValue::Bool:
        item->setText(1, value.toBool() ? QStringLiteral("true") : QStringLiteral("false"));
        break;
    case QJsonValue::Null:
        item->setText(1, QStringLiteral("null"));
        break;
    default:
        break;
    }
}

QString yesNo(bool b)
{
    return b ? QStringLiteral("yes") : QStringLiteral("no");
}

} // namespace

FrameDetailView::FrameDetailView(QWidget *parent)
    : QWidget(parent)
    , m_tabs(new QTabWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);
    m_tabs->setDocumentMode(true);

    m_text = makeTextView(this, QStringLiteral("detailText"));
    m_tabs->addTab(m_text, tr("Text"));

    auto *jsonPage = new QWidget(this);
    auto *jsonLayout = new QVBoxLayout(jsonPage);
    jsonLayout->setContentsMargins(0, 0, 0, 0);
    m_jsonStatus = new QLabel(jsonPage);
    m_jsonStatus->setContentsMargins(6, 3, 6, 3);
    auto *jsonSplit = new QSplitter(Qt::Horizontal, jsonPage);
    m_json = makeTextView(jsonSplit, QStringLiteral("detailJson"));
    m_json->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_jsonTree = new QTreeWidget(jsonSplit);
    m_jsonTree->setObjectName(QStringLiteral("detailJsonTree"));
    m_jsonTree->setHeaderLabels({tr("Key"), tr("Value")});
    m_jsonTree->setUniformRowHeights(true);
    jsonSplit->addWidget(m_json);
    jsonSplit->addWidget(m_jsonTree);
    jsonLayout->addWidget(m_jsonStatus);
    jsonLayout->addWidget(jsonSplit, 1);
    m_tabs->addTab(jsonPage, tr("JSON"));

    m_hex = makeTextView(this, QStringLiteral("detailHex"));
    m_hex->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_tabs->addTab(m_hex, tr("Hex"));

    m_fields = new QTreeWidget(this);
    m_fields->setObjectName(QStringLiteral("detailFrame"));
    m_fields->setHeaderLabels({tr("Field"), tr("Value")});
    m_fields->setRootIsDecorated(false);
    m_fields->setUniformRowHeights(true);
    m_fields->setWordWrap(true);
    m_fields->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tabs->addTab(m_fields, tr("Frame"));

    m_handshake = makeTextView(this, QStringLiteral("detailHandshake"));
    m_tabs->addTab(m_handshake, tr("Handshake"));
    clear();
}

void FrameDetailView::clear()
{
    m_text->setPlainText(QString());
    m_text->setPlaceholderText(tr("Select a frame to see its contents."));
    m_json->clear();
    m_jsonTree->clear();
    m_jsonStatus->setText(tr("No frame selected."));
    m_hex->clear();
    m_fields->clear();
    m_handshake->clear();
}

void FrameDetailView::showConnection(const ConnectionInfo &connection)
{
    clear();
    m_handshake->setPlainText(handshakeText(connection));
}

void FrameDetailView::showFrame(const FrameRecord &frame, const ConnectionInfo &connection)
{
    const QByteArray &content = frame.hasMessage ? frame.message : frame.payload;
    QString text;
    if (frame.header.opcode == Opcode::Close && !frame.unparsed)
        text = tr("Close: %1").arg(fmt::closeSummary(frame.payload));
    else
        text = fmt::text(content.left(kMaxTextBytes));
    if (content.size() > kMaxTextBytes)
        text += tr("\n… %1 more bytes (see Hex, or copy the frame)").arg(content.size() - kMaxTextBytes);
    if (frame.edit != EditMark::None && !frame.original.isEmpty())
        text += tr("\n\n── original (%1) ──\n").arg(fmt::editName(frame.edit)) % fmt::text(frame.original.left(kMaxTextBytes));
    if (!frame.hasMessage && (frame.header.opcode == Opcode::Text || frame.header.opcode == Opcode::Binary
                              || frame.header.opcode == Opcode::Continuation) && !frame.header.fin)
        m_text->setPlaceholderText(tr("Fragment of a message; the message appears on its final frame."));
    m_text->setPlainText(text);

    fillJson(content);
    m_hex->setPlainText(fmt::hexDump(frame.payload, kMaxHexBytes));
    fillFrameFields(frame, connection);
    m_handshake->setPlainText(handshakeText(connection));
}

void FrameDetailView::fillJson(const QByteArray &bytes)
{
    m_json->clear();
    m_jsonTree->clear();
    if (bytes.isEmpty()) {
        m_jsonStatus->setText(tr("Empty payload."));
        return;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes.left(16 << 20), &error);
    if (error.error != QJsonParseError::NoError) {
        m_jsonStatus->setText(tr("Not JSON: %1 at offset %2").arg(error.errorString()).arg(error.offset));
        return;
    }
    m_jsonStatus->setText(tr("Valid JSON"));
    m_json->setPlainText(QString::fromUtf8(doc.toJson(QJsonDocument::Indented)));
    int budget = kMaxJsonNodes;
    auto *root = m_jsonTree->invisibleRootItem();
    if (doc.isObject())
        addJson(root, QStringLiteral("(root)"), doc.object(), budget);
    else
        addJson(root, QStringLiteral("(root)"), doc.array(), budget);
    if (budget < 0)
        m_jsonStatus->setText(tr("Valid JSON (tree shows the first %1 nodes)").arg(kMaxJsonNodes));
    m_jsonTree->expandToDepth(1);
    m_jsonTree->resizeColumnToContents(0);
}

void FrameDetailView::fillFrameFields(const FrameRecord &f, const ConnectionInfo &c)
{
    m_fields->clear();
    auto add = [this](const QString &field, const QString &value) {
        auto *item = new QTreeWidgetItem(m_fields, {field, value});
        item->setToolTip(1, value);
        return item;
    };
    add(tr("Connection"), c.url.isEmpty() ? QString::number(f.connectionId)
                                          : QStringLiteral("%1 — %2").arg(f.connectionId).arg(c.url));
    add(tr("Sequence"), QString::number(f.seq));
    add(tr("Direction"), fmt::directionName(f.direction));
    add(tr("Timestamp"), fmt::dateTime(f.timestampUs));
    if (f.unparsed) {
        add(tr("Unparsed"), tr("raw bytes recorded after framing was lost; no header"));
        add(tr("Byte count"), QString::number(f.payload.size()));
    } else {
        const FrameHeader &h = f.header;
        add(tr("FIN"), h.fin ? QStringLiteral("1") : QStringLiteral("0"));
        add(tr("RSV1"), (h.rsv & Rsv::Rsv1) ? QStringLiteral("1 (compressed)") : QStringLiteral("0"));
        add(tr("RSV2"), (h.rsv & Rsv::Rsv2) ? QStringLiteral("1") : QStringLiteral("0"));
        add(tr("RSV3"), (h.rsv & Rsv::Rsv3) ? QStringLiteral("1") : QStringLiteral("0"));
        add(tr("Opcode"), QStringLiteral("0x%1 (%2)").arg(h.opcode, 0, 16).arg(fmt::opcodeName(h.opcode)));
        add(tr("Masked"), yesNo(h.masked));
        add(tr("Mask key"), h.masked ? QStringLiteral("%1").arg(h.maskKey, 8, 16, QLatin1Char('0')) : QStringLiteral("—"));
        add(tr("Payload length"), QString::number(h.payloadLength));
        const char *enc[] = {"7-bit", "16-bit", "64-bit"};
        add(tr("Length encoding"), QLatin1String(enc[qMin<int>(int(h.lengthEncoding), 2)]));
        add(tr("Header length"), tr("%1 bytes").arg(h.headerLength));
        if (h.opcode == Opcode::Close)
            add(tr("Close"), fmt::closeSummary(f.payload));
    }
    add(tr("Captured payload"), tr("%1 bytes").arg(f.payload.size()));
    if (f.hasMessage)
        add(tr("Message"), tr("%1 bytes (decoded)").arg(f.message.size()));
    if (f.violation != Violation::None) {
        const ViolationInfo &v = violationInfo(f.violation);
        auto *item = add(tr("Violation"), QStringLiteral("%1 — %2 (a strict peer closes with %3)")
                                              .arg(QString::fromLatin1(v.id), QString::fromUtf8(v.rule))
                                              .arg(v.closeCode));
        item->setForeground(1, QColor(0xd9, 0x3f, 0x3f));
    } else {
        add(tr("Violation"), tr("none"));
    }
    if (f.edit != EditMark::None)
        add(tr("Edit"), tr("%1; original %2 bytes").arg(fmt::editName(f.edit)).arg(f.original.size()));
}

QString FrameDetailView::handshakeText(const ConnectionInfo &c)
{
    QString out;
    const QByteArray target = c.requestTarget.isEmpty() ? QByteArrayLiteral("/") : c.requestTarget;
    out += QString::fromLatin1(c.requestMethod) % QLatin1Char(' ') % QString::fromLatin1(target)
        % QStringLiteral(" HTTP/1.1\n");
    for (const auto &h : c.requestHeaders)
        out += QString::fromLatin1(h.first) % QStringLiteral(": ") % QString::fromLatin1(h.second) % QLatin1Char('\n');
    out += QLatin1Char('\n');
    if (c.responseStatus > 0) {
        out += QStringLiteral("HTTP/1.1 %1 ").arg(c.responseStatus) % QString::fromLatin1(c.responseReason)
            % QLatin1Char('\n');
        for (const auto &h : c.responseHeaders)
            out += QString::fromLatin1(h.first) % QStringLiteral(": ") % QString::fromLatin1(h.second) % QLatin1Char('\n');
    } else {
        out += tr("(no response yet)\n");
    }
    out += QLatin1Char('\n');
    out += tr("# client %1, server %2\n").arg(c.clientEndpoint, c.serverEndpoint);
    if (!c.subprotocol.isEmpty())
        out += tr("# subprotocol %1\n").arg(QString::fromLatin1(c.subprotocol));
    if (!c.extensions.isEmpty())
        out += tr("# extensions %1\n").arg(QString::fromLatin1(c.extensions));
    if (c.handshakeDoneUs > 0 && c.openedUs > 0)
        out += tr("# handshake took %1\n").arg(fmt::duration(c.handshakeDoneUs - c.openedUs));
    if (c.insecureUpstream)
        out += tr("# TLS: upstream certificate NOT verified (insecure upstream setting)\n");
    else if (c.tls)
        out += tr("# TLS: yes\n");
    if (!c.error.isEmpty())
        out += tr("# error: %1\n").arg(c.error);
    return out;
}

} // namespace wslens::ui
