#include "tls/tlssocket.h"

#include "tls/fdbio.h"
#include "tls/tlsverify.h"

#include <QDeadlineTimer>
#include <QPointer>
#include <QSocketNotifier>
#include <QTcpSocket>
#include <QVariant>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace wslens::tls {

namespace {

constexpr qsizetype kReadChunk = 64 * 1024;        // per read(2) / SSL_read target
constexpr qint64 kMaxReadPerPass = 1024 * 1024;    // unbounded buffer: yield to the event loop after this
constexpr qsizetype kSslWriteChunk = 1024 * 1024;  // SSL_write length cap (it writes one record per call)
constexpr qsizetype kCoalesceBelow = 16 * 1024;    // small writes are appended to the previous one
constexpr int kMaxGather = 16;                      // plain: queued buffers per sendmsg(2)

QString errnoText(int e)
{
    return QString::fromLocal8Bit(std::strerror(e));
}

// The queued OpenSSL errors as "error:...; error:..." (clears the queue).
QString takeSslErrors()
{
    QString text;
    unsigned long code;
    while ((code = ERR_get_error()) != 0) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!text.isEmpty())
            text += QStringLiteral("; ");
        text += QString::fromUtf8(buffer);
    }
    return text;
}

void addressOf(const sockaddr_storage &ss, QHostAddress *address, quint16 *port)
{
    *address = QHostAddress(reinterpret_cast<const sockaddr *>(&ss));
    if (ss.ss_family == AF_INET)
        *port = ntohs(reinterpret_cast<const sockaddr_in *>(&ss)->sin_port);
    else if (ss.ss_family == AF_INET6)
        *port = ntohs(reinterpret_cast<const sockaddr_in6 *>(&ss)->sin6_port);
}

} // namespace

TlsSocket::TlsSocket(QObject *parent)
    : QObject(parent)
{
}

TlsSocket::~TlsSocket()
{
    if (m_ssl)
        SSL_free(m_ssl);
    if (m_fd >= 0)
        ::close(m_fd);
}

// ---- connection --------------------------------------------------------------

bool TlsSocket::setSocketDescriptor(qintptr descriptor)
{
    if (m_fd >= 0 || m_connector || descriptor < 0)
        return false;
    sockaddr_storage ss{};
    socklen_t length = sizeof ss;
    if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&ss), &length) != 0) {
        m_error = QAbstractSocket::UnsupportedSocketOperationError;
        m_errorString = QStringLiteral("not a connected socket: ") + errnoText(errno);
        return false;
    }
    return adopt(int(descriptor));
}

bool TlsSocket::adopt(int fd)
{
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        return false;
    m_fd = fd;
    sockaddr_storage ss{};
    socklen_t length = sizeof ss;
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&ss), &length) == 0)
        addressOf(ss, &m_peerAddress, &m_peerPort);
    length = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &length) == 0)
        addressOf(ss, &m_localAddress, &m_localPort);
    m_readNotifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    m_writeNotifier = new QSocketNotifier(fd, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &TlsSocket::onReadable);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &TlsSocket::onWritable);
    m_state = QAbstractSocket::ConnectedState;
    m_eof = false;
    updateNotifiers();
    return true;
}

void TlsSocket::connectToHost(const QString &host, quint16 port)
{
    if (m_fd >= 0 || m_connector)
        return;
    m_connector = new QTcpSocket(this);
    connect(m_connector, &QTcpSocket::connected, this, &TlsSocket::onConnectorConnected);
    connect(m_connector, &QTcpSocket::errorOccurred, this, &TlsSocket::onConnectorError);
    m_state = QAbstractSocket::ConnectingState;
    m_connector->connectToHost(host, port);
}

