#include "models/timelinemodel.h"

#include "detail/formatting.h"

#include <QBrush>
#include <QColor>

#include <algorithm>
#include <climits>

namespace wslens::ui {

namespace {
constexpr int kPreviewBytes = 96;

int clampRows(qsizetype n)
{
    return int(qMin<qsizetype>(n, INT_MAX));
}
} // namespace

TimelineModel::TimelineModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(16); // at most one insert per screen refresh
    connect(&m_flushTimer, &QTimer::timeout, this, &TimelineModel::flushPending);
}

TimelineModel::~TimelineModel() = default;

void TimelineModel::setSource(CaptureSource *source)
{
    beginResetModel();
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = source;
    m_filtered = false;
    m_rows.clear();
    m_pendingRows.clear();
    m_count = source ? source->frameCount() : 0;
    m_sourceCount = m_count;
    if (source) {
        connect(source, &CaptureSource::framesAppended, this, &TimelineModel::onFramesAppended);
        connect(source, &CaptureSource::reset, this, &TimelineModel::onSourceReset);
    }
    endResetModel();
}

void TimelineModel::onFramesAppended(qsizetype first, qsizetype count)
{
    m_sourceCount = qMax(m_sourceCount, first + count);
    if (!m_filtered)
        scheduleFlush();
}

void TimelineModel::onSourceReset()
{
    beginResetModel();
    m_rows.clear();
    m_pendingRows.clear();
    m_count = m_source ? m_source->frameCount() : 0;
    m_sourceCount = m_count;
    endResetModel();
}

void TimelineModel::scheduleFlush()
{
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

qsizetype TimelineModel::pendingCount() const
{
    return m_filtered ? qsizetype(m_pendingRows.size()) : m_sourceCount - m_count;
}

void TimelineModel::flushPending()
{
    m_flushTimer.stop();
    if (m_filtered) {
        if (m_pendingRows.empty())
            return;
        const int first = rowCount();
        const qsizetype room = INT_MAX - qsizetype(m_rows.size());
        const qsizetype n = qMin<qsizetype>(qsizetype(m_pendingRows.size()), room);
        if (n <= 0)
            return;
        beginInsertRows(QModelIndex(), first, first + int(n) - 1);
        m_rows.insert(m_rows.end(), m_pendingRows.begin(), m_pendingRows.begin() + n);
        m_pendingRows.clear();
        endInsertRows();
        emit rowsAppended(int(n));
        return;
    }
    const qsizetype target = qMin<qsizetype>(m_sourceCount, INT_MAX);
    if (target <= m_count)
        return;
    const int first = int(m_count);
    const int last = int(target - 1);
    beginInsertRows(QModelIndex(), first, last);
    m_count = target;
    endInsertRows();
    emit rowsAppended(last - first + 1);
}

void TimelineModel::setFilteredRows(std::vector<quint32> rows, qsizetype covered)
{
    Q_UNUSED(covered);
    beginResetModel();
    m_filtered = true;
    m_rows = std::move(rows);
    if (m_rows.size() > size_t(INT_MAX))
        m_rows.resize(size_t(INT_MAX));
    m_pendingRows.clear();
    endResetModel();
}

void TimelineModel::appendFilteredRows(const std::vector<quint32> &rows)
{
    if (!m_filtered || rows.empty())
        return;
    m_pendingRows.insert(m_pendingRows.end(), rows.begin(), rows.end());
    scheduleFlush();
}

void TimelineModel::clearFilter()
{
    if (!m_filtered)
        return;
    beginResetModel();
    m_filtered = false;
    m_rows.clear();
    m_rows.shrink_to_fit();
    m_pendingRows.clear();
    m_count = qMin<qsizetype>(m_sourceCount, INT_MAX);
    endResetModel();
}

int TimelineModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return m_filtered ? clampRows(qsizetype(m_rows.size())) : clampRows(m_count);
}

int TimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

qsizetype TimelineModel::sourceIndex(int row) const
{
    if (row < 0 || row >= rowCount())
        return -1;
    return m_filtered ? qsizetype(m_rows[size_t(row)]) : qsizetype(row);
}

