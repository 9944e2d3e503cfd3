#include "endpoints/clientworker.h"

#include "endpoints/deflatecodec.h"
#include "endpoints/endpointaddress.h"
#include "relay/closeframe.h"

#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

namespace wslens::endpoints {

namespace {

QByteArray authority(const QString &host, quint16 port)
{
    const QByteArray h = host.contains(QLatin1Char(':')) ? '[' + host.toLatin1() + ']' : host.toLatin1();
    return h + ':' + QByteArray::number(port);
}

} // namespace

ClientWorker::ClientWorker()
    : m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this]() { failWith(QStringLiteral("timed out while connecting")); });
}

ClientWorker::~ClientWorker() = default;

void ClientWorker::open(const ClientOptions &options)
{
    m_options = options;
    m_options.connection.localRole = Role::Client;
    const QUrl &url = m_options.url;
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("ws") && scheme != QLatin1String("wss")) {
        failWith(QStringLiteral("unsupported URL scheme '%1' (use ws:// or wss://)").arg(url.scheme()));
        return;
    }
    if (!url.isValid() || url.host().isEmpty()) {
        failWith(QStringLiteral("invalid URL '%1'").arg(url.toString()));
        return;
    }
    m_tls = scheme == QLatin1String("wss");
    m_host = url.host();
    m_port = quint16(url.port(m_tls ? 443 : 80));

    if (m_tls) {
        auto *ssl = new QSslSocket(this);
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        QList<QSslCertificate> cas = m_options.useSystemCaCertificates ? QSslConfiguration::systemCaCertificates()
                                                                        : QList<QSslCertificate>();
        cas += m_options.caCertificates;
        config.setCaCertificates(cas);
        config.setPeerVerifyMode(QSslSocket::VerifyPeer);
        ssl->setSslConfiguration(config);
        ssl->setPeerVerifyName(m_host);
        connect(ssl, &QSslSocket::encrypted, this, &ClientWorker::sendUpgrade);
        connect(ssl, &QSslSocket::sslErrors, this, [this, ssl](const QList<QSslError> &errors) {
            if (m_options.ignoreSslErrors) {
                ssl->ignoreSslErrors();
                return;
            }
            QStringList texts;
            for (const QSslError &e : errors)
                texts << e.errorString();
            failWith(QStringLiteral("TLS: ") + texts.join(QStringLiteral("; ")));
        });
        m_socket = ssl;
    } else {
        m_socket = new QTcpSocket(this);
    }
    connect(m_socket, &QAbstractSocket::connected, this, &ClientWorker::onConnected);
    connect(m_socket, &QAbstractSocket::readyRead, this, &ClientWorker::onReadyRead);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_stage != Stage::Open)
            failWith(m_socket->errorString());
    });
    m_timer->start(m_options.connectTimeoutMs);
    m_stage = Stage::Tcp;
    if (!m_options.proxyHost.isEmpty())
        m_socket->connectToHost(m_options.proxyHost, m_options.proxyPort);
    else
        m_socket->connectToHost(m_host, m_port);
}