void TlsSocket::onConnectorConnected()
{
    // Take the connected descriptor over from Qt: a duplicate stays open when
    // the QTcpSocket closes its own (nothing has been read from it yet).
    QTcpSocket *connector = std::exchange(m_connector, nullptr);
    connector->disconnect(this);
    const int fd = ::fcntl(int(connector->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    connector->abort();
    connector->deleteLater();
    if (fd < 0 || !adopt(fd)) {
        if (fd >= 0)
            ::close(fd);
        m_state = QAbstractSocket::UnconnectedState;
        m_error = QAbstractSocket::SocketResourceError;
        m_errorString = QStringLiteral("cannot take over the connected socket: ") + errnoText(errno);
        emit errorOccurred(m_error);
        return;
    }
    emit connected();
}

void TlsSocket::onConnectorError()
{
    QTcpSocket *connector = std::exchange(m_connector, nullptr);
    if (!connector)
        return;
    connector->disconnect(this);
    m_error = connector->error();
    m_errorString = connector->errorString();
    connector->abort();
    connector->deleteLater();
    m_state = QAbstractSocket::UnconnectedState;
    m_writeQueue.clear();
    m_writeSize = 0;
    m_writePos = 0;
    emit errorOccurred(m_error);
}

void TlsSocket::abort()
{
    if (m_connector) {
        QTcpSocket *connector = std::exchange(m_connector, nullptr);
        connector->disconnect(this);
        connector->abort();
        connector->deleteLater();
        m_state = QAbstractSocket::UnconnectedState;
        m_writeQueue.clear();
        m_writeSize = 0;
        m_writePos = 0;
        return;
    }
    m_readBuffer.clear();
    closeNow(false);
}

void TlsSocket::disconnectFromHost()
{
    if (m_connector) {
        abort();
        return;
    }
    if (m_fd < 0)
        return;
    if (bytesToWrite() > 0 && m_phase != Phase::Handshake) {
        m_state = QAbstractSocket::ClosingState;
        m_closeAfterWrite = true;
        updateNotifiers();
        return;
    }
    closeNow(true);
}

void TlsSocket::shutdownWrite()
{
    if (m_fd < 0)
        return;
    if (bytesToWrite() > 0) {
        m_shutdownPending = true;
        return;
    }
    ::shutdown(m_fd, SHUT_WR);
}

void TlsSocket::closeNow(bool sendCloseNotify)
{
    if (m_fd < 0) {
        m_state = QAbstractSocket::UnconnectedState;
        return;
    }
    const bool wasConnected = m_state == QAbstractSocket::ConnectedState || m_state == QAbstractSocket::ClosingState;
    if (m_ssl && sendCloseNotify && m_phase == Phase::Encrypted && !m_eof) {
        ERR_clear_error();
        SSL_shutdown(m_ssl); // best effort: one close_notify record, no waiting for the peer's
        ERR_clear_error();
        detail::drainFdBio(m_bio.get());
    }
    for (QSocketNotifier *n : {m_readNotifier, m_writeNotifier}) {
        if (n) {
            n->setEnabled(false);
            n->disconnect(this);
            n->deleteLater();
        }
    }
    m_readNotifier = m_writeNotifier = nullptr;
    ::close(m_fd);
    m_fd = -1;
    if (m_bio)
        m_bio->fd = -1;
    m_writeQueue.clear();
    m_writeSize = 0;
    m_writePos = 0;
    m_closeAfterWrite = m_shutdownPending = false;
    m_state = QAbstractSocket::UnconnectedState;
    if (wasConnected)
        emit disconnected();
}

void TlsSocket::fail(QAbstractSocket::SocketError error, const QString &text)
{
    m_error = error;
    m_errorString = text;
    QPointer<TlsSocket> guard(this);
    emit errorOccurred(error);
    if (guard && m_fd >= 0)
        closeNow(false);
}

void TlsSocket::remoteClosed()
{
    m_eof = true;
    updateNotifiers();
    m_error = QAbstractSocket::RemoteHostClosedError;
    m_errorString = QStringLiteral("The remote host closed the connection");
    QPointer<TlsSocket> guard(this);
    emit errorOccurred(m_error);
    if (!guard || m_fd < 0)
        return;
    if (bytesToWrite() > 0) {
        // The peer may only have half-closed: what is queued still goes out.
        m_state = QAbstractSocket::ClosingState;
        m_closeAfterWrite = true;
        updateNotifiers();
        return;
    }
    closeNow(false);
}

void TlsSocket::setSocketOption(QAbstractSocket::SocketOption option, const QVariant &value)
{
    if (m_fd < 0)
        return;
    const int on = value.toInt() ? 1 : 0;
    if (option == QAbstractSocket::LowDelayOption)
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    else if (option == QAbstractSocket::KeepAliveOption)
        ::setsockopt(m_fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
}

// ---- readiness -----------------------------------------------------------------

void TlsSocket::updateNotifiers()
{
    if (m_fd < 0 || !m_readNotifier)
        return;
    bool wantRead;
    bool wantWrite;
    if (m_phase == Phase::Handshake) {
        wantRead = !m_eof;
        wantWrite = m_handshakeWantsWrite || recordsPending() > 0;
    } else {
        wantRead = (!m_eof && !m_readPaused) || m_writeWantsRead;
        wantWrite = (m_writeSize > 0 && !m_writeWantsRead) || recordsPending() > 0;
    }
    if (m_readNotifier->isEnabled() != wantRead)
        m_readNotifier->setEnabled(wantRead);
    if (m_writeNotifier->isEnabled() != wantWrite)
        m_writeNotifier->setEnabled(wantWrite);
}

void TlsSocket::onReadable()
{
    if (m_fd < 0)
        return;
    if (m_phase == Phase::Handshake) {
        continueHandshake();
        return;
    }
    if (m_writeWantsRead) {
        m_writeWantsRead = false;
        writeOut(true);
        if (m_fd < 0)
            return;
    }
    readIntoBuffer();
}

void TlsSocket::onWritable()
{
    if (m_fd < 0)
        return;
    if (m_phase == Phase::Handshake) {
        continueHandshake();
        return;
    }
    writeOut(true);
}

void TlsSocket::readIntoBuffer()
{
    if (m_fd < 0 || m_eof || m_phase == Phase::Handshake)
        return;
    qint64 budget = m_readLimit > 0 ? m_readLimit - bytesAvailable() : kMaxReadPerPass;
    qint64 got = 0;
    bool closed = false;
    QAbstractSocket::SocketError hardError = QAbstractSocket::UnknownSocketError;
    QString hardText;
    const bool tls = m_phase == Phase::Encrypted;
    while (budget > 0) {
        qsizetype want = 0;
        char *at = m_readBuffer.beginAppend(qsizetype(qMin<qint64>(budget, kReadChunk)), &want);
        if (!tls) {
            const ssize_t n = ::read(m_fd, at, size_t(want));
            const int readErrno = errno;
            m_readBuffer.endAppend(n > 0 ? qsizetype(n) : 0);
            if (n > 0) {
                got += n;
                budget -= n;
                if (n < want)
                    break; // drained; the notifier says when more comes
                continue;
            }
            if (n == 0) {
                closed = true;
            } else if (readErrno == EINTR) {
                continue;
            } else if (readErrno != EAGAIN && readErrno != EWOULDBLOCK) {
                hardError = readErrno == ECONNRESET ? QAbstractSocket::RemoteHostClosedError : QAbstractSocket::NetworkError;
                hardText = errnoText(readErrno);
            }
            break;
        }
        // SSL_read returns one record (≤ 16 KiB) per call: fill the space.
        qsizetype filled = 0;
        int n = 0;
        while (filled < want) {
            ERR_clear_error();
            n = SSL_read(m_ssl, at + filled, int(want - filled));
            if (n <= 0)
                break;
            filled += n;
        }
        m_readBuffer.endAppend(filled);
        got += filled;
        budget -= filled;
        if (n > 0)
            continue;
        const int e = SSL_get_error(m_ssl, n);
        if (e == SSL_ERROR_WANT_READ)
            break;
        if (e == SSL_ERROR_WANT_WRITE) { // a post-handshake message needs to go out first
            m_writeNotifier->setEnabled(true);
            break;
        }
        if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && m_bio->eof && m_bio->lastErrno == 0)) {
            closed = true;
        } else {
            const int sysErr = m_bio->lastErrno;
            hardError = sysErr == ECONNRESET ? QAbstractSocket::RemoteHostClosedError : QAbstractSocket::SslInternalError;
            hardText = sysErr ? errnoText(sysErr) : QStringLiteral("TLS error: ") + takeSslErrors();
        }
        break;
    }
    if (tls && m_bio->outPending() > 0)
        detail::drainFdBio(m_bio.get()); // e.g. a KeyUpdate answer; the rest when writable
    if (budget <= 0) {
        if (m_readLimit > 0)
            m_readPaused = true;
        else if (tls && SSL_has_pending(m_ssl) && !m_readScheduled) {
            // Yielding with decrypted or read-ahead bytes inside OpenSSL: the
            // descriptor may never become readable for them again.
            m_readScheduled = true;
            QMetaObject::invokeMethod(this, [this] {
                m_readScheduled = false;
                readIntoBuffer();
            }, Qt::QueuedConnection);
        }
    }
    QPointer<TlsSocket> guard(this);
    if (got > 0) {
        ++m_readyReadCount;
        emit readyRead(); // usually reads everything: then the notifier never toggles
        if (!guard || m_fd < 0)
            return;
    }
    updateNotifiers();
    if (hardError != QAbstractSocket::UnknownSocketError)
        fail(hardError, hardText);
    else if (closed)
        remoteClosed();
}

void TlsSocket::resumeReading()
{
    if (!m_readPaused || (m_readLimit > 0 && bytesAvailable() >= m_readLimit))
        return;
    m_readPaused = false;
    updateNotifiers();
    if (m_phase == Phase::Encrypted && m_fd >= 0 && !m_readScheduled && SSL_has_pending(m_ssl)) {
        m_readScheduled = true;
        QMetaObject::invokeMethod(this, [this] {
            m_readScheduled = false;
            readIntoBuffer();
        }, Qt::QueuedConnection);
    }
}

bool TlsSocket::flush()
{
    if (m_fd < 0 || m_phase == Phase::Handshake)
        return false;
    return writeOut(false) > 0;
}

qint64 TlsSocket::writeOut(bool report)
{
    if (m_fd < 0 || m_phase == Phase::Handshake)
        return 0;
    qint64 written = 0;
    QAbstractSocket::SocketError hardError = QAbstractSocket::UnknownSocketError;
    QString hardText;
    const bool tls = m_phase == Phase::Encrypted;
    bool kernelFull = tls && !detail::drainFdBio(m_bio.get()); // records gathered last time first
    while (!kernelFull && !m_writeQueue.empty()) {
        const QByteArray &front = m_writeQueue.front();
        const char *at = front.constData() + m_writePos;
        const qsizetype left = front.size() - m_writePos;
        qint64 n;
        if (!tls) {
            // One sendmsg(2) for up to kMaxGather queued buffers: fewer syscalls
            // and fewer wake-ups of the receiver than a send(2) per buffer.
            iovec iov[kMaxGather];
            int count = 0;
            iov[count++] = {const_cast<char *>(at), size_t(left)};
            for (auto it = m_writeQueue.begin() + 1; it != m_writeQueue.end() && count < kMaxGather; ++it)
                iov[count++] = {const_cast<char *>(it->constData()), size_t(it->size())};
            msghdr msg = {};
            msg.msg_iov = iov;
            msg.msg_iovlen = size_t(count);
            n = ::sendmsg(m_fd, &msg, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK) {
                    hardError = QAbstractSocket::RemoteHostClosedError;
                    hardText = errnoText(errno);
                }
                break;
            }
        } else {
            ERR_clear_error();
            const int r = SSL_write(m_ssl, at, int(qMin(left, kSslWriteChunk)));
            if (r <= 0) {
                const int e = SSL_get_error(m_ssl, r);
                if (e == SSL_ERROR_WANT_READ) {
                    m_writeWantsRead = true;
                } else if (e != SSL_ERROR_WANT_WRITE) {
                    hardError = QAbstractSocket::RemoteHostClosedError;
                    hardText = m_bio->lastErrno ? errnoText(m_bio->lastErrno)
                                                : QStringLiteral("TLS error: ") + takeSslErrors();
                }
                break;
            }
            n = r;
        }
        written += n;
        m_writeSize -= n;
        // Retire every buffer the write covered (a gathered send spans several).
        qint64 consumed = n;
        while (consumed > 0 && !m_writeQueue.empty()) {
            const qint64 inFront = m_writeQueue.front().size() - m_writePos;
            if (consumed < inFront) {
                m_writePos += qsizetype(consumed);
                break;
            }
            consumed -= inFront;
            detail::ChunkQueue::recycle(std::move(m_writeQueue.front()));
            m_writeQueue.pop_front();
            m_writePos = 0;
        }
    }
    if (tls && !kernelFull && hardError == QAbstractSocket::UnknownSocketError && !detail::drainFdBio(m_bio.get())
        && m_bio->lastErrno) {
        hardError = QAbstractSocket::RemoteHostClosedError;
        hardText = errnoText(m_bio->lastErrno);
    }
    if (kernelFull && m_bio->lastErrno) {
        hardError = QAbstractSocket::RemoteHostClosedError;
        hardText = errnoText(m_bio->lastErrno);
    }
    updateNotifiers();
    const bool drained = m_writeQueue.empty() && recordsPending() == 0;
    if (!report) {
        // flush() from the caller's code: no signal from inside the call. What
        // was written, an error and a pending close are reported from the event loop.
        m_unreportedWritten += written;
        if (drained && m_shutdownPending) {
            m_shutdownPending = false;
            ::shutdown(m_fd, SHUT_WR);
        }
        if ((m_unreportedWritten > 0 || hardError != QAbstractSocket::UnknownSocketError
             || (drained && m_closeAfterWrite))
            && !m_reportScheduled) {
            m_reportScheduled = true;
            QMetaObject::invokeMethod(this, [this] {
                m_reportScheduled = false;
                if (m_fd >= 0 && m_phase != Phase::Handshake)
                    writeOut(true);
            }, Qt::QueuedConnection);
        }
        return written;
    }
    written += std::exchange(m_unreportedWritten, 0);
    QPointer<TlsSocket> guard(this);
    if (written > 0) {
        ++m_bytesWrittenCount;
        emit bytesWritten(written);
        if (!guard || m_fd < 0)
            return written;
    }
    if (hardError != QAbstractSocket::UnknownSocketError) {
        fail(hardError, hardText);
        return written;
    }
    if (m_writeQueue.empty() && recordsPending() == 0) {
        if (m_shutdownPending) {
            m_shutdownPending = false;
            ::shutdown(m_fd, SHUT_WR);
        }
        if (m_closeAfterWrite)
            closeNow(true);
    }
    return written;
}

