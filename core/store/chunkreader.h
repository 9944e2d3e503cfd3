#pragma once

// Reads byte ranges of a session file in large blocks for bulk scans (text
// search, opening): with O_DIRECT where the file system allows it, so a scan
// of a multi-gigabyte capture neither fills nor depends on the page cache
// (on the virtual machines wslens is measured on, reading into fresh
// page-cache pages runs at ~15% of the disk's speed), and plain pread()
// elsewhere. One thread at a time; open one reader per scan.

#include "store/largebuffer.h"

#include <QString>
#include <QtGlobal>

namespace wslens::store {

class ChunkReader
{
public:
    ChunkReader() = default;
    ~ChunkReader();
    ChunkReader(const ChunkReader &) = delete;
    ChunkReader &operator=(const ChunkReader &) = delete;

    bool open(const QString &path, bool direct = true);
    bool isDirect() const { return m_directFd >= 0; }
    // The file's size now (it may grow while a capture runs).
    quint64 fileSize() const;

    // Reads [offset, offset + size); returns a pointer valid until the next
    // call, or nullptr when the file is shorter or cannot be read.
    const char *read(quint64 offset, size_t size);
    // Reads as much of [offset, offset + size) as the file holds; *got says how much.
    const char *readSome(quint64 offset, size_t size, size_t *got);

private:
    bool reserve(size_t bytes);

    int m_fd = -1;
    int m_directFd = -1;
    LargeBuffer m_buf;
};

} // namespace wslens::store
