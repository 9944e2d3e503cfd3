#include "store/largebuffer.h"

#include <cstdint>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace wslens::store {

namespace {
constexpr size_t kSmallPage = 4096;

// Small buffers (scans of small files) take ordinary 4 KiB pages.
size_t roundUp(size_t bytes)
{
    if (bytes < kLargePageBytes)
        return (bytes + kSmallPage - 1) & ~(kSmallPage - 1);
    return (bytes + kLargePageBytes - 1) & ~(kLargePageBytes - 1);
}
} // namespace

void *allocateLarge(size_t bytes)
{
    const size_t size = roundUp(bytes ? bytes : 1);
#if defined(__linux__)
    if (size < kLargePageBytes) {
        void *p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            throw std::bad_alloc();
        return p;
    }
    // Over-map by one large page, then trim to an aligned region.
    const size_t span = size + kLargePageBytes;
    void *raw = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + kLargePageBytes - 1) & ~std::uintptr_t(kLargePageBytes - 1);
    if (aligned > start)
        ::munmap(raw, aligned - start);
    const std::uintptr_t tail = aligned + size;
    if (start + span > tail)
        ::munmap(reinterpret_cast<void *>(tail), start + span - tail);
    void *p = reinterpret_cast<void *>(aligned);
#ifdef MADV_HUGEPAGE
    ::madvise(p, size, MADV_HUGEPAGE); // a hint: without THP it is ordinary memory
#endif
    return p;
#else
    void *p = std::calloc(1, size);
    if (!p)
        throw std::bad_alloc();
    return p;
#endif
}

size_t largeAllocationSize(size_t bytes)
{
    return roundUp(bytes ? bytes : 1);
}

void freeLarge(void *p, size_t bytes)
{
    if (!p)
        return;
#if defined(__linux__)
    ::munmap(p, roundUp(bytes ? bytes : 1));
#else
    (void)bytes;
    std::free(p);
#endif
}

} // namespace wslens::store