// ---- TLS -------------------------------------------------------------------------

bool TlsSocket::startTls(const std::shared_ptr<TlsContext> &context)
{
    if (m_fd < 0 || m_phase != Phase::Plain || !context)
        return false;
    ERR_clear_error();
    m_ssl = SSL_new(context->handle());
    if (!m_ssl)
        return false;
    m_context = context;
    m_bio = std::make_unique<detail::FdBioState>();
    m_bio->fd = m_fd;
    // Bytes read before TLS started are the start of the TLS stream.
    m_bio->prefix = m_readBuffer.readAll();
    // Bytes queued before TLS started go out as they are, ahead of the first record.
    for (qsizetype i = 0; i < qsizetype(m_writeQueue.size()); ++i)
        m_bio->out.append(i == 0 ? m_writeQueue.front().mid(m_writePos) : m_writeQueue[size_t(i)]);
    m_writeQueue.clear();
    m_writePos = 0;
    m_writeSize = 0;
    m_readPaused = false;
    BIO *bio = detail::newFdBio(m_bio.get());
    if (!bio)
        return false;
    SSL_set_bio(m_ssl, bio, bio);
    // Records are gathered and sent in batches already; Nagle would only hold
    // back the last small record of a flight (e.g. a session ticket) until the
    // peer's delayed ACK, 40 ms per handshake.
    const int on = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    m_phase = Phase::Handshake;
    m_handshakeWantsWrite = true; // the first step may write at once (client) and must not wait for input
    updateNotifiers();
    return true;
}

