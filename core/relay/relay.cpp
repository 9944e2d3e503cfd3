#include "relay/relay.h"

#include "relay/relaylistener.h"
#include "relay/relayworker.h"
#include "relay/sessionutil.h"
#include "tls/certificateauthority.h"
#include "tls/tlscontext.h"

#include <QFileInfo>
#include <QSslCertificate>
#include <QThread>

#include <atomic>
#include <vector>

#include <unistd.h>

namespace wslens::relay {

namespace {

// The certificates in a PEM or DER file (empty if none could be read).
QList<QSslCertificate> readCertificates(const QString &path)
{
    QList<QSslCertificate> certs = QSslCertificate::fromPath(path, QSsl::Pem);
    if (certs.isEmpty())
        certs = QSslCertificate::fromPath(path, QSsl::Der);
    return certs;
}

} // namespace

struct Relay::Run
{
    std::shared_ptr<SessionContext> context;
    std::atomic<quint64> nextLocalId{0};
    std::unique_ptr<QThread> listenerThread;
    RelayListener *listener = nullptr; // lives in listenerThread
    std::vector<std::unique_ptr<QThread>> threads;
    std::vector<RelayWorker *> workers; // each lives in threads[i]
    std::atomic<unsigned> next{0};
};

Relay::Relay(QObject *parent)
    : QObject(parent)
{
}

Relay::~Relay()
{
    stop();
}

QString Relay::checkConfig(const RelayConfig &config)
{
    if (config.mode == RelayMode::ReverseProxy) {
        const QString scheme = config.upstream.scheme();
        if (!config.upstream.isValid() || config.upstream.host().isEmpty())
            return QStringLiteral("reverse-proxy mode needs an upstream URL such as ws://127.0.0.1:8080/");
        if (scheme != QLatin1String("ws") && scheme != QLatin1String("http") && scheme != QLatin1String("wss")
            && scheme != QLatin1String("https"))
            return QStringLiteral("upstream scheme '%1' is not supported (use ws:// or wss://)").arg(scheme);
    } else if (config.tlsListener) {
        return QStringLiteral("a TLS listener is for reverse-proxy mode (with an upstream URL)");
    }
    for (const QString &pattern : config.passThrough) {
        const QString problem = HostPatternList::check(pattern);
        if (!problem.isEmpty())
            return QStringLiteral("pass-through pattern: ") + problem;
    }
    if (!config.upstreamCaFile.isEmpty()) {
        if (!QFileInfo(config.upstreamCaFile).isFile())
            return QStringLiteral("upstream CA file '%1' does not exist").arg(config.upstreamCaFile);
        if (readCertificates(config.upstreamCaFile).isEmpty())
            return QStringLiteral("upstream CA file '%1' holds no PEM or DER certificate").arg(config.upstreamCaFile);
    }
    if ((config.needsCertificateAuthority() || !config.upstreamCaFile.isEmpty() || config.insecureUpstream)
        && !tls::TlsContext::backendAvailable())
        return QStringLiteral("TLS is not available (Qt has no working TLS backend)");
    if (config.workerThreads < 1 || config.workerThreads > 64)
        return QStringLiteral("worker thread count must be between 1 and 64");
    return {};
}

bool Relay::start()
{
    if (m_run)
        return true;
    m_error = checkConfig(m_config);
    if (!m_error.isEmpty()) {
        setState(State::Failed);
        return false;
    }
    auto run = std::make_unique<Run>();
    run->context = std::make_shared<SessionContext>();
    run->context->config = m_config;
    run->context->sink = m_sink;
    run->context->interceptor = m_interceptor;
    run->context->nextLocalId = &run->nextLocalId;
    if (!setUpTls(*run->context)) {
        setState(State::Failed);
        return false;
    }

    for (int i = 0; i < m_config.workerThreads; ++i) {
        auto thread = std::make_unique<QThread>();
        thread->setObjectName(QStringLiteral("wslens-relay-%1").arg(i));
        auto *worker = new RelayWorker(run->context);
        worker->moveToThread(thread.get());
        connect(thread.get(), &QThread::finished, worker, &QObject::deleteLater);
        connect(worker, &RelayWorker::connectionOpened, this, &Relay::connectionOpened, Qt::QueuedConnection);
        connect(worker, &RelayWorker::connectionClosed, this, &Relay::connectionClosed, Qt::QueuedConnection);
        connect(worker, &RelayWorker::traffic, this, &Relay::traffic, Qt::QueuedConnection);
        thread->start();
        run->workers.push_back(worker);
        run->threads.push_back(std::move(thread));
    }

    Run *r = run.get();
    run->listenerThread = std::make_unique<QThread>();
    run->listenerThread->setObjectName(QStringLiteral("wslens-relay-listen"));
    run->listener = new RelayListener([r](qintptr fd) {
        RelayWorker *w = r->workers[r->next.fetch_add(1) % r->workers.size()];
        if (!QMetaObject::invokeMethod(w, [w, fd] { w->adopt(fd); }, Qt::QueuedConnection))
            ::close(int(fd));
    });
    connect(run->listener, &RelayListener::problem, this, &Relay::warning, Qt::QueuedConnection);
    run->listener->moveToThread(run->listenerThread.get());
    connect(run->listenerThread.get(), &QThread::finished, run->listener, &QObject::deleteLater);
    run->listenerThread->start();

    bool ok = false;
    QString error;
    QHostAddress bound;
    quint16 port = 0;
    RelayListener *listener = run->listener;
    const RelayConfig cfg = m_config;
    QMetaObject::invokeMethod(
        listener,
        [&] {
            listener->setListenBacklogSize(cfg.listenBacklog);
            ok = listener->listen(cfg.listenAddress, cfg.listenPort);
            if (ok) {
                bound = listener->serverAddress();
                port = listener->serverPort();
            } else {
                error = listener->errorString();
            }
        },
        Qt::BlockingQueuedConnection);
    m_run = std::move(run);
    if (!ok) {
        stop();
        m_error = QStringLiteral("cannot listen on %1: %2")
                      .arg(sessionutil::endpointString(cfg.listenAddress, cfg.listenPort), error);
        setState(State::Failed);
        return false;
    }
    m_boundAddress = bound;
    m_boundPort = port;
    setState(State::Listening);
    if (m_config.exposedBeyondLoopback())
        emit warning(QStringLiteral("the relay listens on %1, reachable from other machines; "
                                    "anyone who can reach it can use it as a proxy")
                         .arg(proxyAddress()));
    return true;
}

void Relay::stop()
{
    if (!m_run)
        return;
    std::unique_ptr<Run> run = std::move(m_run);
    // 1. Stop accepting. Descriptors already queued to workers are adopted and then shut down.
    RelayListener *listener = run->listener;
    QMetaObject::invokeMethod(listener, [listener] { listener->close(); }, Qt::BlockingQueuedConnection);
    run->listenerThread->quit();
    run->listenerThread->wait();
    // 2. Close every connection on its own thread, then join.
    for (std::size_t i = 0; i < run->workers.size(); ++i) {
        RelayWorker *w = run->workers[i];
        QMetaObject::invokeMethod(w, [w] { w->shutdownAll(); }, Qt::BlockingQueuedConnection);
        run->threads[i]->quit();
        run->threads[i]->wait();
    }
    // Workers and the listener were deleted by deleteLater when their threads finished;
    // anything still queued was destroyed with the thread's event loop.
    m_boundPort = 0;
    if (m_state != State::Failed)
        setState(State::Stopped);
}

QString Relay::proxyAddress() const
{
    if (m_state != State::Listening)
        return {};
    if (m_boundAddress.protocol() == QAbstractSocket::IPv6Protocol)
        return QLatin1Char('[') + m_boundAddress.toString() + QStringLiteral("]:") + QString::number(m_boundPort);
    return m_boundAddress.toString() + QLatin1Char(':') + QString::number(m_boundPort);
}

int Relay::activeConnections() const
{
    if (!m_run)
        return 0;
    int total = 0;
    for (RelayWorker *w : m_run->workers) {
        int n = 0;
        QMetaObject::invokeMethod(w, [w, &n] { n = w->sessionCount(); }, Qt::BlockingQueuedConnection);
        total += n;
    }
    return total;
}

bool Relay::setUpTls(SessionContext &context)
{
    const RelayConfig &cfg = m_config;
    context.passThrough = HostPatternList(cfg.passThrough);
    if (cfg.needsCertificateAuthority()) {
        // The CA is loaded (or made) by the first session that needs it
        // ("generated on first use"); a relay that never sees TLS never touches it.
        std::shared_ptr<tls::CertificateAuthority> ca = cfg.certificateAuthority;
        if (!ca)
            ca = std::make_shared<tls::CertificateAuthority>(cfg.caDirectory);
        for (const QString &w : ca->warnings())
            emit warning(QStringLiteral("CA: ") + w);
        context.ca = std::move(ca);
    }
    // OpenSSL contexts shared by every session (TlsSocket, docs/TLS.md): the
    // client side of interception / a TLS listener, and connections to servers.
    QString error;
    if (cfg.needsCertificateAuthority()) {
        context.clientSideTls = tls::TlsContext::makeServer({}, &error); // ALPN http/1.1 only
        if (!context.clientSideTls) {
            m_error = QStringLiteral("TLS: ") + error;
            return false;
        }
    }
    tls::TlsContext::ClientOptions upstream;
    upstream.verifyPeer = !cfg.insecureUpstream; // errors are still collected, and the record says so
    if (!cfg.upstreamCaFile.isEmpty()) {
        upstream.extraCaCertificates = readCertificates(cfg.upstreamCaFile);
        if (upstream.extraCaCertificates.isEmpty()) {
            m_error = QStringLiteral("upstream CA file '%1' holds no certificate").arg(cfg.upstreamCaFile);
            return false;
        }
    }
    context.upstreamTls = tls::TlsContext::makeClient(upstream, &error);
    if (!context.upstreamTls) {
        m_error = QStringLiteral("TLS: ") + error;
        return false;
    }
    return true;
}

void Relay::setState(State s)
{
    if (m_state == s)
        return;
    m_state = s;
    emit stateChanged(s);
}

} // namespace wslens::relay
