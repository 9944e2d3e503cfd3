#include "tls/chunkqueue.h"

#include <cstring>
#include <vector>

namespace wslens::tls::detail {

namespace {

constexpr std::size_t kPoolMax = 64; // 4 MiB per thread at most

std::vector<QByteArray> &pool()
{
    thread_local std::vector<QByteArray> chunks;
    return chunks;
}

} // namespace

void ChunkQueue::recycle(QByteArray &&chunk)
{
    std::vector<QByteArray> &p = pool();
    if (p.size() >= kPoolMax || !chunk.isDetached() || chunk.capacity() < kChunkSize
        || chunk.capacity() > 2 * kChunkSize)
        return;
    chunk.resize(0); // keeps the allocation
    p.push_back(std::move(chunk));
}

char *ChunkQueue::beginAppend(qsizetype maxBytes, qsizetype *space)
{
    if (m_chunks.empty() || m_chunks.back().size() >= kChunkSize) {
        std::vector<QByteArray> &p = pool();
        if (!p.empty()) {
            m_chunks.push_back(std::move(p.back()));
            p.pop_back();
        } else {
            m_chunks.emplace_back();
            m_chunks.back().reserve(kChunkSize);
        }
    }
    QByteArray &back = m_chunks.back();
    m_appendBase = back.size();
    *space = qMax<qsizetype>(1, qMin(maxBytes, kChunkSize - m_appendBase));
    back.resize(m_appendBase + *space); // within the reserved capacity: no reallocation
    return back.data() + m_appendBase;
}

void ChunkQueue::endAppend(qsizetype used)
{
    QByteArray &back = m_chunks.back();
    back.resize(m_appendBase + used);
    m_size += used;
    m_appendBase = -1;
    if (back.isEmpty() && m_chunks.size() > 1)
        m_chunks.pop_back();
}

QByteArray ChunkQueue::read(qint64 maxSize)
{
    if (maxSize <= 0 || m_size == 0)
        return {};
    QByteArray &front = m_chunks.front();
    if (m_offset == 0 && front.size() <= maxSize) {
        QByteArray out = std::move(front); // handed over whole
        m_chunks.pop_front();
        m_size -= out.size();
        return out;
    }
    const qint64 n = qMin(maxSize, m_size);
    QByteArray out(qsizetype(n), Qt::Uninitialized);
    peek(out.data(), n);
    skip(n);
    return out;
}

QByteArray ChunkQueue::readAll()
{
    if (m_size == 0)
        return {};
    if (m_offset == 0 && m_chunks.front().size() == m_size)
        return read(m_size); // one chunk: handed over
    QByteArray out(qsizetype(m_size), Qt::Uninitialized); // several: copied into one
    peek(out.data(), m_size);
    skip(m_size);
    return out;
}

qint64 ChunkQueue::peek(char *data, qint64 maxSize) const
{
    qint64 done = 0;
    qsizetype offset = m_offset;
    for (const QByteArray &c : m_chunks) {
        if (done >= maxSize)
            break;
        const qint64 n = qMin<qint64>(maxSize - done, c.size() - offset);
        std::memcpy(data + done, c.constData() + offset, size_t(n));
        done += n;
        offset = 0;
    }
    return done;
}

qint64 ChunkQueue::skip(qint64 maxSize)
{
    qint64 left = qMin(maxSize, m_size);
    const qint64 skipped = left;
    while (left > 0) {
        QByteArray &front = m_chunks.front();
        const qint64 inFront = front.size() - m_offset;
        if (left < inFront) {
            m_offset += qsizetype(left);
            break;
        }
        left -= inFront;
        m_offset = 0;
        if (m_chunks.size() > 1) {
            recycle(std::move(front));
            m_chunks.pop_front();
        } else {
            front.resize(0); // keep the last chunk's allocation
        }
    }
    m_size -= skipped;
    return skipped;
}

void ChunkQueue::prepend(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    if (m_offset > 0) {
        QByteArray &front = m_chunks.front();
        front = front.mid(m_offset);
        m_offset = 0;
    }
    m_chunks.push_front(bytes);
    m_size += bytes.size();
}

void ChunkQueue::clear()
{
    m_chunks.clear();
    m_offset = 0;
    m_size = 0;
}

} // namespace wslens::tls::detail