bool TlsSocket::startServerEncryption(const std::shared_ptr<TlsContext> &context, const LeafCertificate &identity)
{
    QString error;
    if (!context || !context->isServer() || !startTls(context)) {
        fail(QAbstractSocket::SslInternalError, QStringLiteral("cannot start TLS: ") + takeSslErrors());
        return false;
    }
    if (!context->useIdentity(m_ssl, identity, &error)) {
        fail(QAbstractSocket::SslInvalidUserDataError, error);
        return false;
    }
    SSL_set_accept_state(m_ssl);
    return true;
}

bool TlsSocket::startClientEncryption(const std::shared_ptr<TlsContext> &context, const QString &peerName)
{
    if (!context || context->isServer() || !startTls(context)) {
        fail(QAbstractSocket::SslInternalError, QStringLiteral("cannot start TLS: ") + takeSslErrors());
        return false;
    }
    QString name = peerName;
    if (name.startsWith(QLatin1Char('[')) && name.endsWith(QLatin1Char(']')))
        name = name.mid(1, name.size() - 2);
    const QByteArray ascii = name.toLatin1();
    QHostAddress ip;
    bool ok;
    if (ip.setAddress(name))
        ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(m_ssl), ascii.constData()) == 1;
    else
        ok = ascii.isEmpty()
             || (SSL_set_tlsext_host_name(m_ssl, ascii.constData()) == 1 && SSL_set1_host(m_ssl, ascii.constData()) == 1);
    if (!ok) {
        fail(QAbstractSocket::SslInvalidUserDataError, QStringLiteral("invalid peer name '%1'").arg(peerName));
        return false;
    }
    m_verifyLog = std::make_unique<detail::VerifyLog>();
    detail::setVerifyLog(m_ssl, m_verifyLog.get());
    SSL_set_connect_state(m_ssl);
    return true;
}

