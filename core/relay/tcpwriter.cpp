#include "relay/tcpwriter.h"

#include <QSocketNotifier>

#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace wslens::relay {

std::unique_ptr<TcpWriter> TcpWriter::duplicate(qintptr descriptor)
{
    const int fd = ::fcntl(int(descriptor), F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return nullptr;
    return std::unique_ptr<TcpWriter>(new TcpWriter(fd));
}

TcpWriter::TcpWriter(int fd)
    : m_fd(fd)
{
    m_notifier = std::make_unique<QSocketNotifier>(qintptr(fd), QSocketNotifier::Write);
    m_notifier->setEnabled(false);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, [this] {
        flushQueue();
        if (m_fd >= 0 && m_queue.empty())
            m_notifier->setEnabled(false);
        Q_EMIT bytesWritten();
        afterFlush();
    });
    m_linger.setSingleShot(true);
    connect(&m_linger, &QTimer::timeout, this, &TcpWriter::abort);
}

TcpWriter::~TcpWriter()
{
    m_notifier.reset();
    if (m_fd >= 0)
        ::close(m_fd);
}

void TcpWriter::write(const QByteArray &bytes)
{
    if (!isWritable() || bytes.isEmpty())
        return;
    m_pending += bytes.size();
    m_queue.push_back(bytes);
    if (m_queue.size() == 1) {
        flushQueue(); // directly: no event-loop turn between read and forward
        if (m_fd >= 0 && !m_queue.empty())
            m_notifier->setEnabled(true);
    }
}

void TcpWriter::write(const char *data, qsizetype size)
{
    if (size > 0)
        write(QByteArray(data, size));
}

void TcpWriter::flushQueue()
{
    while (m_fd >= 0 && !m_queue.empty()) {
        iovec iov[16];
        int count = 0;
        qsizetype offset = m_offset;
        for (auto it = m_queue.begin(); it != m_queue.end() && count < 16; ++it, ++count) {
            iov[count].iov_base = const_cast<char *>(it->constData() + offset);
            iov[count].iov_len = size_t(it->size() - offset);
            offset = 0;
        }
        msghdr msg = {};
        msg.msg_iov = iov;
        msg.msg_iovlen = size_t(count);
        const ssize_t n = ::sendmsg(m_fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                fail();
            return;
        }
        m_pending -= n;
        qsizetype left = n;
        while (left > 0) {
            const qsizetype inFront = m_queue.front().size() - m_offset;
            if (left >= inFront) {
                left -= inFront;
                m_queue.pop_front();
                m_offset = 0;
            } else {
                m_offset += left;
                left = 0;
            }
        }
    }
}

void TcpWriter::afterFlush()
{
    if (m_fd < 0 || !m_queue.empty())
        return;
    if (m_shutdownRequested && !m_shutDown) {
        m_shutDown = true;
        ::shutdown(m_fd, SHUT_WR);
    }
    if (m_closeRequested)
        release();
}

void TcpWriter::shutdownWhenFlushed()
{
    m_shutdownRequested = true;
    afterFlush();
}

void TcpWriter::closeWhenFlushed(int lingerMs)
{
    if (m_fd < 0 || m_closeRequested)
        return;
    m_closeRequested = true;
    if (!m_queue.empty())
        m_linger.start(lingerMs);
    afterFlush();
}

void TcpWriter::abort()
{
    m_queue.clear();
    m_pending = 0;
    m_offset = 0;
    release();
}

QByteArray TcpWriter::takePendingAndRelease()
{
    QByteArray rest;
    for (const QByteArray &b : m_queue)
        rest += b;
    rest.remove(0, m_offset);
    m_queue.clear();
    m_pending = 0;
    m_offset = 0;
    release();
    return rest;
}

void TcpWriter::fail()
{
    m_failed = true;
    m_queue.clear();
    m_pending = 0;
    m_offset = 0;
    release();
}

void TcpWriter::release()
{
    if (m_fd < 0)
        return;
    m_linger.stop();
    m_notifier->setEnabled(false);
    m_notifier.release()->deleteLater(); // may be inside its activated() signal
    ::close(m_fd);
    m_fd = -1;
    // From the event loop: callers may be in the middle of a write.
    QMetaObject::invokeMethod(this, &TcpWriter::closed, Qt::QueuedConnection);
}

} // namespace wslens::relay
