#include "store/frameindex.h"

#include "store/largebuffer.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace wslens {

void FrameIndex::FreeDeleter::operator()(IndexEntry **p) const
{
    std::free(p);
}

FrameIndex::FrameIndex()
    : m_chunks(static_cast<IndexEntry **>(std::calloc(kMaxChunks, sizeof(IndexEntry *))))
{
    if (!m_chunks)
        throw std::bad_alloc();
}

FrameIndex::~FrameIndex()
{
    for (quint64 i = 0; i < m_allocatedChunks; ++i)
        store::freeLarge(m_chunks[i], kChunkBytes);
}

quint64 FrameIndex::append(const IndexEntry *entries, quint64 n)
{
    quint64 row = m_size.load(std::memory_order_relaxed);
    quint64 done = 0;
    while (done < n && row < kMaxRows) {
        const quint64 chunk = row >> kChunkBits;
        if (chunk >= m_allocatedChunks) {
            // zero-filled large pages (IndexEntry is trivial): touched as rows are written
            m_chunks[chunk] = static_cast<IndexEntry *>(store::allocateLarge(kChunkBytes));
            m_allocatedChunks = chunk + 1;
        }
        const quint64 inChunk = row & (kChunkSize - 1);
        const quint64 count = qMin(n - done, kChunkSize - inChunk);
        std::memcpy(m_chunks[chunk] + inChunk, entries + done, size_t(count * sizeof(IndexEntry)));
        done += count;
        row += count;
    }
    m_size.store(row, std::memory_order_release);
    return done;
}

quint64 FrameIndex::memoryBytes() const
{
    return m_allocatedChunks * kChunkSize * sizeof(IndexEntry) + kMaxChunks * sizeof(void *);
}

} // namespace wslens
