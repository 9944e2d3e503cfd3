#include "data/memorycapture.h"

#include <QMetaObject>

namespace wslens::ui {

MemoryCapture::MemoryCapture(QObject *parent)
    : CaptureSource(parent)
{
}

MemoryCapture::~MemoryCapture() = default;

FrameFacts MemoryCapture::summarize(const FrameRecord &r)
{
    FrameFacts s;
    s.connectionId = r.connectionId;
    s.seq = r.seq;
    s.timestampUs = r.timestampUs;
    s.payloadLength = r.header.payloadLength;
    s.messageLength = r.hasMessage ? quint32(qMin<qsizetype>(r.message.size(), 0xffffffff)) : 0;
    s.opcode = r.header.opcode;
    s.rsv = r.header.rsv;
    s.fin = r.header.fin;
    s.masked = r.header.masked;
    s.hasMessage = r.hasMessage;
    s.unparsed = r.unparsed;
    s.direction = r.direction;
    s.violation = r.violation;
    s.edit = r.edit;
    return s;
}

quint64 MemoryCapture::openConnection(const ConnectionInfo &info)
{
    QWriteLocker locker(&m_lock);
    ConnectionInfo copy = info;
    copy.id = m_nextConnectionId++;
    m_connectionIndex.insert(copy.id, m_connections.size());
    m_connections.append(copy);
    m_changedConnections.append(copy.id);
    locker.unlock();
    schedulePublish();
    return copy.id;
}

void MemoryCapture::updateConnection(const ConnectionInfo &info)
{
    QWriteLocker locker(&m_lock);
    const auto it = m_connectionIndex.constFind(info.id);
    if (it == m_connectionIndex.constEnd())
        return;
    m_connections[*it] = info;
    m_changedConnections.append(info.id);
    locker.unlock();
    schedulePublish();
}

void MemoryCapture::appendFrame(FrameRecord &&frame)
{
    QWriteLocker locker(&m_lock);
    frame.seq = m_records.size();
    m_summaries.push_back(summarize(frame));
    m_records.push_back(std::move(frame));
    locker.unlock();
    schedulePublish();
}

void MemoryCapture::schedulePublish()
{
    if (m_publishQueued.exchange(true))
        return;
    QMetaObject::invokeMethod(this, &MemoryCapture::publish, Qt::QueuedConnection);
}

void MemoryCapture::flush()
{
    publish();
}

void MemoryCapture::publish()
{
    m_publishQueued.store(false);
    QList<quint64> changed;
    qsizetype total = 0;
    {
        QWriteLocker locker(&m_lock);
        changed.swap(m_changedConnections);
        total = qsizetype(m_records.size());
    }
    // Connections first: frames may refer to a connection opened in this turn.
    QList<quint64> seen;
    for (quint64 id : std::as_const(changed)) {
        if (seen.contains(id))
            continue;
        seen.append(id);
        emit connectionChanged(id);
    }
    if (total > m_published) {
        const qsizetype first = m_published;
        m_published = total;
        emit framesAppended(first, total - first);
    }
}

void MemoryCapture::clear()
{
    {
        QWriteLocker locker(&m_lock);
        m_summaries.clear();
        m_records.clear();
        m_connections.clear();
        m_connectionIndex.clear();
        m_changedConnections.clear();
        m_published = 0;
    }
    emit reset();
}

qsizetype MemoryCapture::frameCount() const
{
    return m_published;
}

FrameFacts MemoryCapture::summary(qsizetype index) const
{
    QReadLocker locker(&m_lock);
    if (index < 0 || size_t(index) >= m_summaries.size())
        return {};
    return m_summaries[size_t(index)];
}

QByteArray MemoryCapture::preview(qsizetype index, int maxBytes) const
{
    QReadLocker locker(&m_lock);
    if (index < 0 || size_t(index) >= m_records.size())
        return {};
    const FrameRecord &r = m_records[size_t(index)];
    return (r.hasMessage ? r.message : r.payload).left(maxBytes);
}

QByteArray MemoryCapture::searchBytes(qsizetype index) const
{
    QReadLocker locker(&m_lock);
    if (index < 0 || size_t(index) >= m_records.size())
        return {};
    const FrameRecord &r = m_records[size_t(index)];
    return r.hasMessage ? r.message : r.payload; // implicitly shared, no copy
}

std::optional<FrameRecord> MemoryCapture::frame(qsizetype index) const
{
    QReadLocker locker(&m_lock);
    if (index < 0 || size_t(index) >= m_records.size())
        return std::nullopt;
    return m_records[size_t(index)];
}

QList<ConnectionInfo> MemoryCapture::connections() const
{
    QReadLocker locker(&m_lock);
    return m_connections;
}

std::optional<ConnectionInfo> MemoryCapture::connection(quint64 id) const
{
    QReadLocker locker(&m_lock);
    const auto it = m_connectionIndex.constFind(id);
    if (it == m_connectionIndex.constEnd())
        return std::nullopt;
    return m_connections[*it];
}

} // namespace wslens::ui
