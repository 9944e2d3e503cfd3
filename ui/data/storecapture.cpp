#include "data/storecapture.h"

#include "store/capturestore.h"

#include <QFileInfo>

namespace wslens::ui {

StoreCapture::StoreCapture(std::unique_ptr<CaptureStore> store, QObject *parent)
    : CaptureSource(parent)
    , m_store(std::move(store))
{
    connect(m_store.get(), &CaptureStore::framesAppended, this, &StoreCapture::onFramesAppended, Qt::QueuedConnection);
    connect(m_store.get(), &CaptureStore::connectionsAdded, this, &StoreCapture::onConnectionsAdded, Qt::QueuedConnection);
    connect(m_store.get(), &CaptureStore::connectionsChanged, this, &StoreCapture::onConnectionsChanged, Qt::QueuedConnection);
    m_published = qsizetype(m_store->frameCount());
}

StoreCapture::~StoreCapture() = default;

CaptureSink *StoreCapture::sink() const
{
    return m_store.get();
}

void StoreCapture::catchUp()
{
    const qsizetype n = qsizetype(m_store->frameCount());
    if (n > m_published)
        onFramesAppended(quint64(m_published), quint64(n - m_published));
}

void StoreCapture::onFramesAppended(quint64 first, quint64 count)
{
    const qsizetype end = qsizetype(first + count);
    if (end <= m_published)
        return; // already announced by catchUp()
    const qsizetype from = m_published;
    m_published = end;
    emit framesAppended(from, end - from);
}

void StoreCapture::onConnectionsAdded(int first, int count)
{
    for (int i = first; i < first + count; ++i)
        emit connectionChanged(m_store->connectionAt(i).id);
}

void StoreCapture::onConnectionsChanged(const QList<quint64> &ids)
{
    for (quint64 id : ids)
        emit connectionChanged(id);
}

FrameFacts StoreCapture::summary(qsizetype index) const
{
    FrameFacts s;
    if (index < 0 || quint64(index) >= m_store->frameCount())
        return s;
    const wslens::FrameSummary f = m_store->summary(quint64(index));
    s.connectionId = f.connectionId;
    s.seq = f.row;
    s.timestampUs = f.timestampUs;
    s.payloadLength = f.wireLength;
    s.messageLength = f.messageSize;
    s.opcode = f.opcode;
    s.rsv = f.rsv;
    s.fin = f.fin;
    s.masked = f.masked;
    s.hasMessage = f.hasMessage;
    s.unparsed = f.unparsed;
    s.direction = f.direction;
    s.violation = f.violation;
    s.edit = f.edit;
    return s;
}

QByteArray StoreCapture::preview(qsizetype index, int maxBytes) const
{
    if (index < 0 || quint64(index) >= m_store->frameCount())
        return {};
    const wslens::FrameSummary f = m_store->summary(quint64(index));
    const quint32 full = f.hasMessage ? f.messageSize : f.payloadSize;
    if (full <= quint32(f.previewSize) || quint64(f.payloadSize) + f.messageSize > kPreviewReadLimit)
        return f.previewBytes().left(maxBytes);
    {
        QMutexLocker locker(&m_cacheLock);
        if (const QByteArray *cached = m_previewCache.object(index))
            return cached->left(maxBytes);
    }
    FrameRecord record;
    if (!m_store->readFrame(quint64(index), &record))
        return f.previewBytes().left(maxBytes);
    const QByteArray bytes = (record.hasMessage ? record.message : record.payload).left(256);
    QMutexLocker locker(&m_cacheLock);
    m_previewCache.insert(index, new QByteArray(bytes));
    return bytes.left(maxBytes);
}

QByteArray StoreCapture::searchBytes(qsizetype index) const
{
    FrameRecord record;
    if (index < 0 || !m_store->readFrame(quint64(index), &record))
        return {};
    return record.hasMessage ? record.message : record.payload;
}

qsizetype StoreCapture::scanSearchBytes(qsizetype from, qsizetype to,
                                        const std::function<bool(qsizetype, const QByteArray &)> &fn) const
{
    // The store reads the session file in large blocks (one place knows the format).
    if (from < 0 || to <= from)
        return qMax<qsizetype>(from, 0);
    const quint64 stop = m_store->scanPayloads(quint64(from), quint64(to), [&fn](quint64 row, QByteArrayView bytes) {
        return fn(qsizetype(row), QByteArray::fromRawData(bytes.constData(), bytes.size()));
    });
    return qsizetype(stop);
}

std::optional<FrameRecord> StoreCapture::frame(qsizetype index) const
{
    FrameRecord record;
    if (index < 0 || !m_store->readFrame(quint64(index), &record))
        return std::nullopt;
    return record;
}

QList<ConnectionInfo> StoreCapture::connections() const
{
    return m_store->connections();
}

std::optional<ConnectionInfo> StoreCapture::connection(quint64 id) const
{
    ConnectionInfo c = m_store->connection(id);
    if (c.id == 0)
        return std::nullopt;
    return c;
}

QString StoreCapture::filePath() const
{
    return m_store->filePath();
}

qint64 StoreCapture::fileSize() const
{
    const QString path = m_store->filePath();
    return path.isEmpty() ? 0 : QFileInfo(path).size();
}

} // namespace wslens::ui
