#pragma once

// Memory for big, long-lived buffers of the capture store (index chunks,
// write blocks): mapped in 2 MiB-aligned regions with transparent huge pages
// requested (Linux, THP in "madvise" mode), so filling one takes a page fault
// per 2 MiB instead of one per 4 KiB. Page faults are most of the cost of
// writing fresh memory on the virtual machines wslens is measured on.

#include <cstddef>

namespace wslens::store {

constexpr size_t kLargePageBytes = size_t(2) << 20;

// Zero-filled, page-aligned memory for bytes bytes (from kLargePageBytes on,
// rounded up to and aligned on kLargePageBytes, with huge pages requested).
// Throws std::bad_alloc when the system refuses.
void *allocateLarge(size_t bytes);
// Releases what allocateLarge(bytes) returned (the same bytes).
void freeLarge(void *p, size_t bytes);
// What allocateLarge(bytes) really maps (bytes rounded up to its page size).
size_t largeAllocationSize(size_t bytes);

// Owns one such buffer; move-only.
class LargeBuffer
{
public:
    LargeBuffer() = default;
    // capacity() is at least the requested size: the whole mapping.
    explicit LargeBuffer(size_t capacity)
        : m_data(static_cast<char *>(allocateLarge(capacity)))
        , m_capacity(largeAllocationSize(capacity))
    {
    }
    ~LargeBuffer() { freeLarge(m_data, m_capacity); }
    LargeBuffer(LargeBuffer &&o) noexcept : m_data(o.m_data), m_capacity(o.m_capacity), m_size(o.m_size)
    {
        o.m_data = nullptr;
        o.m_capacity = o.m_size = 0;
    }
    LargeBuffer &operator=(LargeBuffer &&o) noexcept
    {
        if (this != &o) {
            freeLarge(m_data, m_capacity);
            m_data = o.m_data;
            m_capacity = o.m_capacity;
            m_size = o.m_size;
            o.m_data = nullptr;
            o.m_capacity = o.m_size = 0;
        }
        return *this;
    }
    LargeBuffer(const LargeBuffer &) = delete;
    LargeBuffer &operator=(const LargeBuffer &) = delete;

    char *data() const { return m_data; }
    size_t size() const { return m_size; }
    size_t capacity() const { return m_capacity; }
    size_t room() const { return m_capacity - m_size; }
    // Bytes appended at end(): grow() commits them.
    char *end() const { return m_data + m_size; }
    void grow(size_t n) { m_size += n; }
    void clear() { m_size = 0; }

private:
    char *m_data = nullptr;
    size_t m_capacity = 0;
    size_t m_size = 0;
};

} // namespace wslens::store
