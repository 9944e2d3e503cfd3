#pragma once

// The write side of a session file: appends byte ranges at its end.
//
// Whole 4 KiB blocks go to the disk with O_DIRECT from an aligned staging
// buffer, the last partial block through the page cache, so the file never
// holds padding and every appended byte is visible to readers (and survives a
// kill -9) as soon as append() returns. Bypassing the page cache saves the
// kernel's copy and keeps a multi-gigabyte capture from evicting everything
// else; on the virtual machines wslens is measured on, filling fresh
// page-cache pages is also ~10x slower than the disk write itself. Where
// O_DIRECT is refused (tmpfs, some file systems) it falls back to pwritev().
// Linux/POSIX only; one thread at a time.

#include "store/largebuffer.h"

#include <QString>
#include <QtGlobal>

#include <sys/uio.h>

namespace wslens::store {

class AppendFile
{
public:
    static constexpr size_t kAlign = 4096;                  // O_DIRECT offset, size and memory alignment
    static constexpr size_t kStagingBytes = 8u * 1024 * 1024;

    AppendFile() = default;
    ~AppendFile();
    AppendFile(const AppendFile &) = delete;
    AppendFile &operator=(const AppendFile &) = delete;

    // Creates (truncate) or opens path for appending at its end.
    bool open(const QString &path, bool truncate);
    void close();
    bool isOpen() const { return m_fd >= 0; }
    bool isDirect() const { return m_directFd >= 0; }
    // Disables O_DIRECT for files opened later (for comparisons and tests).
    void setDirectAllowed(bool allowed) { m_directAllowed = allowed; }

    // Appends the pieces in order. False on an I/O error (errorString()); the
    // file may then hold part of them: truncate() it back to the old size().
    bool append(const iovec *iov, size_t count);
    bool append(const char *data, size_t size);
    bool truncate(quint64 size);

    quint64 size() const { return m_size; }
    QString errorString() const { return m_error; }

private:
    bool fail(const char *what, int err);
    bool writeBuffered(const iovec *iov, size_t count, quint64 offset);
    bool writeStaged(size_t bytes, quint64 offset, bool direct);

    int m_fd = -1;       // buffered
    int m_directFd = -1; // O_DIRECT, -1 when not in use
    bool m_directAllowed = true;
    quint64 m_size = 0;
    LargeBuffer m_staging;
    size_t m_carry = 0;  // bytes of the last partial block, at the start of m_staging
    QString m_path;
    QString m_error;
};

} // namespace wslens::store
