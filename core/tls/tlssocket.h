#pragma once

#include "tls/chunkqueue.h"
#include "tls/leafcertificate.h"
#include "tls/tlscontext.h"

#include <QAbstractSocket>
#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <QStringList>

#include <deque>
#include <memory>

class QSocketNotifier;
class QTcpSocket;

namespace wslens::tls {

namespace detail {
struct FdBioState;
struct VerifyLog;
} // namespace detail

// A lean TCP socket that can switch to TLS at any point, for the relay's hot
// path. Unlike QSslSocket it runs OpenSSL directly on the socket descriptor:
// records are read with large read(2)s into OpenSSL's own buffer and decrypted
// straight into the socket's read buffer; writes are encrypted straight from
// the caller's QByteArray (kept by reference, not copied) into send(2).
// Readiness comes from QSocketNotifiers, so it lives in a Qt event loop like
// any QObject (one thread).
//
// It offers the part of the QSslSocket API the relay uses, with the same
// meaning: signals connected/encrypted/readyRead/bytesWritten/disconnected/
// errorOccurred; read/readAll/peek/skip/write/bytesAvailable/bytesToWrite;
// state()/error() as QAbstractSocket values; setReadBufferSize() for
// back-pressure; abort()/disconnectFromHost() (both emit disconnected() if the
// socket was connected); remote close = errorOccurred(RemoteHostClosedError),
// then disconnected() once queued bytes are written, with unread bytes still
// readable. Plus shutdownWrite() (half close) and blocking waitFor*() for
// test and benchmark clients.
//
//   auto server = TlsContext::makeServer({});
//   TlsSocket s; s.setSocketDescriptor(fd);            // plain until ...
//   s.startServerEncryption(server, leaf);             // ... now (bytes already read are used)
//   auto client = TlsContext::makeClient({});
//   TlsSocket u; u.connectToHost(host, 443);           // plain TCP, connected()
//   u.startClientEncryption(client, host);             // SNI + verification name, encrypted()
class TlsSocket : public QObject
{
    Q_OBJECT
public:
    explicit TlsSocket(QObject *parent = nullptr);
    ~TlsSocket() override;

    // ---- connection ----
    // Adopts a connected socket (accepted by a listener). False if it is not one.
    bool setSocketDescriptor(qintptr descriptor);
    // Resolves and connects (plain); connected() or errorOccurred() follows.
    void connectToHost(const QString &host, quint16 port);
    void abort();              // closes now, discards queued bytes
    void disconnectFromHost(); // writes what is queued (and close_notify), then closes
    // Half close: a TCP FIN once the queued bytes are written (no close_notify:
    // the peer may keep sending, and reading goes on).
    void shutdownWrite();

    QAbstractSocket::SocketState state() const { return m_state; }
    QAbstractSocket::SocketError error() const { return m_error; }
    QString errorString() const { return m_errorString; }
    qintptr socketDescriptor() const { return m_fd; }
    QHostAddress peerAddress() const { return m_peerAddress; }
    quint16 peerPort() const { return m_peerPort; }
    QHostAddress localAddress() const { return m_localAddress; }
    quint16 localPort() const { return m_localPort; }
    // Only LowDelayOption (TCP_NODELAY) and KeepAliveOption are supported.
    void setSocketOption(QAbstractSocket::SocketOption option, const QVariant &value);

    // ---- TLS ----
    // Both start calls turn TCP_NODELAY on (records are sent in batches anyway).
    // Starts a server handshake presenting `identity` (leaf, key, chain).
    // Bytes already received and not read are the start of the handshake;
    // bytes written before and not yet sent go out unencrypted first.
    // False (with errorOccurred(SslInternalError) and the socket aborted) if
    // the identity cannot be used.
    bool startServerEncryption(const std::shared_ptr<TlsContext> &context, const LeafCertificate &identity);
    // Starts a client handshake: SNI = peerName (unless it is an IP address),
    // certificate verified for peerName (a host name or an IP address).
    bool startClientEncryption(const std::shared_ptr<TlsContext> &context, const QString &peerName);
    bool isEncrypted() const { return m_phase == Phase::Encrypted; }
    // Problems found with the server's certificate chain (client side), in
    // Qt's wording. With a verifying context they fail the handshake (and are
    // errorString()); with verifyPeer = false they are only recorded here.
    QStringList certificateErrors() const;
    QByteArray negotiatedAlpn() const;
    QString protocolName() const;   // "TLSv1.3", empty before the handshake
    QString cipherName() const;     // "TLS_AES_128_GCM_SHA256"
    QByteArray requestedServerName() const; // server side: the SNI the client sent
    QByteArray peerCertificateDer() const;  // client side: the server's leaf

