#pragma once

#include <QByteArray>
#include <QObject>
#include <QTimer>

#include <deque>
#include <memory>

class QSocketNotifier;

namespace wslens::relay {

// The write side of a plain TCP connection, on its own duplicate of the
// socket's descriptor. QAbstractSocket closes its descriptor as soon as it
// reads EOF, which would end a half-closed connection (a client that sent
// shutdown(SHUT_WR) still waits for its answer); writing through a dup keeps
// the write side alive until the relay ends it. The QAbstractSocket keeps
// doing the reading.
//
// write() sends at once what the kernel takes and queues the rest (the
// QByteArray is kept, not copied). shutdownWhenFlushed() sends the FIN after
// everything queued; closeWhenFlushed() releases the descriptor.
class TcpWriter : public QObject
{
    Q_OBJECT
public:
    // A writer on dup(descriptor); null when dup() fails.
    static std::unique_ptr<TcpWriter> duplicate(qintptr descriptor);
    ~TcpWriter() override;

    void write(const QByteArray &bytes);
    void write(const char *data, qsizetype size);
    qint64 pending() const { return m_pending; }
    // True while bytes can still be written (not shut down, closed or failed).
    bool isWritable() const { return m_fd >= 0 && !m_shutdownRequested && !m_failed; }
    bool failed() const { return m_failed; }
    bool isClosed() const { return m_fd < 0; }

    void shutdownWhenFlushed();            // FIN once pending() == 0
    void closeWhenFlushed(int lingerMs);   // release the descriptor once flushed (at the latest after lingerMs)
    void abort();                          // release now, drop what is queued
    // Hands what is still queued over (TLS starts on this connection) and releases the descriptor.
    QByteArray takePendingAndRelease();

Q_SIGNALS:
    void bytesWritten(); // queued bytes went out
    void closed();       // the descriptor was released (flushed, aborted or failed); emitted from the event loop

private:
    explicit TcpWriter(int fd);
    void flushQueue();
    void fail();
    void release();
    void afterFlush();

    int m_fd = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::deque<QByteArray> m_queue;
    qsizetype m_offset = 0; // bytes of m_queue.front() already sent
    qint64 m_pending = 0;
    bool m_shutdownRequested = false;
    bool m_shutDown = false;
    bool m_closeRequested = false;
    bool m_failed = false;
    QTimer m_linger;
};

} // namespace wslens::relay
