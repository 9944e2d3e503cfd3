// wslens capture: run the relay headless and record to a session file (issue 4).
#include "cli/cli.h"

#include "endpoints/endpointaddress.h"
#include "intercept/interceptor.h"
#include "intercept/rulesfile.h"
#include "relay/relay.h"
#include "store/capturestore.h"
#include "tls/certificateauthority.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

namespace wslens::cli {

namespace {

const char CaptureUsage[] =
    "Usage: wslens capture [--listen ADDR:PORT] [--upstream URL] [--save FILE] [--duration SECONDS] [--strict]\n"
    "                      [--ca-dir DIR] [--upstream-ca FILE] [--insecure-upstream] [--pass-through PATTERN]... [--tls]\n"
    "                      [--no-tls-intercept]\n\n"
    "Runs the relay without a display. With --upstream it is a reverse proxy to that\n"
    "ws:// or wss:// URL; without, an HTTP proxy for browsers and tools (CONNECT and\n"
    "absolute-form) that intercepts TLS (wss://, https://) with certificates from the\n"
    "local CA (see 'wslens ca'; browsers must trust it, docs/TLS.md).\n\n"
    "Options:\n"
    "  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080; port 0 picks a free one)\n"
    "  --upstream URL       reverse-proxy mode: forward every connection to URL (ws:// or wss://host:port);\n"
    "                       the client's path is kept, a client asking for / gets URL's own path\n"
    "  --ca-dir DIR         folder of the interception CA (default: the app data folder)\n"
    "  --upstream-ca FILE   also trust the CA certificate(s) in FILE (PEM or DER) for servers\n"
    "  --insecure-upstream  do not verify server certificates (recorded on each connection)\n"
    "  --pass-through PAT   tunnel hosts matching PAT untouched, e.g. '*.google.com' (repeatable)\n"
    "  --no-tls-intercept   tunnel every TLS CONNECT untouched (like --pass-through '*'; no CA needed)\n"
    "  --tls                reverse-proxy mode: clients connect with TLS (wss://) to the relay\n"
    "  --save FILE          session file to write (default: a new file in the capture folder)\n"
    "  --duration SECONDS   stop after this many seconds (default: run until SIGINT/SIGTERM)\n"
    "  --strict             close a peer that breaks the protocol instead of forwarding\n"
    "  --workers N          connection threads (default 2)\n"
    "  --rules FILE         intercept rules (JSON, docs/INTERCEPT.md): replace and drop messages;\n"
    "                       breakpoints are logged and forwarded (there is no one to release them)\n";

int g_signalPipe[2] = {-1, -1};

extern "C" void onStopSignal(int)
{
    const char c = 1;
    // Only async-signal-safe work here: wake the event loop.
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &c, 1);
}

// ADDR:PORT, or just PORT / :PORT on 127.0.0.1.
bool parseListen(const QString &text, QHostAddress &address, quint16 &port)
{
    const QString t = text.trimmed();
    if (!t.contains(QLatin1Char(':')))
        return endpoints::parseEndpoint(QStringLiteral("127.0.0.1:") + t, &address, &port);
    if (t.startsWith(QLatin1Char(':')))
        return endpoints::parseEndpoint(QStringLiteral("127.0.0.1") + t, &address, &port);
    return endpoints::parseEndpoint(t, &address, &port);
}

// --ca-dir, --upstream-ca, --insecure-upstream, --pass-through, --tls.
// Returns a usage problem or "".
QString applyTlsOptions(const QCommandLineParser &parser, relay::RelayConfig &config)
{
    config.tunnelPolicy = parser.isSet(QStringLiteral("no-tls-intercept")) ? relay::TunnelPolicy::Forward
                                                                            : relay::TunnelPolicy::Intercept;
    if (parser.isSet(QStringLiteral("ca-dir"))) {
        config.caDirectory = parser.value(QStringLiteral("ca-dir"));
        if (config.caDirectory.isEmpty())
            return QStringLiteral("--ca-dir needs a folder");
    }
    if (parser.isSet(QStringLiteral("upstream-ca"))) {
        config.upstreamCaFile = parser.value(QStringLiteral("upstream-ca"));
        if (config.upstreamCaFile.isEmpty())
            return QStringLiteral("--upstream-ca needs a certificate file");
    }
    config.insecureUpstream = parser.isSet(QStringLiteral("insecure-upstream"));
    config.passThrough = parser.values(QStringLiteral("pass-through"));
    config.tlsListener = parser.isSet(QStringLiteral("tls"));
    if (config.tlsListener && config.mode != relay::RelayMode::ReverseProxy)
        return QStringLiteral("--tls is for reverse-proxy mode (use it with --upstream)");
    return {};
}

// The CA's loaded callback (on the thread that loaded it: this one, or a relay
// worker for the first TLS tunnel): permission warnings and, once, the notice
// about a new CA.
void reportLoadedCa(const tls::CertificateAuthority &ca)
{
    for (const QString &w : ca.warnings())
        std::fprintf(stderr, "wslens capture: warning: %s\n", qPrintable(w));
    if (ca.wasCreated())
        for (const QString &line : ca.createdNotice())
            std::fprintf(stderr, "wslens capture: %s\n", qPrintable(line));
    std::fflush(stderr);
}

void printLine(const QString &line)
{
    std::fprintf(stdout, "%s\n", qPrintable(line));
    std::fflush(stdout);
}

// --rules FILE: a bad file is one line naming the rule and field (exit 2).
// Headless, a breakpoint has no one to release it: held messages are logged
// and forwarded at once.
bool loadInterceptRules(const QString &path, intercept::Interceptor &interceptor)
{
    intercept::RuleList rules;
    QString error;
    if (!intercept::loadRulesFile(path, &rules, &error) || !interceptor.setRules(rules, &error)) {
        std::fprintf(stderr, "wslens capture: --rules: %s\n", qPrintable(error));
        return false;
    }
    std::fprintf(stderr, "wslens capture: %lld intercept rule(s) from %s\n", static_cast<long long>(rules.size()),
                 qPrintable(path));
    QObject::connect(&interceptor, &intercept::Interceptor::messageHeld, &interceptor,
                     [&interceptor](const intercept::HeldMessage &m) {
                         printLine(QStringLiteral("held #%1 on connection #%2 (rule %3): forwarded, no UI to hold it")
                                       .arg(m.id)
                                       .arg(m.connectionId)
                                       .arg(m.rule));
                         interceptor.forward(m.id);
                     });
    return true;
}

} // namespace