int TimelineModel::rowForSourceIndex(qsizetype src) const
{
    if (src < 0)
        return -1;
    if (!m_filtered)
        return src < m_count ? int(src) : -1;
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), quint32(src));
    if (it == m_rows.end() || qsizetype(*it) != src)
        return -1;
    return int(it - m_rows.begin());
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QVariant();
    if (role == Qt::DisplayRole) {
        switch (section) {
        case SeqColumn: return tr("#");
        case TimeColumn: return tr("Time");
        case ConnectionColumn: return tr("Conn");
        case DirectionColumn: return tr("Dir");
        case TypeColumn: return tr("Type");
        case FlagsColumn: return tr("Flags");
        case LengthColumn: return tr("Length");
        case MarkColumn: return tr("!");
        case PreviewColumn: return tr("Preview");
        }
    } else if (role == Qt::ToolTipRole) {
        switch (section) {
        case DirectionColumn: return tr("→ client to server, ← server to client");
        case FlagsColumn: return tr("FIN and RSV1-3 bits as on the wire");
        case LengthColumn: return tr("Payload length on the wire");
        case MarkColumn: return tr("⚠ protocol violation, ✎ edited, dropped or injected");
        }
    }
    return QVariant();
}

QString TimelineModel::displayText(qsizetype src, int column) const
{
    const FrameFacts s = m_source->summary(src);
    switch (column) {
    case SeqColumn: return QString::number(s.seq + 1);
    case TimeColumn: return fmt::timeOfDay(s.timestampUs);
    case ConnectionColumn: return QString::number(s.connectionId);
    case DirectionColumn: return fmt::directionArrow(s.direction);
    case TypeColumn: return s.unparsed ? tr("raw") : fmt::opcodeName(s.opcode);
    case FlagsColumn: return s.unparsed ? QString() : fmt::flagsText(s.fin, s.rsv);
    case LengthColumn: return QString::number(s.payloadLength);
    case MarkColumn: {
        QString mark;
        if (s.violation != Violation::None)
            mark += QChar(0x26A0); // ⚠
        if (s.edit != EditMark::None)
            mark += QChar(0x270E); // ✎
        return mark;
    }
    case PreviewColumn: {
        const qint64 total = s.hasMessage ? qint64(s.messageLength) : qint64(s.payloadLength);
        const quint8 op = s.unparsed ? quint8(Opcode::Binary) : s.opcode;
        return fmt::preview(op, m_source->preview(src, kPreviewBytes), total);
    }
    }
    return QString();
}

QVariant TimelineModel::data(const QModelIndex &index, int role) const
{
    if (!m_source || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const qsizetype src = sourceIndex(index.row());
    if (src < 0)
        return QVariant();
    switch (role) {
    case Qt::DisplayRole:
        return displayText(src, index.column());
    case Qt::ToolTipRole: {
        const FrameFacts s = m_source->summary(src);
        if (index.column() == MarkColumn || index.column() == PreviewColumn) {
            QStringList lines;
            if (s.violation != Violation::None)
                lines << tr("Violation: %1").arg(QString::fromUtf8(violationInfo(s.violation).rule));
            if (s.edit != EditMark::None)
                lines << tr("Edited: %1").arg(fmt::editName(s.edit));
            if (!lines.isEmpty())
                return lines.join(QLatin1Char('\n'));
        }
        return QVariant();
    }
    case Qt::TextAlignmentRole:
        if (index.column() == SeqColumn || index.column() == LengthColumn || index.column() == ConnectionColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (index.column() == DirectionColumn || index.column() == MarkColumn)
            return int(Qt::AlignCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole: {
        const FrameFacts s = m_source->summary(src);
        if (index.column() == MarkColumn && s.violation != Violation::None)
            return QBrush(QColor(0xd9, 0x3f, 0x3f));
        if (index.column() == MarkColumn && s.edit != EditMark::None)
            return QBrush(QColor(0xc2, 0x7c, 0x0e));
        if (index.column() == DirectionColumn)
            return QBrush(s.direction == Direction::ClientToServer ? QColor(0x3d, 0x8b, 0xfd) : QColor(0x2f, 0xa3, 0x44));
        if (!s.unparsed && Opcode::isControl(s.opcode))
            return QBrush(QColor(0x80, 0x80, 0x80)); // control frames dimmed
        return QVariant();
    }
    case Qt::BackgroundRole: {
        const FrameFacts s = m_source->summary(src);
        if (s.violation != Violation::None)
            return QBrush(QColor(0xd9, 0x3f, 0x3f, 40));
        if (s.edit != EditMark::None)
            return QBrush(QColor(0xe0, 0xa0, 0x20, 36));
        return QVariant();
    }
    case SourceIndexRole:
        return QVariant::fromValue(qlonglong(src));
    case ConnectionIdRole:
        return QVariant::fromValue(qulonglong(m_source->summary(src).connectionId));
    case OpcodeRole:
        return int(m_source->summary(src).opcode);
    case ViolationRole:
        return int(m_source->summary(src).violation);
    }
    return QVariant();
}

} // namespace wslens::ui
