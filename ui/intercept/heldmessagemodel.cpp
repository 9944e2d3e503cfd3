#include "intercept/heldmessagemodel.h"

#include "protocol/frame.h"

namespace wslens::ui {

namespace {

QString typeName(quint8 opcode)
{
    switch (opcode) {
    case Opcode::Text: return QStringLiteral("text");
    case Opcode::Binary: return QStringLiteral("binary");
    case Opcode::Close: return QStringLiteral("close");
    case Opcode::Ping: return QStringLiteral("ping");
    case Opcode::Pong: return QStringLiteral("pong");
    default: return QStringLiteral("opcode %1").arg(opcode);
    }
}

QString preview(const intercept::HeldMessage &m)
{
    if (m.opcode == Opcode::Binary) {
        QString hex = QString::fromLatin1(m.payload.left(24).toHex(' '));
        return m.payload.size() > 24 ? hex + QStringLiteral(" …") : hex;
    }
    QString text = QString::fromUtf8(m.payload.left(200));
    text.replace(QLatin1Char('\n'), QChar(0x21b5));
    return m.payload.size() > 200 ? text + QStringLiteral("…") : text;
}

} // namespace

HeldMessageModel::HeldMessageModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void HeldMessageModel::setInterceptor(intercept::Interceptor *interceptor)
{
    disconnect(m_held);
    disconnect(m_released);
    beginResetModel();
    m_messages = interceptor ? interceptor->heldMessages() : QList<intercept::HeldMessage>();
    endResetModel();
    if (!interceptor)
        return;
    m_held = connect(interceptor, &intercept::Interceptor::messageHeld, this, &HeldMessageModel::add);
    m_released = connect(interceptor, &intercept::Interceptor::heldReleased, this,
                         [this](quint64 id, intercept::HeldOutcome) { remove(id); });
}

void HeldMessageModel::add(const intercept::HeldMessage &message)
{
    if (rowForId(message.id) >= 0)
        return;
    const int row = int(m_messages.size());
    beginInsertRows(QModelIndex(), row, row);
    m_messages.append(message);
    endInsertRows();
}

void HeldMessageModel::remove(quint64 id)
{
    const int row = rowForId(id);
    if (row < 0)
        return;
    beginRemoveRows(QModelIndex(), row, row);
    m_messages.removeAt(row);
    endRemoveRows();
}

int HeldMessageModel::rowForId(quint64 id) const
{
    for (int i = 0; i < m_messages.size(); ++i) {
        if (m_messages.at(i).id == id)
            return i;
    }
    return -1;
}

const intercept::HeldMessage *HeldMessageModel::message(int row) const
{
    return row >= 0 && row < m_messages.size() ? &m_messages.at(row) : nullptr;
}

int HeldMessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_messages.size());
}

int HeldMessageModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HeldMessageModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const intercept::HeldMessage &m = m_messages.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case IdColumn: return QString::number(m.id);
        case ConnectionColumn: return QStringLiteral("#%1 %2").arg(m.connectionId).arg(m.url);
        case DirectionColumn:
            return m.direction == Direction::ClientToServer ? QStringLiteral("→ server") : QStringLiteral("← client");
        case TypeColumn:
            return m.kind == intercept::HeldKind::HandshakeRequest    ? QStringLiteral("handshake request")
                   : m.kind == intercept::HeldKind::HandshakeResponse ? QStringLiteral("handshake response")
                                                                        : typeName(m.opcode);
        case SizeColumn: return QString::number(m.payload.size());
        case PreviewColumn: return preview(m);
        }
    } else if (role == Qt::ToolTipRole && index.column() == DirectionColumn) {
        return m.direction == Direction::ClientToServer ? QStringLiteral("Held on its way from the client to the server")
                                                        : QStringLiteral("Held on its way from the server to the client");
    } else if (role == Qt::TextAlignmentRole && (index.column() == IdColumn || index.column() == SizeColumn)) {
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant HeldMessageModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn: return QStringLiteral("#");
    case ConnectionColumn: return QStringLiteral("Connection");
    case DirectionColumn: return QStringLiteral("Direction");
    case TypeColumn: return QStringLiteral("Type");
    case SizeColumn: return QStringLiteral("Bytes");
    case PreviewColumn: return QStringLiteral("Message");
    }
    return {};
}

} // namespace wslens::ui