int runCapture(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QString());
    const QCommandLineOption listen(QStringLiteral("listen"), QString(), QStringLiteral("ADDR:PORT"));
    const QCommandLineOption upstream(QStringLiteral("upstream"), QString(), QStringLiteral("URL"));
    const QCommandLineOption save(QStringLiteral("save"), QString(), QStringLiteral("FILE"));
    const QCommandLineOption duration(QStringLiteral("duration"), QString(), QStringLiteral("SECONDS"));
    const QCommandLineOption strict(QStringLiteral("strict"), QString());
    const QCommandLineOption workers(QStringLiteral("workers"), QString(), QStringLiteral("N"));
    // TLS (issue 5)
    const QCommandLineOption caDir(QStringLiteral("ca-dir"), QString(), QStringLiteral("DIR"));
    const QCommandLineOption upstreamCa(QStringLiteral("upstream-ca"), QString(), QStringLiteral("FILE"));
    const QCommandLineOption insecureUpstream(QStringLiteral("insecure-upstream"), QString());
    const QCommandLineOption passThrough(QStringLiteral("pass-through"), QString(), QStringLiteral("PATTERN"));
    const QCommandLineOption tlsListener(QStringLiteral("tls"), QString());
    const QCommandLineOption noTlsIntercept(QStringLiteral("no-tls-intercept"), QString());
    parser.addOptions({help, listen, upstream, save, duration, strict, workers});
    parser.addOptions({caDir, upstreamCa, insecureUpstream, passThrough, tlsListener, noTlsIntercept});
    const QCommandLineOption rulesFile(QStringLiteral("rules"), QString(), QStringLiteral("FILE"));
    parser.addOption(rulesFile);
    QStringList argv = arguments;
    argv.prepend(QStringLiteral("wslens capture"));
    if (!parser.parse(argv)) {
        std::fprintf(stderr, "wslens capture: %s\n\n%s", qPrintable(parser.errorText()), CaptureUsage);
        return UsageOrInputError;
    }
    if (parser.isSet(help)) {
        std::fputs(CaptureUsage, stdout);
        return Success;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError("capture", QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));

    relay::RelayConfig config;
    config.listenPort = 8080;
    if (parser.isSet(listen) && !parseListen(parser.value(listen), config.listenAddress, config.listenPort))
        return usageError("capture", QStringLiteral("--listen needs ADDR:PORT, e.g. 127.0.0.1:8080"));
    if (parser.isSet(upstream)) {
        config.mode = relay::RelayMode::ReverseProxy;
        config.upstream = QUrl(parser.value(upstream), QUrl::StrictMode);
    } else {
        config.mode = relay::RelayMode::ExplicitProxy;
    }
    config.strict = parser.isSet(strict);
    if (const QString problem = applyTlsOptions(parser, config); !problem.isEmpty())
        return usageError("capture", problem);
    if (parser.isSet(workers)) {
        bool ok = false;
        config.workerThreads = parser.value(workers).toInt(&ok);
        if (!ok)
            return usageError("capture", QStringLiteral("--workers needs a number"));
    }
    double seconds = 0;
    if (parser.isSet(duration)) {
        bool ok = false;
        seconds = parser.value(duration).toDouble(&ok);
        if (!ok || seconds <= 0 || seconds > 1e7)
            return usageError("capture", QStringLiteral("--duration needs a positive number of seconds"));
    }
    const QString problem = relay::Relay::checkConfig(config);
    if (!problem.isEmpty())
        return usageError("capture", problem);

    // With --tls or --ca-dir the CA is made now (and its path shown); otherwise
    // the relay makes the default one when the first TLS tunnel needs it. Either
    // way, a new CA and a key others could read are reported when it happens.
    if (config.needsCertificateAuthority()) {
        auto ca = std::make_shared<tls::CertificateAuthority>(config.caDirectory);
        ca->setLoadedCallback(&reportLoadedCa);
        if (config.tlsListener || !config.caDirectory.isEmpty()) {
            QString error;
            if (!ca->loadOrCreate(&error)) {
                std::fprintf(stderr, "wslens capture: the interception CA cannot be used: %s\n", qPrintable(error));
                return Failure;
            }
            std::fprintf(stderr, "wslens capture: %s TLS with the CA %s (clients must trust it)\n",
                         config.tlsListener ? "serving" : "intercepting", qPrintable(ca->certificateFilePath()));
        } else {
            std::fprintf(stderr, "wslens capture: intercepting TLS with the CA in %s (made on first use; "
                                 "'wslens ca export' writes it for browsers to trust)\n", qPrintable(ca->directory()));
        }
        config.certificateAuthority = std::move(ca);
    } else if (config.mode == relay::RelayMode::ExplicitProxy && config.tunnelPolicy == relay::TunnelPolicy::Forward) {
        std::fprintf(stderr, "wslens capture: TLS tunnels (wss://, https://) are forwarded untouched, not recorded "
                             "(--no-tls-intercept)\n");
    }

    intercept::Interceptor interceptor;
    if (parser.isSet(rulesFile) && !loadInterceptRules(parser.value(rulesFile), interceptor))
        return UsageOrInputError;

    CaptureStore store;
    if (!store.create(parser.value(save))) {
        std::fprintf(stderr, "wslens capture: cannot create the session file: %s\n", qPrintable(store.errorString()));
        return Failure;
    }

    // SIGINT/SIGTERM: the handler writes to a pipe; the event loop reads it.
    if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        std::perror("wslens capture: pipe");
        return Failure;
    }
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, QCoreApplication::instance(), [] {
        char buf[16];
        while (::read(g_signalPipe[0], buf, sizeof buf) > 0) {
        }
        QCoreApplication::quit();
    });
    struct sigaction sa = {};
    sa.sa_handler = onStopSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    relay::Relay relay;
    relay.setConfig(config);
    relay.setCaptureSink(&store);
    if (parser.isSet(rulesFile))
        relay.setInterceptor(&interceptor);
    const std::shared_ptr<tls::CertificateAuthority> ca = config.certificateAuthority;
    QObject::connect(&relay, &relay::Relay::warning, &relay, [ca](const QString &w) {
        // The relay repeats the warnings of a CA loaded before it started: reportLoadedCa printed them.
        if (ca && w.startsWith(QLatin1String("CA: ")) && ca->warnings().contains(w.mid(4)))
            return;
        std::fprintf(stderr, "wslens capture: warning: %s\n", qPrintable(w));
    });
    int opened = 0;
    QObject::connect(&relay, &relay::Relay::connectionOpened, &relay,
                     [&opened](quint64 id, const QString &url, const QString &client) {
                         ++opened;
                         printLine(QStringLiteral("opened #%1 %2 from %3").arg(id).arg(url, client));
                     });
    QObject::connect(&relay, &relay::Relay::connectionClosed, &relay,
                     [](quint64 id, const QString &url, const QString &detail) {
                         printLine(QStringLiteral("closed #%1 %2: %3").arg(id).arg(url, detail));
                     });
    QObject::connect(&relay, &relay::Relay::traffic, &relay, [](const QString &line) { printLine(line); });
    if (!relay.start()) {
        std::fprintf(stderr, "wslens capture: %s\n", qPrintable(relay.errorString()));
        store.close();
        return Failure;
    }
    if (config.insecureUpstream)
        std::fprintf(stderr, "wslens capture: warning: server certificates are NOT verified (--insecure-upstream)\n");
    if (config.mode == relay::RelayMode::ReverseProxy)
        std::fprintf(stderr, "wslens capture: reverse proxy%s to %s\n", config.tlsListener ? " (TLS listener)" : "",
                     qPrintable(config.upstream.toString()));
    else
        std::fprintf(stderr, "wslens capture: HTTP proxy; set your browser's proxy to %s\n",
                     qPrintable(relay.proxyAddress()));
    std::fprintf(stderr, "wslens capture: recording to %s\n", qPrintable(store.filePath()));
    printLine(QStringLiteral("listening on ") + relay.proxyAddress());

    if (seconds > 0)
        QTimer::singleShot(qint64(seconds * 1000), QCoreApplication::instance(), &QCoreApplication::quit);
    QCoreApplication::exec();

    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    relay.stop();
    // Let the queued "closed" lines of the connections just stopped print.
    QCoreApplication::processEvents();
    store.close();
    const CaptureTotals totals = store.totals();
    printLine(QStringLiteral("stopped: %1 connections, %2 frames; session file %3")
                  .arg(opened)
                  .arg(totals.frames)
                  .arg(store.filePath()));
    if (parser.isSet(rulesFile)) {
        const intercept::RuleList rules = interceptor.rules();
        for (int i = 0; i < rules.size(); ++i)
            printLine(QStringLiteral("rule %1 (%2 %3): %4 hits")
                          .arg(i)
                          .arg(intercept::actionName(rules[i].action), intercept::directionName(rules[i].direction))
                          .arg(interceptor.hitCount(i)));
    }
    ::close(g_signalPipe[0]);
    ::close(g_signalPipe[1]);
    return store.errorString().isEmpty() ? Success : Failure;
}

} // namespace wslens::cli