void TlsSocket::continueHandshake()
{
    if (m_phase != Phase::Handshake || m_fd < 0)
        return;
    ERR_clear_error();
    const int r = SSL_do_handshake(m_ssl);
    if (r == 1) {
        m_handshakeWantsWrite = false;
        detail::drainFdBio(m_bio.get()); // normally flushed with the last flight already
        if (m_verifyLog && !m_verifyLog->errors.isEmpty() && m_context->verifiesPeer()) {
            handshakeFailed(m_verifyLog->errors.join(QStringLiteral("; ")));
            return;
        }
        m_phase = Phase::Encrypted;
        updateNotifiers();
        QPointer<TlsSocket> guard(this);
        emit encrypted();
        if (!guard || m_fd < 0)
            return;
        if (m_writeSize > 0)
            writeOut(true);
        if (m_fd >= 0 && !m_readPaused)
            readIntoBuffer(); // application data that came with the last handshake flight
        return;
    }
    const int e = SSL_get_error(m_ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        m_handshakeWantsWrite = e == SSL_ERROR_WANT_WRITE;
        updateNotifiers();
        return;
    }
    QString reason = takeSslErrors();
    if (reason.isEmpty())
        reason = m_bio->lastErrno ? errnoText(m_bio->lastErrno)
                                  : QStringLiteral("The remote host closed the connection");
    if (m_verifyLog && !m_verifyLog->errors.isEmpty() && m_context->verifiesPeer())
        reason = m_verifyLog->errors.join(QStringLiteral("; "));
    handshakeFailed(QStringLiteral("Error during SSL handshake: ") + reason);
}

