#pragma once

// Records waiting for the capture store's writer thread. Bytes go into
// fixed-size blocks that are reused from batch to batch: appending never
// reallocates and copies what is already there, and a record never straddles
// two blocks (so each block is written with its crcs filled in as it is).

#include "store/frameindex.h"

#include <string>
#include <vector>

namespace wslens {

class WriteBatch
{
public:
    static constexpr size_t kBlockBytes = 4u * 1024 * 1024;
    static constexpr size_t kEntriesPerBlock = 65536;
    static constexpr size_t kKeptBlocks = 4;      // reused after a write, the rest is freed
    static constexpr size_t kKeptEntryBlocks = 2;

    // A block with room for need more bytes; append the record to it, then
    // call added() with the number of bytes appended.
    std::string &blockFor(size_t need)
    {
        if (m_used > 0) {
            std::string &b = m_blocks[m_used - 1];
            if (b.capacity() - b.size() >= need)
                return b;
        }
        if (m_used < m_blocks.size() && m_blocks[m_used].capacity() >= need)
            return m_blocks[m_used++];
        std::string fresh;
        fresh.reserve(need > kBlockBytes ? need : kBlockBytes);
        m_blocks.insert(m_blocks.begin() + qsizetype(m_used), std::move(fresh));
        return m_blocks[m_used++];
    }
    void added(size_t n) { m_bytes += n; }

    void addEntry(const IndexEntry &e)
    {
        if (m_entryUsed == 0 || m_entries[m_entryUsed - 1].size() == kEntriesPerBlock) {
            if (m_entryUsed == m_entries.size()) {
                m_entries.emplace_back();
                m_entries.back().reserve(kEntriesPerBlock);
            }
            ++m_entryUsed;
        }
        m_entries[m_entryUsed - 1].push_back(e);
        ++m_frames;
    }

    quint64 bytes() const { return m_bytes; } // offset of the next record within the batch
    quint64 frames() const { return m_frames; }
    bool empty() const { return m_bytes == 0; }
    size_t blockCount() const { return m_used; }
    std::string &block(size_t i) { return m_blocks[i]; }
    size_t entryBlockCount() const { return m_entryUsed; }
    std::vector<IndexEntry> &entryBlock(size_t i) { return m_entries[i]; }

    // Empties the batch, keeping a few blocks for reuse.
    void recycle()
    {
        for (size_t i = 0; i < m_used; ++i)
            m_blocks[i].clear();
        for (size_t i = 0; i < m_blocks.size(); ++i) {
            if (m_blocks[i].capacity() > kBlockBytes) // one oversized record: don't keep it
                std::string().swap(m_blocks[i]);
        }
        if (m_blocks.size() > kKeptBlocks)
            m_blocks.resize(kKeptBlocks);
        for (size_t i = 0; i < m_entryUsed; ++i)
            m_entries[i].clear();
        if (m_entries.size() > kKeptEntryBlocks)
            m_entries.resize(kKeptEntryBlocks);
        m_used = 0;
        m_entryUsed = 0;
        m_bytes = 0;
        m_frames = 0;
    }

    void swap(WriteBatch &o)
    {
        m_blocks.swap(o.m_blocks);
        m_entries.swap(o.m_entries);
        std::swap(m_used, o.m_used);
        std::swap(m_entryUsed, o.m_entryUsed);
        std::swap(m_bytes, o.m_bytes);
        std::swap(m_frames, o.m_frames);
    }

private:
    std::vector<std::string> m_blocks;
    std::vector<std::vector<IndexEntry>> m_entries;
    size_t m_used = 0;
    size_t m_entryUsed = 0;
    quint64 m_bytes = 0;
    quint64 m_frames = 0;
};

} // namespace wslens
