#include "endpoints/endpointconnection.h"

#include "endpoints/deflatecodec.h"
#include "protocol/closecode.h"
#include "protocol/framewriter.h"
#include "protocol/utf8validator.h"
#include "relay/closeframe.h"
#include "relay/streamcapture.h"

#include <QAbstractSocket>
#include <QSslSocket>
#include <QTimer>

#include <sys/socket.h>

namespace wslens::endpoints {

namespace {

constexpr int kLingerMs = 2000; // after our FIN, drain the peer's bytes this long at most

relay::StreamCaptureOptions captureOptions(Direction direction, bool deflate, const EndpointLimits &limits)
{
    relay::StreamCaptureOptions o;
    o.direction = direction;
    o.deflate = deflate;
    o.maxFrameSize = limits.maxFrameSize;
    o.maxMessageSize = limits.maxMessageSize;
    o.maxDecompressedSize = limits.maxDecompressedSize;
    return o;
}

} // namespace

EndpointConnection::EndpointConnection(QAbstractSocket *socket, const ConnectionSettings &settings,
                                       std::unique_ptr<DeflateCodec> codec, const CaptureTarget &capture,
                                       const ConnectionInfo &info, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_settings(settings)
    , m_codec(std::move(codec))
    , m_capture(capture)
    , m_info(info)
    , m_assembler(settings.limits.maxMessageSize)
{
    m_socket->setParent(this);
    ParserOptions po;
    po.sender = settings.localRole == Role::Server ? Role::Client : Role::Server;
    po.allowedRsv = m_codec ? Rsv::Rsv1 : 0;
    po.validateUtf8 = true;
    po.limits.maxFrameSize = settings.limits.maxFrameSize;
    po.limits.maxMessageSize = settings.limits.maxMessageSize;
    m_parser.setOptions(po);
    m_assembler.setTransform(m_codec.get());
    m_assembler.setMessageHandler([this](AssembledMessage &&m) { handleMessage(std::move(m)); });
    m_assembler.setViolationHandler([this](Violation v, const FrameHeader &) { handleViolation(v); });

    if (m_capture.sink) {
        const bool server = settings.localRole == Role::Server;
        const Direction in = server ? Direction::ClientToServer : Direction::ServerToClient;
        const Direction out = server ? Direction::ServerToClient : Direction::ClientToServer;
        m_inCapture = std::make_unique<relay::StreamCapture>(
            m_capture.sink, m_capture.connectionId, captureOptions(in, m_codec != nullptr, settings.limits));
        m_outCapture = std::make_unique<relay::StreamCapture>(
            m_capture.sink, m_capture.connectionId, captureOptions(out, m_codec != nullptr, settings.limits));
    }

    m_closeTimer = new QTimer(this);
    m_closeTimer->setSingleShot(true);
    connect(m_closeTimer, &QTimer::timeout, this, &EndpointConnection::abort);
}

EndpointConnection::~EndpointConnection()
{
    // Children (socket, timer) go with us; make sure nothing re-enters.
    if (m_socket)
        m_socket->disconnect(this);
}

void EndpointConnection::start(const QByteArray &leftover)
{
    connect(m_socket, &QAbstractSocket::readyRead, this, &EndpointConnection::onReadyRead);
    connect(m_socket, &QAbstractSocket::disconnected, this, &EndpointConnection::onDisconnected);
    if (!leftover.isEmpty())
        processIncoming(leftover);
    if (m_socket->bytesAvailable() > 0)
        QTimer::singleShot(0, this, &EndpointConnection::onReadyRead);
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        QTimer::singleShot(0, this, &EndpointConnection::onDisconnected);
}

void EndpointConnection::onReadyRead()
{
    while (m_socket && m_socket->bytesAvailable() > 0) {
        const QByteArray chunk = m_socket->readAll();
        if (chunk.isEmpty())
            break;
        processIncoming(chunk);
    }
}

void EndpointConnection::processIncoming(const QByteArray &chunk)
{
    // Everything that arrives is captured, even after a failure or the peer's
    // close (then it is only drained, never acted upon).
    if (m_inCapture)
        m_inCapture->process(chunk, relay::nowUs());
    if (m_readStopped)
        return;
    m_parser.feed(chunk.constData(), std::size_t(chunk.size()), m_assembler);
}

void EndpointConnection::handleViolation(Violation v)
{
    if (m_readStopped)
        return;
    fail(violationInfo(v).closeCode, QString::fromLatin1(violationInfo(v).id));
    m_failure = v;
    Q_EMIT protocolViolation(v, violationInfo(v).closeCode);
}

void EndpointConnection::handleMessage(AssembledMessage &&message)
{
    if (m_readStopped)
        return;
    switch (message.opcode) {
    case Opcode::Text:
        // Compressed text is checked after inflating (the parser cannot see inside).
        if (m_codec && !Utf8Validator::isValid(message.data.constData(), std::size_t(message.data.size()))) {
            handleViolation(Violation::InvalidUtf8);
            return;
        }
        Q_EMIT messageReceived(message.opcode, message.data);
        return;
    case Opcode::Binary:
        Q_EMIT messageReceived(message.opcode, message.data);
        return;
    case Opcode::Ping:
        if (m_settings.answerPings && m_state == State::Open && !m_closeSent)
            writeFrame(Opcode::Pong, message.data);
        Q_EMIT pingReceived(message.data);
        return;
    case Opcode::Pong:
        Q_EMIT pongReceived(message.data);
        return;
    case Opcode::Close:
        handleClose(message.data);
        return;
    default:
        return; // reserved opcodes were reported as violations
    }
}

void EndpointConnection::handleClose(const QByteArray &payload)
{
    // The parser already checked length, code and reason (violations fail first).
    m_closeReceived = true;
    m_readStopped = true;
    if (payload.size() >= 2) {
        m_peerCloseCode = (quint8(payload.at(0)) << 8) | quint8(payload.at(1));
        m_peerCloseReason = QString::fromUtf8(payload.constData() + 2, payload.size() - 2);
    } else {
        m_peerCloseCode = CloseCode::NoStatusReceived;
    }
    updateCaptureInfo();
    Q_EMIT closeReceived(m_peerCloseCode, m_peerCloseReason);
    if (m_state == State::Closed)
        return;
    if (!m_closeSent && m_settings.replyToClose) {
        // Echo the status code (an empty close is answered with an empty one).
        if (payload.size() >= 2)
            writeFrame(Opcode::Close, FrameWriter::closePayload(m_peerCloseCode));
        else
            writeFrame(Opcode::Close, QByteArray());
        m_closeSent = true;
        m_localCloseCode = m_peerCloseCode;
        updateCaptureInfo();
    }
    m_state = State::Closing;
    finishClosing();
}

// Both close frames are exchanged (or we gave up): the server closes TCP first
// (RFC 6455 7.1.1); the client waits for that, then closes itself.
void EndpointConnection::finishClosing()
{
    if (m_settings.localRole == Role::Server || !m_closeSent) {
        lingerAndClose();
    } else {
        m_closeTimer->start(m_settings.closeTimeoutMs);
    }
}

bool EndpointConnection::sendMessage(quint8 opcode, const QByteArray &data, bool compress)
{
    if (m_state != State::Open || m_closeSent)
        return false;
    if (m_codec && compress && !Opcode::isControl(opcode)) {
        writeFrame(opcode, m_codec->compress(data), Rsv::Rsv1);
    } else {
        writeFrame(opcode, data);
    }
    return true;
}

bool EndpointConnection::sendPing(const QByteArray &payload)
{
    if (m_state != State::Open || m_closeSent)
        return false;
    writeFrame(Opcode::Ping, payload.left(125));
    return true;
}

bool EndpointConnection::sendRaw(const QByteArray &bytes)
{
    if (m_state == State::Closed)
        return false;
    writeBytes(bytes);
    return true;
}

void EndpointConnection::close(int code, const QByteArray &reason)
{
    if (m_state == State::Closed || m_closeSent)
        return;
    writeFrame(Opcode::Close, FrameWriter::closePayload(code, reason));
    m_closeSent = true;
    m_localCloseCode = code < 0 ? int(CloseCode::NoStatusReceived) : code;
    updateCaptureInfo();
    m_state = State::Closing;
    if (m_closeReceived)
        finishClosing();
    else
        m_closeTimer->start(m_settings.closeTimeoutMs);
}

void EndpointConnection::fail(quint16 code, const QString &reason)
{
    if (m_state == State::Closed)
        return;
    m_readStopped = true;
    if (!m_closeSent) {
        writeFrame(Opcode::Close, FrameWriter::closePayload(code, reason.toUtf8().left(123)));
        m_closeSent = true;
        m_localCloseCode = code;
    }
    if (m_info.error.isEmpty())
        m_info.error = reason;
    updateCaptureInfo();
    m_state = State::Closing;
    lingerAndClose();
}

void EndpointConnection::abort()
{
    if (m_state == State::Closed)
        return;
    m_socket->abort();
    setClosed();
}

// Flush what we wrote, send FIN (half close), drain the peer's bytes until it
// closes too or kLingerMs pass. Closing with unread input would send an RST,
// which can make the peer lose our close frame.
void EndpointConnection::lingerAndClose()
{
    if (m_lingering || m_state == State::Closed)
        return;
    m_lingering = true;
    m_readStopped = true;
    m_closeTimer->stop();
    if (qobject_cast<QSslSocket *>(m_socket) && static_cast<QSslSocket *>(m_socket)->isEncrypted()) {
        m_socket->disconnectFromHost(); // TLS: close_notify after the pending data
        m_closeTimer->start(kLingerMs);
        return;
    }
    m_socket->flush();
    auto halfClose = [this]() {
        if (m_state == State::Closed)
            return;
        const qintptr fd = m_socket->socketDescriptor();
        if (fd >= 0)
            ::shutdown(int(fd), SHUT_WR);
        m_closeTimer->start(kLingerMs);
    };
    if (m_socket->bytesToWrite() == 0) {
        halfClose();
    } else {
        connect(m_socket, &QAbstractSocket::bytesWritten, this, [this, halfClose]() {
            if (m_socket->bytesToWrite() == 0)
                halfClose();
        });
        m_closeTimer->start(m_settings.closeTimeoutMs + kLingerMs);
    }
}

void EndpointConnection::onDisconnected()
{
    if (m_state == State::Closed)
        return;
    // Bytes that came with the FIN may still sit in the socket's buffer.
    if (m_socket->bytesAvailable() > 0)
        processIncoming(m_socket->readAll());
    if (!m_closeReceived && !m_closeSent && m_info.error.isEmpty())
        m_info.error = QStringLiteral("connection closed without a close frame");
    setClosed();
}

void EndpointConnection::setClosed()
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_readStopped = true;
    m_closeTimer->stop();
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->abort();
    m_info.closedUs = relay::nowUs();
    updateCaptureInfo();
    if (!m_finishedEmitted) {
        m_finishedEmitted = true;
        Q_EMIT finished();
    }
}

void EndpointConnection::writeFrame(quint8 opcode, const QByteArray &payload, quint8 rsv)
{
    const bool mask = m_settings.localRole == Role::Client;
    QByteArray wire;
    FrameWriter::appendFrame(wire, opcode, payload, true, rsv, mask, mask ? FrameWriter::randomMaskKey() : 0);
    writeBytes(wire);
    // A close frame goes to the kernel now: the peer's FIN may follow at once,
    // and QAbstractSocket drops unwritten data when it sees the end of input.
    if (opcode == Opcode::Close && m_state != State::Closed)
        m_socket->flush();
}

void EndpointConnection::writeBytes(const QByteArray &bytes)
{
    if (bytes.isEmpty() || m_state == State::Closed)
        return;
    if (m_outCapture)
        m_outCapture->process(bytes, relay::nowUs());
    m_socket->write(bytes);
}

void EndpointConnection::updateCaptureInfo()
{
    const bool server = m_settings.localRole == Role::Server;
    int peerCode = m_peerCloseCode;
    QString peerReason = m_peerCloseReason;
    if (peerCode == -1 && m_inCapture && m_inCapture->sawClose()) {
        // A close that came while we were already failing or closing.
        peerCode = m_inCapture->closeCode();
        peerReason = m_inCapture->closeReason();
    }
    if (server) {
        m_info.clientCloseCode = peerCode;
        m_info.clientCloseReason = peerReason;
        m_info.serverCloseCode = m_localCloseCode;
    } else {
        m_info.serverCloseCode = peerCode;
        m_info.serverCloseReason = peerReason;
        m_info.clientCloseCode = m_localCloseCode;
    }
    if (m_capture.sink) {
        m_info.id = m_capture.connectionId;
        m_capture.sink->updateConnection(m_info);
    }
}

} // namespace wslens::endpoints
