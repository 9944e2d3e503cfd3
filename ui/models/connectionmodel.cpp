#include "models/connectionmodel.h"

#include "detail/formatting.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

namespace wslens::ui {

ConnectionModel::ConnectionModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_refresh.setSingleShot(true);
    m_refresh.setInterval(250);
    connect(&m_refresh, &QTimer::timeout, this, &ConnectionModel::flushPending);
}

void ConnectionModel::setSource(CaptureSource *source)
{
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = source;
    if (source) {
        connect(source, &CaptureSource::connectionChanged, this, &ConnectionModel::onConnectionChanged);
        connect(source, &CaptureSource::framesAppended, this, &ConnectionModel::onFramesAppended);
        connect(source, &CaptureSource::reset, this, &ConnectionModel::reload);
    }
    reload();
}

void ConnectionModel::reload()
{
    beginResetModel();
    m_connections = m_source ? m_source->connections() : QList<ConnectionInfo>();
    m_rowById.clear();
    for (int i = 0; i < m_connections.size(); ++i)
        m_rowById.insert(m_connections[i].id, i);
    m_stats.clear();
    m_dirtyRows.clear();
    if (m_source)
        countFrames(0, m_source->frameCount());
    endResetModel();
}

void ConnectionModel::countFrames(qsizetype first, qsizetype count)
{
    for (qsizetype i = first; i < first + count; ++i) {
        const FrameFacts s = m_source->summary(i);
        Stats &st = m_stats[s.connectionId];
        ++st.frames;
        st.bytes += s.payloadLength;
    }
}

void ConnectionModel::onConnectionChanged(quint64 id)
{
    const std::optional<ConnectionInfo> info = m_source->connection(id);
    if (!info)
        return;
    const auto it = m_rowById.constFind(id);
    if (it != m_rowById.constEnd()) {
        m_connections[*it] = *info;
        m_dirtyRows.insert(*it);
        if (!m_refresh.isActive())
            m_refresh.start();
        return;
    }
    const int row = int(m_connections.size());
    beginInsertRows(QModelIndex(), row, row);
    m_connections.append(*info);
    m_rowById.insert(id, row);
    endInsertRows();
}

void ConnectionModel::onFramesAppended(qsizetype first, qsizetype count)
{
    QSet<quint64> touched;
    for (qsizetype i = first; i < first + count; ++i) {
        const FrameFacts s = m_source->summary(i);
        Stats &st = m_stats[s.connectionId];
        ++st.frames;
        st.bytes += s.payloadLength;
        if (touched.size() < 64)
            touched.insert(s.connectionId);
    }
    for (quint64 id : std::as_const(touched)) {
        const auto it = m_rowById.constFind(id);
        if (it != m_rowById.constEnd())
            m_dirtyRows.insert(*it);
    }
    if (!m_dirtyRows.isEmpty() && !m_refresh.isActive())
        m_refresh.start();
}

void ConnectionModel::flushPending()
{
    m_refresh.stop();
    if (m_dirtyRows.isEmpty())
        return;
    int lo = INT_MAX, hi = -1;
    for (int r : std::as_const(m_dirtyRows)) {
        lo = qMin(lo, r);
        hi = qMax(hi, r);
    }
    m_dirtyRows.clear();
    if (hi >= 0 && hi < m_connections.size())
        emit dataChanged(index(lo, 0), index(hi, ColumnCount - 1));
}

int ConnectionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_connections.size());
}

int ConnectionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

quint64 ConnectionModel::connectionId(int row) const
{
    return row >= 0 && row < m_connections.size() ? m_connections[row].id : 0;
}

int ConnectionModel::rowForConnection(quint64 id) const
{
    return m_rowById.value(id, -1);
}

ConnectionInfo ConnectionModel::info(int row) const
{
    return row >= 0 && row < m_connections.size() ? m_connections[row] : ConnectionInfo();
}

int ConnectionModel::openConnections() const
{
    int n = 0;
    for (const ConnectionInfo &c : m_connections)
        if (c.closedUs == 0 && c.error.isEmpty())
            ++n;
    return n;
}

QString ConnectionModel::stateText(const ConnectionInfo &c)
{
    if (!c.error.isEmpty())
        return tr("failed");
    if (c.closedUs != 0)
        return tr("closed");
    if (c.handshakeDoneUs != 0)
        return tr("open");
    return tr("connecting");
}

static QString closeText(const ConnectionInfo &c)
{
    auto code = [](int v) { return v < 0 ? QStringLiteral("—") : QString::number(v); };
    if (c.clientCloseCode < 0 && c.serverCloseCode < 0)
        return QString();
    return code(c.clientCloseCode) % QStringLiteral(" / ") % code(c.serverCloseCode);
}

QVariant ConnectionModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const ConnectionInfo &c = m_connections[index.row()];
    const Stats st = m_stats.value(c.id);
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case IdColumn: return QString::number(c.id);
        case UrlColumn: return c.url;
        case ModeColumn:
            if (c.mode == ConnectionMode::Replay && c.replayOf)
                return tr("replay of #%1").arg(c.replayOf); // the run's link to what it replays
            return fmt::connectionModeName(c.mode);
        case StateColumn: return stateText(c);
        case FramesColumn: return QString::number(st.frames);
        case BytesColumn: return fmt::bytes(qint64(st.bytes));
        case DurationColumn: {
            if (c.openedUs <= 0)
                return QString();
            const qint64 end = c.closedUs ? c.closedUs : QDateTime::currentMSecsSinceEpoch() * 1000;
            return fmt::duration(end - c.openedUs);
        }
        case CloseColumn: return closeText(c);
        case ErrorColumn: return c.error;
        }
    } else if (role == Qt::ToolTipRole) {
        if (index.column() == CloseColumn) {
            QStringList lines;
            if (c.clientCloseCode >= 0)
                lines << tr("client: %1 %2").arg(c.clientCloseCode).arg(c.clientCloseReason);
            if (c.serverCloseCode >= 0)
                lines << tr("server: %1 %2").arg(c.serverCloseCode).arg(c.serverCloseReason);
            return lines.join(QLatin1Char('\n'));
        }
        if (index.column() == UrlColumn)
            return c.url;
        if (index.column() == ErrorColumn && !c.error.isEmpty())
            return c.error;
    } else if (role == Qt::TextAlignmentRole) {
        if (index.column() == IdColumn || index.column() == FramesColumn || index.column() == BytesColumn
            || index.column() == DurationColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
    } else if (role == Qt::ForegroundRole) {
        if (index.column() == StateColumn || index.column() == ErrorColumn) {
            if (!c.error.isEmpty())
                return QBrush(QColor(0xd9, 0x3f, 0x3f));
            if (c.closedUs == 0 && c.handshakeDoneUs != 0 && index.column() == StateColumn)
                return QBrush(QColor(0x2f, 0xa3, 0x44));
        }
    } else if (role == ConnectionIdRole) {
        return QVariant::fromValue(qulonglong(c.id));
    }
    return QVariant();
}

QVariant ConnectionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QVariant();
    switch (section) {
    case IdColumn: return tr("ID");
    case UrlColumn: return tr("URL");
    case ModeColumn: return tr("Mode");
    case StateColumn: return tr("State");
    case FramesColumn: return tr("Frames");
    case BytesColumn: return tr("Bytes");
    case DurationColumn: return tr("Duration");
    case CloseColumn: return tr("Close c/s");
    case ErrorColumn: return tr("Error");
    }
    return QVariant();
}

} // namespace wslens::ui