void TlsSocket::handshakeFailed(const QString &reason)
{
    fail(QAbstractSocket::SslHandshakeFailedError, reason);
}

QStringList TlsSocket::certificateErrors() const
{
    return m_verifyLog ? m_verifyLog->errors : QStringList();
}

QByteArray TlsSocket::negotiatedAlpn() const
{
    if (!m_ssl)
        return {};
    const unsigned char *data = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(m_ssl, &data, &length);
    return data ? QByteArray(reinterpret_cast<const char *>(data), qsizetype(length)) : QByteArray();
}

QString TlsSocket::protocolName() const
{
    return m_ssl && m_phase == Phase::Encrypted ? QString::fromLatin1(SSL_get_version(m_ssl)) : QString();
}

QString TlsSocket::cipherName() const
{
    return m_ssl && m_phase == Phase::Encrypted ? QString::fromLatin1(SSL_get_cipher_name(m_ssl)) : QString();
}

QByteArray TlsSocket::requestedServerName() const
{
    const char *name = m_ssl ? SSL_get_servername(m_ssl, TLSEXT_NAMETYPE_host_name) : nullptr;
    return name ? QByteArray(name) : QByteArray();
}

QByteArray TlsSocket::peerCertificateDer() const
{
    if (!m_ssl)
        return {};
    X509 *peer = SSL_get0_peer_certificate(m_ssl);
    if (!peer)
        return {};
    const int length = i2d_X509(peer, nullptr);
    if (length <= 0)
        return {};
    QByteArray der(length, Qt::Uninitialized);
    auto *p = reinterpret_cast<unsigned char *>(der.data());
    i2d_X509(peer, &p);
    return der;
}

// ---- data ------------------------------------------------------------------------

qsizetype TlsSocket::recordsPending() const
{
    return m_bio ? m_bio->outPending() : 0;
}

qint64 TlsSocket::bytesToWrite() const
{
    return m_writeSize + recordsPending();
}

QByteArray TlsSocket::read(qint64 maxSize)
{
    QByteArray out = m_readBuffer.read(maxSize);
    if (!out.isEmpty())
        resumeReading();
    return out;
}