void ClientWorker::onConnected()
{
    if (m_stage != Stage::Tcp)
        return;
    if (!m_options.proxyHost.isEmpty()) {
        m_stage = Stage::Proxy;
        const QByteArray target = authority(m_host, m_port);
        m_socket->write("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
        return;
    }
    if (m_tls)
        startTls();
    else
        sendUpgrade();
}

void ClientWorker::startTls()
{
    m_stage = Stage::Tls;
    static_cast<QSslSocket *>(m_socket)->startClientEncryption();
}

void ClientWorker::sendUpgrade()
{
    m_stage = Stage::Upgrade;
    m_head.reset();
    UpgradeRequestOptions o;
    const bool defaultPort = m_port == (m_tls ? 443 : 80);
    o.host = defaultPort ? (m_host.contains(QLatin1Char(':')) ? '[' + m_host.toLatin1() + ']' : m_host.toLatin1())
                         : authority(m_host, m_port);
    QByteArray resource = m_options.url.path(QUrl::FullyEncoded).toLatin1();
    if (resource.isEmpty())
        resource = "/";
    if (m_options.url.hasQuery())
        resource += '?' + m_options.url.query(QUrl::FullyEncoded).toLatin1();
    o.resourceName = resource;
    o.protocols = m_options.subprotocols;
    if (m_options.deflate)
        o.extensions = deflateClientOffer();
    o.origin = m_options.origin;
    o.extraHeaders = m_options.headers;
    m_request = buildUpgradeRequest(o);
    m_socket->write(m_request.bytes);
}

void ClientWorker::onReadyRead()
{
    if (m_stage == Stage::Proxy)
        handleProxyAnswer();
    else if (m_stage == Stage::Upgrade)
        handleUpgradeAnswer();
}

void ClientWorker::handleProxyAnswer()
{
    const QByteArray chunk = m_socket->readAll();
    std::size_t consumed = 0;
    const auto status = m_head.feed(chunk, &consumed);
    if (status == HttpHeadParser::Status::NeedMore)
        return;
    if (status == HttpHeadParser::Status::Error) {
        failWith(QStringLiteral("proxy answer does not parse: ") + m_head.errorString());
        return;
    }
    const HttpHead head = m_head.takeHead();
    if (head.statusCode < 200 || head.statusCode > 299) {
        failWith(QStringLiteral("proxy refused CONNECT: %1 %2").arg(head.statusCode).arg(QString::fromLatin1(head.reason)));
        return;
    }
    if (qsizetype(consumed) < chunk.size()) {
        failWith(QStringLiteral("proxy sent bytes after its CONNECT answer"));
        return;
    }
    if (m_tls)
        startTls();
    else
        sendUpgrade();
}

void ClientWorker::handleUpgradeAnswer()
{
    const QByteArray chunk = m_socket->readAll();
    std::size_t consumed = 0;
    const auto status = m_head.feed(chunk, &consumed);
    if (status == HttpHeadParser::Status::NeedMore)
        return;
    if (status == HttpHeadParser::Status::Error) {
        failWith(QStringLiteral("upgrade answer does not parse: ") + m_head.errorString());
        return;
    }
    const HttpHead response = m_head.takeHead();
    UpgradeResponseInfo agreed;
    const HandshakeResult result = validateUpgradeResponse(response, clientOfferFromRequest(m_request.head), &agreed);
    if (!result.ok()) {
        failWith(QStringLiteral("handshake failed (%1 %2): %3")
                     .arg(response.statusCode)
                     .arg(QString::fromLatin1(response.reason), result.message));
        return;
    }
    bool deflate = false;
    DeflateParams params;
    QString error;
    if (!acceptDeflateResponse(agreed.extensions, &deflate, &params, &error)) {
        failWith(QStringLiteral("handshake failed: ") + error);
        return;
    }
    m_timer->stop();
    m_stage = Stage::Open;

    ConnectionInfo info;
    info.url = m_options.url.toString();
    info.mode = ConnectionMode::LocalClient;
    info.clientEndpoint = endpointOf(m_socket->localAddress(), m_socket->localPort());
    info.serverEndpoint = endpointOf(m_socket->peerAddress(), m_socket->peerPort());
    info.requestMethod = m_request.head.method;
    info.requestTarget = m_request.head.target;
    info.requestHeaders = m_request.head.headers;
    info.responseStatus = response.statusCode;
    info.responseReason = response.reason;
    info.responseHeaders = response.headers;
    info.subprotocol = agreed.protocol;
    info.extensions = agreed.extensions;
    info.handshakeDoneUs = relay::nowUs();
    info.openedUs = info.handshakeDoneUs;
    info.tls = m_tls;
    info.insecureUpstream = m_tls && m_options.ignoreSslErrors;

    CaptureTarget capture;
    if (m_options.capture) {
        capture.sink = m_options.capture;
        capture.connectionId = m_options.capture->openConnection(info);
        info.id = capture.connectionId;
    }
    std::unique_ptr<DeflateCodec> codec;
    if (deflate)
        codec = std::make_unique<DeflateCodec>(Role::Client, params, m_options.connection.limits.maxDecompressedSize);
    m_socket->disconnect(this);
    QAbstractSocket *socket = m_socket;
    m_socket = nullptr;
    m_connection = new EndpointConnection(socket, m_options.connection, std::move(codec), capture, info, this);
    connect(m_connection, &EndpointConnection::messageReceived, this, &ClientWorker::messageReceived);
    connect(m_connection, &EndpointConnection::pingReceived, this, &ClientWorker::pingReceived);
    connect(m_connection, &EndpointConnection::pongReceived, this, &ClientWorker::pongReceived);
    connect(m_connection, &EndpointConnection::closeReceived, this, &ClientWorker::closeReceived);
    connect(m_connection, &EndpointConnection::protocolViolation, this, &ClientWorker::violationDetected);
    connect(m_connection, &EndpointConnection::finished, this, [this]() {
        Q_EMIT disconnected(m_connection->peerCloseCode(), m_connection->localCloseCode(), m_connection->info().error);
    });
    Q_EMIT connected(info);
    m_connection->start(chunk.mid(qsizetype(consumed)));
}

void ClientWorker::failWith(const QString &error)
{
    if (m_stage == Stage::Failed || m_stage == Stage::Open)
        return;
    m_stage = Stage::Failed;
    m_timer->stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    Q_EMIT failed(error);
}

void ClientWorker::abort()
{
    if (m_connection)
        m_connection->abort();
    else
        failWith(QStringLiteral("aborted"));
}

} // namespace wslens::endpoints
