#include "data/storecapture.h"

#include "store/capturestore.h"
#include "store/sessionformat.h"

#include <QFile>
#include <QtEndian>

#include <cstring>

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

namespace {

// Reads a session file front to back in large blocks. The records were
// validated (crc included) when the store indexed or wrote them, so this only
// walks the framing; anything odd ends the walk.
class RecordWalker
{
public:
    explicit RecordWalker(QFile &file) : m_file(file) { m_buf.resize(8 << 20); }

    // The record at offset: type, body and body length; false at the end.
    bool next(quint64 offset, quint8 *type, const char **body, quint32 *bodySize)
    {
        if (!ensure(offset, session::kRecordOverhead))
            return false;
        const quint32 size = qFromLittleEndian<quint32>(at(offset));
        if (size > session::kMaxRecordBody || !ensure(offset, quint64(session::kRecordOverhead) + size))
            return false;
        const char *rec = at(offset);
        *type = quint8(rec[4]);
        *body = rec + session::kRecordPrefix;
        *bodySize = size;
        return true;
    }

private:
    const char *at(quint64 offset) const { return m_buf.constData() + (offset - m_start); }
    bool ensure(quint64 offset, quint64 n)
    {
        if (offset >= m_start && offset + n <= m_start + m_len)
            return true;
        // keep the bytes from offset on, then fill the rest of the buffer
        const quint64 keep = (offset >= m_start && offset < m_start + m_len) ? m_start + m_len - offset : 0;
        if (keep)
            std::memmove(m_buf.data(), at(offset), size_t(keep));
        if (quint64(m_buf.size()) < n)
            m_buf.resize(qsizetype(n));
        m_start = offset;
        m_len = keep;
        if (!keep && !m_file.seek(qint64(offset)))
            return false;
        while (m_len < n) {
            const qint64 got = m_file.read(m_buf.data() + m_len, m_buf.size() - qsizetype(m_len));
            if (got <= 0)
                return false;
            m_len += quint64(got);
        }
        return true;
    }

    QFile &m_file;
    QByteArray m_buf;
    quint64 m_start = 0;
    quint64 m_len = 0;
};

} // namespace

qsizetype StoreCapture::scanSearchBytes(qsizetype from, qsizetype to,
                                        const std::function<bool(qsizetype, const QByteArray &)> &fn) const
{
    // Reading the session file front to back is far faster than one read per
    // frame; worth it for big ranges only (it always starts at the file head).
    if (to - from < 50000 || m_store->filePath().isEmpty())
        return from;
    QFile file(m_store->filePath());
    if (!file.open(QIODevice::ReadOnly))
        return from;
    RecordWalker walker(file);
    quint64 offset = session::kFileHeaderSize;
    qsizetype row = 0;
    quint8 type = 0;
    const char *body = nullptr;
    quint32 size = 0;
    while (row < to && walker.next(offset, &type, &body, &size)) {
        offset += quint64(session::kRecordOverhead) + size;
        if (type != session::RecordFrame)
            continue;
        const qsizetype index = row++;
        if (index < from)
            continue;
        session::FrameFixed fixed;
        if (!session::decodeFrameFixed(body, size, &fixed))
            return index;
        const char *bytes = body + session::kFrameFixedSize;
        qsizetype n = fixed.payloadSize;
        if ((fixed.flags & session::FrameFlag::HasMessage) && !(fixed.flags & session::FrameFlag::MessageIsPayload)) {
            bytes += fixed.payloadSize;
            n = fixed.messageSize;
        }
        if (!fn(index, QByteArray::fromRawData(bytes, n)))
            return index + 1;
    }
    return qMax(from, qMin(row, to));
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
