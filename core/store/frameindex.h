#pragma once

// The in-RAM index of a capture: one fixed 64-byte record per frame, kept in
// chunks whose addresses never change, so readers on any thread can read
// published rows without a lock while a single writer appends.

#include <QtGlobal>

#include <atomic>
#include <cstddef>
#include <memory>
#include <type_traits>

namespace wslens {

struct IndexEntry
{
    quint64 offset;       // record start in the session file
    qint64 timestampUs;
    quint64 wireLength;   // payload length on the wire
    quint64 connectionId;
    quint32 recordSize;   // whole record, framing included
    quint32 payloadSize;  // stored payload bytes
    quint32 messageSize;  // stored message bytes
    quint8 flags;         // session::FrameFlag bits
    quint8 opcode;
    quint8 rsv;
    quint8 violation;
    quint8 edit;
    quint8 previewSize;
    char preview[14];     // first bytes of the message (or of the payload)
};
static_assert(sizeof(IndexEntry) == 64, "IndexEntry must stay 64 bytes");
static_assert(std::is_trivial_v<IndexEntry>, "index chunks are raw zero-filled memory");

class FrameIndex
{
public:
    static constexpr int kChunkBits = 16;
    static constexpr quint64 kChunkSize = quint64(1) << kChunkBits;
    static constexpr quint64 kMaxChunks = quint64(1) << 16;
    static constexpr quint64 kMaxRows = kChunkSize * kMaxChunks;
    static constexpr size_t kChunkBytes = size_t(kChunkSize) * sizeof(IndexEntry); // 4 MiB

    FrameIndex();
    ~FrameIndex();
    FrameIndex(const FrameIndex &) = delete;
    FrameIndex &operator=(const FrameIndex &) = delete;

    // Published rows; any thread.
    quint64 size() const { return m_size.load(std::memory_order_acquire); }
    // row < size(); any thread.
    const IndexEntry &at(quint64 row) const
    {
        return m_chunks[row >> kChunkBits][row & (kChunkSize - 1)];
    }

    // Single writer: copies and publishes n entries. Returns how many fit
    // (less than n only when kMaxRows is reached).
    quint64 append(const IndexEntry *entries, quint64 n);
    quint64 memoryBytes() const;

private:
    struct FreeDeleter
    {
        void operator()(IndexEntry **p) const;
    };
    std::unique_ptr<IndexEntry *[], FreeDeleter> m_chunks; // calloc: zero pages come lazily
    std::atomic<quint64> m_size{0};
    quint64 m_allocatedChunks = 0;
};

} // namespace wslens
