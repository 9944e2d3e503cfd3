#pragma once

// Records waiting for the capture store's writer thread.
//
// Small records are serialised into large blocks (4 MiB, huge pages) that are
// reused from batch to batch: appending never reallocates, and a record never
// straddles two blocks. A frame with big byte strings (>= kExternalBytes) is
// not copied: its head (prefix + fixed part) and crc slot go into the block
// and the payload, message and original are kept by reference (QByteArray)
// until the writer has written them with writev(). bytes() counts file bytes,
// i.e. both.

#include "store/frameindex.h"
#include "store/largebuffer.h"

#include <QByteArray>

#include <vector>

namespace wslens {

class WriteBatch
{
public:
    static constexpr size_t kBlockBytes = 4u * 1024 * 1024;
    static constexpr size_t kEntriesPerBlock = 65536;
    // Frames whose byte strings add up to this are referenced, not copied:
    // the relay thread skips one copy of the payload (the writer copies it
    // into its O_DIRECT staging anyway). This costs fresh pages (page faults)
    // when the allocator hands freed heap back to the kernel, which wslens'
    // main() prevents (mallopt); with that, 32 KiB beat 1 MiB at 64 KiB frames
    // (bench_relay, A/B: 0.91-0.97 vs 0.98-1.01 CPU-s per GB, docs/PERFORMANCE.md).
    // Not lower: small records are cheaper to copy into the warm blocks.
    static constexpr size_t kExternalBytes = 32 * 1024;
    static constexpr size_t kKeptBlocks = 4;        // always reused after a write
    static constexpr size_t kKeptEntryBlocks = 2;
    static constexpr size_t kMaxKeptBlocks = 20;    // kept while bursts come (the backlog cap is 64 MiB)
    static constexpr size_t kMaxKeptEntryBlocks = 16;
    static constexpr size_t kTrimAfter = 50;        // small batches in a row (~1 s) before trimming

    // A frame record whose byte strings live outside the block: its head
    // starts at offset `at` of block `block`; the crc slot follows the head.
    struct External
    {
        size_t block;
        size_t at;
        QByteArray parts[3]; // payload, message, original (each already cut to its stored size)
    };

    // A block with room for need more bytes; write the record at end(), then
    // call added() with the block bytes written and the file bytes they stand for.
    store::LargeBuffer &blockFor(size_t need)
    {
        if (m_used > 0 && m_blocks[m_used - 1].room() >= need)
            return m_blocks[m_used - 1];
        if (m_used < m_blocks.size() && m_blocks[m_used].capacity() >= need)
            return m_blocks[m_used++];
        m_blocks.insert(m_blocks.begin() + qsizetype(m_used), store::LargeBuffer(need > kBlockBytes ? need : kBlockBytes));
        return m_blocks[m_used++];
    }
    void added(store::LargeBuffer &block, size_t blockBytes, quint64 fileBytes)
    {
        block.grow(blockBytes);
        m_bytes += fileBytes;
    }
    // The record just written at offset at of the last block used is external.
    void addExternal(size_t at, QByteArray payload, QByteArray message, QByteArray original)
    {
        m_externals.push_back(External{m_used - 1, at, {std::move(payload), std::move(message), std::move(original)}});
    }

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

    quint64 bytes() const { return m_bytes; } // file offset of the next record within the batch
    quint64 frames() const { return m_frames; }
    bool empty() const { return m_bytes == 0; }
    size_t blockCount() const { return m_used; }
    store::LargeBuffer &block(size_t i) { return m_blocks[i]; }
    const std::vector<External> &externals() const { return m_externals; }
    size_t entryBlockCount() const { return m_entryUsed; }
    std::vector<IndexEntry> &entryBlock(size_t i) { return m_entries[i]; }

    // Empties the batch, keeping its blocks for reuse: memory handed back to
    // the system comes back as fresh pages that fault on first write, which
    // costs more than copying into them. After a burst (many blocks) the extra
    // blocks are kept until kTrimAfter small batches in a row have gone by.
    void recycle()
    {
        for (size_t i = 0; i < m_used; ++i)
            m_blocks[i].clear();
        for (size_t i = 0; i < m_blocks.size();) {
            if (m_blocks[i].capacity() > kBlockBytes) // one oversized record: don't keep it
                m_blocks.erase(m_blocks.begin() + qsizetype(i));
            else
                ++i;
        }
        m_externals.clear(); // releases the referenced byte strings
        for (size_t i = 0; i < m_entryUsed; ++i)
            m_entries[i].clear();
        m_smallRuns = m_used <= kKeptBlocks ? m_smallRuns + 1 : 0;
        const bool trim = m_smallRuns >= kTrimAfter;
        if (m_blocks.size() > (trim ? kKeptBlocks : kMaxKeptBlocks))
            m_blocks.resize(trim ? kKeptBlocks : kMaxKeptBlocks);
        if (m_entries.size() > (trim ? kKeptEntryBlocks : kMaxKeptEntryBlocks))
            m_entries.resize(trim ? kKeptEntryBlocks : kMaxKeptEntryBlocks);
        m_used = 0;
        m_entryUsed = 0;
        m_bytes = 0;
        m_frames = 0;
    }

    void swap(WriteBatch &o)
    {
        m_blocks.swap(o.m_blocks);
        m_externals.swap(o.m_externals);
        m_entries.swap(o.m_entries);
        std::swap(m_used, o.m_used);
        std::swap(m_entryUsed, o.m_entryUsed);
        std::swap(m_bytes, o.m_bytes);
        std::swap(m_frames, o.m_frames);
        std::swap(m_smallRuns, o.m_smallRuns);
    }

private:
    std::vector<store::LargeBuffer> m_blocks;
    std::vector<External> m_externals;
    std::vector<std::vector<IndexEntry>> m_entries;
    size_t m_used = 0;
    size_t m_entryUsed = 0;
    quint64 m_bytes = 0;
    quint64 m_frames = 0;
    size_t m_smallRuns = 0;
};

} // namespace wslens