QByteArray TlsSocket::readAll()
{
    QByteArray out = m_readBuffer.readAll();
    if (!out.isEmpty())
        resumeReading();
    return out;
}

qint64 TlsSocket::peek(char *data, qint64 maxSize) const
{
    return m_readBuffer.peek(data, maxSize);
}

QByteArray TlsSocket::peek(qint64 maxSize) const
{
    const qint64 n = qMin(maxSize, bytesAvailable());
    if (n <= 0)
        return {};
    QByteArray out(qsizetype(n), Qt::Uninitialized);
    m_readBuffer.peek(out.data(), n);
    return out;
}

qint64 TlsSocket::skip(qint64 maxSize)
{
    const qint64 n = m_readBuffer.skip(maxSize);
    if (n > 0)
        resumeReading();
    return n;
}

bool TlsSocket::unread(const QByteArray &bytes)
{
    if (m_phase != Phase::Plain)
        return false;
    m_readBuffer.prepend(bytes);
    return true;
}

qint64 TlsSocket::write(const QByteArray &data)
{
    if (m_state == QAbstractSocket::UnconnectedState || m_closeAfterWrite)
        return -1;
    if (data.isEmpty())
        return 0;
    if (data.size() < kCoalesceBelow && m_writeQueue.size() >= 2 && m_writeQueue.back().size() < kCoalesceBelow)
        m_writeQueue.back().append(data); // never the front: it may be half written
    else
        m_writeQueue.push_back(data);
    m_writeSize += data.size();
    updateNotifiers();
    return data.size();
}

qint64 TlsSocket::write(const char *data, qint64 size)
{
    if (size <= 0)
        return size == 0 ? 0 : -1;
    return write(QByteArray(data, qsizetype(size)));
}

void TlsSocket::setReadBufferSize(qint64 size)
{
    m_readLimit = qMax<qint64>(0, size);
    if (m_readPaused)
        resumeReading();
}

// ---- blocking use ----------------------------------------------------------------

bool TlsSocket::waitForConnected(int msecs)
{
    if (m_connector)
        m_connector->waitForConnected(msecs); // emits connected(): the descriptor is taken over
    return m_state == QAbstractSocket::ConnectedState;
}

bool TlsSocket::wait(WaitFor what, int msecs)
{
    const QDeadlineTimer deadline(msecs);
    const quint64 reads = m_readyReadCount;
    const quint64 writes = m_bytesWrittenCount;
    for (;;) {
        switch (what) {
        case WaitFor::Encrypted:
            if (m_phase == Phase::Encrypted)
                return true;
            break;
        case WaitFor::ReadyRead:
            if (m_readyReadCount != reads)
                return true;
            break;
        case WaitFor::BytesWritten:
            if (m_bytesWrittenCount != writes)
                return true;
            break;
        case WaitFor::Disconnected:
            if (m_state == QAbstractSocket::UnconnectedState)
                return true;
            break;
        }
        if (m_fd < 0 || !m_readNotifier)
            return false;
        if (m_readScheduled || (m_phase == Phase::Encrypted && !m_readPaused && SSL_has_pending(m_ssl))) {
            m_readScheduled = false;
            readIntoBuffer();
            continue;
        }
        pollfd p{m_fd, short((m_readNotifier->isEnabled() ? POLLIN : 0) | (m_writeNotifier->isEnabled() ? POLLOUT : 0)), 0};
        if (p.events == 0)
            return false;
        const int r = ::poll(&p, 1, int(qMin<qint64>(deadline.remainingTime(), INT_MAX)));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        if (p.revents & (POLLIN | POLLHUP | POLLERR))
            onReadable();
        if (m_fd >= 0 && (p.revents & (POLLOUT | POLLERR)))
            onWritable();
    }
}

bool TlsSocket::waitForEncrypted(int msecs)
{
    return wait(WaitFor::Encrypted, msecs);
}

bool TlsSocket::waitForReadyRead(int msecs)
{
    return wait(WaitFor::ReadyRead, msecs);
}

bool TlsSocket::waitForBytesWritten(int msecs)
{
    return wait(WaitFor::BytesWritten, msecs);
}

bool TlsSocket::waitForDisconnected(int msecs)
{
    return wait(WaitFor::Disconnected, msecs);
}

} // namespace wslens::tls