    // ---- data ----
    qint64 bytesAvailable() const { return m_readBuffer.size(); }
    qint64 bytesToWrite() const; // queued plaintext + gathered records not yet sent
    // At most maxSize bytes; a whole received chunk (up to 64 KiB) is handed
    // over without copying, so this may return less while more is available.
    QByteArray read(qint64 maxSize);
    QByteArray readAll(); // everything
    qint64 peek(char *data, qint64 maxSize) const;
    QByteArray peek(qint64 maxSize) const;
    qint64 skip(qint64 maxSize);
    // Puts bytes that were read back in front of the read buffer (plain phase
    // only: e.g. a ClientHello read together with the request before it, so
    // that startServerEncryption() sees it). False once TLS has started.
    bool unread(const QByteArray &bytes);
    // Queues bytes (the QByteArray is kept by reference: no copy).
    qint64 write(const QByteArray &data);
    qint64 write(const char *data, qint64 size);
    // Sends what is queued now, as far as the kernel takes it, instead of on the
    // next event-loop pass (QAbstractSocket::flush()). True if anything went
    // out. Never emits from inside the call: bytesWritten(), errors and a
    // pending close follow from the event loop.
    bool flush();
    // 0 = unbounded. When the read buffer holds this much, the socket stops
    // reading (the peer is slowed down by TCP) until the buffer is read.
    void setReadBufferSize(qint64 size);
    qint64 readBufferSize() const { return m_readLimit; }

    // ---- blocking use (tests, benchmark clients; never in the relay) ----
    bool waitForConnected(int msecs = 30000);
    bool waitForEncrypted(int msecs = 30000);
    bool waitForReadyRead(int msecs = 30000);
    bool waitForBytesWritten(int msecs = 30000);
    bool waitForDisconnected(int msecs = 30000);

Q_SIGNALS:
    void connected();
    void encrypted();
    void readyRead();
    void bytesWritten(qint64 bytes);
    void disconnected();
    void errorOccurred(QAbstractSocket::SocketError error);

private:
    enum class Phase { Plain, Handshake, Encrypted };
    enum class WaitFor { Encrypted, ReadyRead, BytesWritten, Disconnected };

    bool adopt(int fd);
    void onConnectorConnected();
    void onConnectorError();
    void onReadable();
    void onWritable();
    void readIntoBuffer();
    qint64 writeOut(bool report); // report: emit bytesWritten/errors now (event-loop callers)
    void continueHandshake();
    void handshakeFailed(const QString &reason);
    void remoteClosed();
    void fail(QAbstractSocket::SocketError error, const QString &text);
    void closeNow(bool sendCloseNotify);
    void updateNotifiers();
    void resumeReading();
    qsizetype recordsPending() const;
    bool wait(WaitFor what, int msecs);
    bool startTls(const std::shared_ptr<TlsContext> &context);
    QString sslErrorText(int sslError, const char *what) const;

    int m_fd = -1;
    QAbstractSocket::SocketState m_state = QAbstractSocket::UnconnectedState;
    QAbstractSocket::SocketError m_error = QAbstractSocket::UnknownSocketError;
    QString m_errorString;
    QHostAddress m_peerAddress;
    QHostAddress m_localAddress;
    quint16 m_peerPort = 0;
    quint16 m_localPort = 0;
    QSocketNotifier *m_readNotifier = nullptr;  // children
    QSocketNotifier *m_writeNotifier = nullptr;
    QTcpSocket *m_connector = nullptr;          // child while connecting

    Phase m_phase = Phase::Plain;
    std::shared_ptr<TlsContext> m_context;
    struct ssl_st *m_ssl = nullptr;
    std::unique_ptr<detail::FdBioState> m_bio;
    std::unique_ptr<detail::VerifyLog> m_verifyLog;
    bool m_handshakeWantsWrite = false;
    bool m_writeWantsRead = false;

    detail::ChunkQueue m_readBuffer;
    qint64 m_readLimit = 0;
    bool m_readPaused = false;    // the read buffer is full
    bool m_readScheduled = false; // a queued onReadable for bytes OpenSSL holds
    bool m_eof = false;

    std::deque<QByteArray> m_writeQueue;
    qsizetype m_writePos = 0; // into m_writeQueue.front()
    qint64 m_writeSize = 0;
    bool m_shutdownPending = false;
    bool m_closeAfterWrite = false;

    qint64 m_unreportedWritten = 0; // sent by flush(), bytesWritten() still to come
    bool m_reportScheduled = false;
    quint64 m_readyReadCount = 0; // for waitFor*()
    quint64 m_bytesWrittenCount = 0;
};

} // namespace wslens::tls
