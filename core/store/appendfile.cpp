#include "store/appendfile.h"

#include <QFile>

#include <cerrno>
#include <climits>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wslens::store {

namespace {

bool pwriteAll(int fd, const char *data, size_t size, quint64 offset)
{
    while (size) {
        const ssize_t n = ::pwrite(fd, data, size, off_t(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return false;
        }
        data += n;
        size -= size_t(n);
        offset += quint64(n);
    }
    return true;
}

} // namespace

AppendFile::~AppendFile()
{
    close();
}

bool AppendFile::open(const QString &path, bool truncate)
{
    close();
    m_path = path;
    const QByteArray name = QFile::encodeName(path);
    m_fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0666);
    if (m_fd < 0)
        return fail("cannot open", errno);
    struct stat st = {};
    if (::fstat(m_fd, &st) != 0)
        return fail("cannot open", errno);
    m_size = quint64(st.st_size);
    m_carry = 0;
#ifdef O_DIRECT
    if (m_directAllowed) {
        m_directFd = ::open(name.constData(), O_WRONLY | O_DIRECT | O_CLOEXEC);
        if (m_directFd >= 0) {
            if (!m_staging.data())
                m_staging = LargeBuffer(kStagingBytes);
            // The partial last block is rewritten with the next whole one.
            m_carry = size_t(m_size % kAlign);
            if (m_carry) {
                const int rfd = ::open(name.constData(), O_RDONLY | O_CLOEXEC);
                const bool ok = rfd >= 0 && ::pread(rfd, m_staging.data(), m_carry, off_t(m_size - m_carry)) == ssize_t(m_carry);
                if (rfd >= 0)
                    ::close(rfd);
                if (!ok) {
                    ::close(m_directFd);
                    m_directFd = -1;
                    m_carry = 0;
                }
            }
        }
    }
#endif
    return true;
}

void AppendFile::close()
{
    if (m_directFd >= 0)
        ::close(m_directFd);
    if (m_fd >= 0)
        ::close(m_fd);
    m_directFd = m_fd = -1;
    m_carry = 0;
}

bool AppendFile::fail(const char *what, int err)
{
    m_error = QStringLiteral("%1 %2: %3").arg(QLatin1String(what), m_path, QString::fromLocal8Bit(std::strerror(err)));
    return false;
}

bool AppendFile::writeBuffered(const iovec *iov, size_t count, quint64 offset)
{
    // pwritev may stop early; copy the vector to advance it.
    iovec local[64];
    while (count) {
        const size_t n = qMin<size_t>(count, 64);
        std::memcpy(local, iov, n * sizeof(iovec));
        size_t first = 0;
        while (first < n) {
            const ssize_t w = ::pwritev(m_fd, local + first, int(qMin<size_t>(n - first, IOV_MAX)), off_t(offset));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return fail("cannot write to", w == 0 ? EIO : errno);
            offset += quint64(w);
            size_t left = size_t(w);
            while (first < n && left >= local[first].iov_len)
                left -= local[first++].iov_len;
            if (left) {
                local[first].iov_base = static_cast<char *>(local[first].iov_base) + left;
                local[first].iov_len -= left;
            }
        }
        iov += n;
        count -= n;
    }
    return true;
}

// Writes m_staging[0, bytes) at offset (aligned): directly, or buffered when
// the file system refuses O_DIRECT (it is then dropped for this file).
bool AppendFile::writeStaged(size_t bytes, quint64 offset, bool direct)
{
    if (direct && m_directFd >= 0) {
        if (pwriteAll(m_directFd, m_staging.data(), bytes, offset))
            return true;
        if (errno != EINVAL)
            return fail("cannot write to", errno);
        ::close(m_directFd);
        m_directFd = -1;
    }
    return pwriteAll(m_fd, m_staging.data(), bytes, offset) || fail("cannot write to", errno);
}

bool AppendFile::append(const iovec *iov, size_t count)
{
    if (m_fd < 0)
        return fail("cannot write to", EBADF);
    quint64 total = 0;
    for (size_t i = 0; i < count; ++i)
        total += iov[i].iov_len;
    if (m_directFd < 0) {
        if (!writeBuffered(iov, count, m_size))
            return false;
        m_size += total;
        return true;
    }
    // Staging holds the carried partial block, then the new bytes; whole
    // blocks go out directly, the new partial block through the page cache.
    quint64 base = m_size - m_carry;
    size_t fill = m_carry;
    const size_t cap = m_staging.capacity();
    for (size_t i = 0; i < count; ++i) {
        const char *p = static_cast<const char *>(iov[i].iov_base);
        size_t left = iov[i].iov_len;
        while (left) {
            const size_t n = qMin(left, cap - fill);
            std::memcpy(m_staging.data() + fill, p, n);
            fill += n;
            p += n;
            left -= n;
            if (fill == cap) {
                if (!writeStaged(cap, base, true))
                    return false;
                base += cap;
                fill = 0;
            }
        }
    }
    const size_t whole = fill & ~(kAlign - 1);
    if (whole && !writeStaged(whole, base, true))
        return false;
    const size_t tail = fill - whole;
    if (tail) {
        if (!pwriteAll(m_fd, m_staging.data() + whole, tail, base + whole))
            return fail("cannot write to", errno);
        std::memmove(m_staging.data(), m_staging.data() + whole, tail);
    }
    m_carry = m_directFd >= 0 ? tail : 0;
    m_size += total;
    return true;
}

bool AppendFile::append(const char *data, size_t size)
{
    iovec v{const_cast<char *>(data), size};
    return append(&v, 1);
}

bool AppendFile::truncate(quint64 size)
{
    if (m_fd < 0 || ::ftruncate(m_fd, off_t(size)) != 0)
        return fail("cannot truncate", m_fd < 0 ? EBADF : errno);
    m_size = size;
    // Reload the partial last block on the next open; until then write buffered.
    if (m_directFd >= 0) {
        ::close(m_directFd);
        m_directFd = -1;
    }
    m_carry = 0;
    return true;
}

} // namespace wslens::store
