#include "store/chunkreader.h"

#include "store/appendfile.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <new>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wslens::store {

namespace {

constexpr size_t kAlign = AppendFile::kAlign;

// Reads until size bytes or the end of the file; returns the bytes read, -1 on error.
ssize_t preadAll(int fd, char *out, size_t size, quint64 offset)
{
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, out + done, size - done, off_t(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += size_t(n);
    }
    return ssize_t(done);
}

} // namespace

ChunkReader::~ChunkReader()
{
    if (m_directFd >= 0)
        ::close(m_directFd);
    if (m_fd >= 0)
        ::close(m_fd);
}

bool ChunkReader::open(const QString &path, bool direct)
{
    const QByteArray name = QFile::encodeName(path);
    m_fd = ::open(name.constData(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0)
        return false;
#ifdef O_DIRECT
    if (direct)
        m_directFd = ::open(name.constData(), O_RDONLY | O_DIRECT | O_CLOEXEC);
#else
    Q_UNUSED(direct);
#endif
    return true;
}

quint64 ChunkReader::fileSize() const
{
    struct stat st = {};
    return m_fd >= 0 && ::fstat(m_fd, &st) == 0 ? quint64(st.st_size) : 0;
}

bool ChunkReader::reserve(size_t bytes)
{
    if (m_buf.capacity() >= bytes)
        return true;
    // Grow with room to spare: every new mapping faults in fresh pages.
    try {
        m_buf = LargeBuffer(qMax(bytes + kAlign, 2 * m_buf.capacity()));
    } catch (const std::bad_alloc &) {
        return false;
    }
    return true;
}

const char *ChunkReader::readSome(quint64 offset, size_t size, size_t *got)
{
    *got = 0;
    if (m_fd < 0)
        return nullptr;
    if (m_directFd >= 0) {
        const quint64 start = offset & ~quint64(kAlign - 1);
        const size_t lead = size_t(offset - start);
        const size_t span = (lead + size + kAlign - 1) & ~(kAlign - 1);
        if (!reserve(span))
            return nullptr;
        const ssize_t n = preadAll(m_directFd, m_buf.data(), span, start);
        if (n >= 0) {
            *got = size_t(n) > lead ? qMin(size, size_t(n) - lead) : 0;
            return m_buf.data() + lead;
        }
        if (errno != EINVAL)
            return nullptr;
        ::close(m_directFd); // refused after all: read through the page cache
        m_directFd = -1;
    }
    if (!reserve(size))
        return nullptr;
    const ssize_t n = preadAll(m_fd, m_buf.data(), size, offset);
    if (n < 0)
        return nullptr;
    *got = size_t(n);
    return m_buf.data();
}

const char *ChunkReader::read(quint64 offset, size_t size)
{
    size_t got = 0;
    const char *p = readSome(offset, size, &got);
    return p && got == size ? p : nullptr;
}

ChunkDevice::ChunkDevice(const QString &path, bool direct, QObject *parent)
    : QIODevice(parent)
    , m_path(path)
    , m_direct(direct)
{
}

ChunkDevice::~ChunkDevice() = default;

bool ChunkDevice::open(OpenMode mode)
{
    if (!(mode & QIODevice::ReadOnly) || (mode & QIODevice::WriteOnly) || !m_reader.open(m_path, m_direct)) {
        setErrorString(QStringLiteral("cannot open %1").arg(m_path));
        return false;
    }
    return QIODevice::open(QIODevice::ReadOnly | QIODevice::Unbuffered);
}

qint64 ChunkDevice::size() const
{
    return qint64(m_reader.fileSize());
}

qint64 ChunkDevice::readData(char *data, qint64 maxSize)
{
    size_t got = 0;
    const char *p = m_reader.readSome(quint64(pos()), size_t(maxSize), &got);
    if (!p)
        return -1;
    std::memcpy(data, p, got);
    return qint64(got);
}

} // namespace wslens::store
