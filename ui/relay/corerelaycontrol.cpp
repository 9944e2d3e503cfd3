// The RelayControl adapter over the relay engine (core/relay/relay.h).
#include "relay/relaycontrol.h"

#include "relay/relay.h"
#include "tls/certificateauthority.h"

#include <QHostAddress>
#include <QUrl>

namespace wslens::ui {

namespace {

class CoreRelayControl final : public RelayControl
{
public:
    explicit CoreRelayControl(QObject *parent)
        : RelayControl(parent)
        , m_relay(new relay::Relay(this))
    {
        connect(m_relay, &relay::Relay::stateChanged, this, [this](relay::Relay::State s) {
            if (s == relay::Relay::State::Stopped && state() != State::Stopped)
                setState(State::Stopped);
        });
        connect(m_relay, &relay::Relay::traffic, this, &RelayControl::traffic);
        connect(m_relay, &relay::Relay::warning, this, [this](const QString &text) {
            if (!text.startsWith(QLatin1String("CA: "))) // CA news comes through caNotice
                emit warning(text);
        });
    }

    ~CoreRelayControl() override { m_relay->stop(); } // no CA callback after this

    bool isAvailable() const override { return true; }

    void start(const RelaySettings &settings, CaptureSink *sink) override
    {
        if (m_relay->isRunning())
            m_relay->stop();
        relay::RelayConfig config;
        config.mode = settings.mode == RelaySettings::Mode::ReverseProxy ? relay::RelayMode::ReverseProxy
                                                                         : relay::RelayMode::ExplicitProxy;
        config.listenAddress = settings.listenHost == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost)
                                                                                 : QHostAddress(settings.listenHost);
        config.listenPort = settings.listenPort;
        if (config.mode == relay::RelayMode::ReverseProxy)
            config.upstream = QUrl(settings.upstream);
        const RelayOptions &o = settings.options;
        config.tunnelPolicy = o.interceptTls ? relay::TunnelPolicy::Intercept : relay::TunnelPolicy::Forward;
        config.passThrough = o.passThrough;
        config.upstreamCaFile = o.upstreamCaFile;
        config.insecureUpstream = o.insecureUpstream;
        config.tlsListener = config.mode == relay::RelayMode::ReverseProxy && o.tlsListener;
        config.strict = o.strict;
        config.maxFrameSize = quint64(o.maxFrameMiB) << 20;
        config.maxMessageSize = quint64(o.maxMessageMiB) << 20;
        config.maxDecompressedSize = quint64(o.maxDecompressedMiB) << 20;
        if (const QString problem = relay::Relay::checkConfig(config); !problem.isEmpty()) {
            setState(State::Failed, 0, problem);
            return;
        }
        if (config.needsCertificateAuthority()) {
            // The relay makes (or loads) the CA on its first TLS tunnel, on a worker thread.
            auto ca = std::make_shared<tls::CertificateAuthority>(config.caDirectory);
            ca->setLoadedCallback([this](const tls::CertificateAuthority &loaded) {
                const QString text = caNoticeText(loaded);
                if (!text.isEmpty())
                    QMetaObject::invokeMethod(this, [this, text] { emit caNotice(text); }, Qt::QueuedConnection);
            });
            config.certificateAuthority = std::move(ca);
        }
        setState(State::Starting);
        m_relay->setConfig(config);
        m_relay->setCaptureSink(sink);
        m_relay->setInterceptor(m_interceptor);
        if (m_relay->start())
            setState(State::Running, m_relay->listenPort());
        else
            setState(State::Failed, 0, m_relay->errorString());
    }

    void stop() override
    {
        if (state() == State::Stopped)
            return;
        setState(State::Stopping);
        m_relay->stop();
        setState(State::Stopped);
    }

    int activeConnections() const override { return m_relay->activeConnections(); }
    void setInterceptor(intercept::Interceptor *interceptor) override { m_interceptor = interceptor; }

private:
    static QString caNoticeText(const tls::CertificateAuthority &ca)
    {
        QStringList parts = ca.warnings();
        if (ca.wasCreated())
            parts << tr("Created a local CA for wss:// interception in %1 (its private key is 0600 in a 0700 folder). "
                        "Browsers must trust it: Tools → CA Certificate… → Export, then import it (docs/TLS.md).")
                         .arg(ca.directory());
        return parts.join(QLatin1Char(' '));
    }

    relay::Relay *m_relay;
    intercept::Interceptor *m_interceptor = nullptr;
};

} // namespace

RelayControl *createRelayControl(QObject *parent)
{
    return new CoreRelayControl(parent);
}

} // namespace wslens::ui
