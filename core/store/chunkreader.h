#pragma once

// Reads byte ranges of a session file in large blocks for bulk scans (text
// search, opening): with O_DIRECT where the file system allows it, so a scan
// of a multi-gigabyte capture neither fills nor depends on the page cache
// (on the virtual machines wslens is measured on, reading into fresh
// page-cache pages runs at ~15% of the disk's speed), and plain pread()
// elsewhere. One thread at a time; open one reader per scan.

#include "store/largebuffer.h"

#include <QIODevice>
#include <QString>
#include <QtGlobal>

#include <memory>

namespace wslens::store {

class ChunkReader
{
public:
    ChunkReader() = default;
    ~ChunkReader();
    ChunkReader(const ChunkReader &) = delete;
    ChunkReader &operator=(const ChunkReader &) = delete;

    // Files and ranges smaller than this are read through the page cache: a
    // direct read first forces out pages still dirty there (a synchronous write).
    static constexpr quint64 kDirectMinBytes = 32ull * 1024 * 1024;

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
    friend class ChunkDevice;

    int m_fd = -1;
    int m_directFd = -1;
    LargeBuffer m_buf;
};

// A sequential, read-only QIODevice over a ChunkReader, for the validating
// scan of session::scanSession() (which reads in large blocks).
class ChunkDevice : public QIODevice
{
    Q_OBJECT
public:
    // direct: use O_DIRECT where possible (see ChunkReader::kDirectMinBytes).
    explicit ChunkDevice(const QString &path, bool direct, QObject *parent = nullptr);
    ~ChunkDevice() override;

    bool open(OpenMode mode) override; // ReadOnly; opened Unbuffered
    bool isSequential() const override { return false; }
    qint64 size() const override;
    bool isDirect() const { return m_reader.isDirect(); }

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QString m_path;
    bool m_direct;
    ChunkReader m_reader;
};

} // namespace wslens::store
