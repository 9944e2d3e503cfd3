// wslens serve: the built-in test server, headless (issue 7).
#include "cli/cli.h"
#include "cli/optionreader.h"

#include "endpoints/serveroptionstext.h"
#include "endpoints/serverscript.h"
#include "endpoints/wsserver.h"
#include "replay/mockserver.h"
#include "store/capturestore.h"
#include "tls/certificateauthority.h"

#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <memory>

#include <fcntl.h>
#include <unistd.h>

namespace wslens::cli {

namespace {

const char ServeUsage[] =
    "Usage:\n"
    "  wslens serve [--listen ADDR:PORT] (--echo | --broadcast | --script FILE | --replay FILE) [options]\n\n"
    "Runs the built-in WebSocket server until SIGINT or SIGTERM. Prints\n"
    "\"listening on HOST:PORT\" once it listens (port 0 picks a free port).\n\n"
    "Options:\n"
    "  --listen ADDR:PORT     address to listen on (default 127.0.0.1:9001; [::1]:0 for IPv6)\n"
    "  --echo                 send every message back to its sender\n"
    "  --broadcast            send every message to all other clients\n"
    "  --script FILE          scripted behaviour (JSON, see docs/SCRIPTS.md)\n"
    "  --replay FILE          answer from a recorded session (mock server, see docs/REPLAY.md):\n"
    "                         each client gets the next recorded connection with its path\n"
    "  --connection ID        --replay: answer from this recorded connection (repeatable;\n"
    "                         default: every connection with data messages)\n"
    "  --match-path           --replay: close (1008) clients whose path no recording has,\n"
    "                         instead of answering them from the next recording\n"
    "  --timing MODE          --replay: asap (default) | original (the recorded gaps)\n"
    "  --speed X              --replay, original timing: play X times faster (default 1)\n"
    "  --subprotocol P        accept subprotocol P (repeatable, in preference order)\n"
    "  --no-deflate           refuse permessage-deflate offers\n"
    "  --allow-origin ORIGIN  accept only this Origin (repeatable; default: any)\n"
    "  --save FILE            capture every frame into the session file FILE\n"
    "  --wss                  TLS (wss://) with a certificate from the local CA\n"
    "  --cert-host NAME       host name or IP the certificate is for (default: the listen address)\n"
    "  --ca-dir DIR           folder of the local CA (default: see 'wslens ca path')\n";

// How much longer than the grace period the stop may take before serve quits anyway.
constexpr int kStopMarginMs = 1000;

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &c, 1);
}

} // namespace

int runServe(const QStringList &arguments)
{
    QHostAddress address(QHostAddress::LocalHost);
    quint16 port = 9001;
    QString mode;
    QString scriptFile;
    QString replayFile;
    QList<quint64> replayConnections;
    replay::MockOptions mock;
    bool mockOptionGiven = false;
    QString saveFile;
    bool wss = false;
    QString certHost;
    QString caDir;
    QStringList subprotocols; // checked once all are read
    QStringList origins;
    endpoints::ServerOptions options;
    OptionReader args("serve", arguments);
    const auto chooseMode = [&](const QString &chosen) {
        if (!mode.isEmpty())
            return false;
        mode = chosen;
        return true;
    };
    const QString oneMode = QStringLiteral("give only one of --echo, --broadcast, --script, --replay");
    while (args.next()) {
        QString value;
        if (args.isHelp()) {
            std::fputs(ServeUsage, stdout);
            return Success;
        } else if (args.is("--listen")) {
            if (!args.listenAddress(&address, &port))
                return args.fail();
        } else if (args.is("--echo") || args.is("--broadcast")) {
            if (!chooseMode(args.current().mid(2)))
                return args.fail(oneMode);
        } else if (args.is("--script")) {
            if (!chooseMode(QStringLiteral("script")))
                return args.fail(oneMode);
            if (!args.nonEmpty(&scriptFile, "a FILE"))
                return args.fail();
        } else if (args.is("--replay")) {
            if (!chooseMode(QStringLiteral("replay")))
                return args.fail(oneMode);
            if (!args.nonEmpty(&replayFile, "a FILE"))
                return args.fail();
        } else if (args.is("--connection")) {
            bool ok = false;
            const quint64 id = args.text(&value, "an id") ? value.toULongLong(&ok) : 0;
            if (!ok || id == 0)
                return args.fail(QStringLiteral("--connection needs a connection id (a number > 0)"));
            replayConnections.append(id);
            mockOptionGiven = true;
        } else if (args.is("--match-path")) {
            mock.matchPath = true;
            mockOptionGiven = true;
        } else if (args.is("--timing")) {
            if (!args.text(&value, "a mode") || !replay::parseTiming(value, &mock.timing)
                || mock.timing == replay::Timing::Reply)
                return args.fail(QStringLiteral("--timing must be asap or original"));
            mockOptionGiven = true;
        } else if (args.is("--speed")) {
            bool ok = false;
            mock.speed = args.text(&value, "a number") ? value.toDouble(&ok) : 0;
            if (!ok || !(mock.speed > 0) || mock.speed > 1e6)
                return args.fail(QStringLiteral("--speed needs a number > 0"));
            mockOptionGiven = true;
        } else if (args.is("--subprotocol")) {
            if (!args.nonEmpty(&value, "a name"))
                return args.fail();
            subprotocols.append(value);
        } else if (args.is("--no-deflate")) {
            options.deflate = false;
        } else if (args.is("--allow-origin")) {
            if (!args.nonEmpty(&value, "an origin"))
                return args.fail();
            origins.append(value);
        } else if (args.is("--wss")) {
            wss = true;
        } else if (args.is("--cert-host")) {
            if (!args.nonEmpty(&certHost, "a host name or IP"))
                return args.fail();
        } else if (args.is("--ca-dir")) {
            if (!args.nonEmpty(&caDir, "a folder"))
                return args.fail();
        } else if (args.is("--save")) {
            if (!args.nonEmpty(&saveFile, "a FILE"))
                return args.fail();
        } else {
            return args.unknown();
        }
    }
    QString listError;
    if (!endpoints::parseSubprotocols(subprotocols, &options.subprotocols, &listError))
        return usageError("serve", QStringLiteral("--subprotocol: ") + listError);
    if (!endpoints::parseOrigins(origins, &options.allowedOrigins, &listError))
        return usageError("serve", QStringLiteral("--allow-origin: ") + listError);
    if (mode.isEmpty())
        return usageError("serve", QStringLiteral("choose --echo, --broadcast, --script FILE or --replay FILE"));
    if (mockOptionGiven && mode != QLatin1String("replay"))
        return usageError("serve", QStringLiteral("--connection, --match-path, --timing and --speed belong to --replay"));

    if (mode == QLatin1String("script")) {
        QFile file(scriptFile);
        if (!file.open(QIODevice::ReadOnly))
            return usageError("serve", QStringLiteral("cannot read %1: %2").arg(scriptFile, file.errorString()));
        endpoints::ServerScript script;
        QString error;
        if (!endpoints::parseServerScript(file.read(4 * 1024 * 1024), &script, &error))
            return usageError("serve", QStringLiteral("%1: %2").arg(scriptFile, error));
        options.behaviour = [script]() { return endpoints::makeScriptBehaviour(script); };
    } else if (mode == QLatin1String("replay")) {
        mock.notice = [](const QString &line) {
            std::fprintf(stderr, "wslens serve: %s\n", qPrintable(line));
        };
        mock.unexpected = [](int index, const replay::ComparedMessage &expected, const replay::ComparedMessage &received) {
            std::fprintf(stderr, "wslens serve: %s\n", qPrintable(replay::describeUnexpected(index, expected, received)));
        };
        QString error;
        if (!replay::loadMockFactory(replayFile, replayConnections, mock, &options.behaviour, &error))
            return usageError("serve", error);
    } else if (mode == QLatin1String("broadcast")) {
        options.behaviour = []() { return endpoints::makeBroadcastBehaviour(); };
    } else {
        options.behaviour = []() { return endpoints::makeEchoBehaviour(); };
    }

    if ((!certHost.isEmpty() || !caDir.isEmpty()) && !wss)
        return usageError("serve", QStringLiteral("--cert-host and --ca-dir belong to --wss"));
    std::unique_ptr<tls::CertificateAuthority> ca;
    if (wss) {
        ca = std::make_unique<tls::CertificateAuthority>(caDir);
        QString error;
        if (!ca->loadOrCreate(&error)) {
            std::fprintf(stderr, "wslens serve: local CA: %s\n", qPrintable(error));
            return Failure;
        }
        const QString host = certHost.isEmpty() ? address.toString() : certHost;
        QSslConfiguration config = ca->serverConfigurationFor(host, &error);
        if (config.localCertificate().isNull()) {
            std::fprintf(stderr, "wslens serve: no certificate for %s: %s\n", qPrintable(host), qPrintable(error));
            return Failure;
        }
        options.tls = config;
        std::fprintf(stderr, "wslens serve: wss with a certificate for %s (trust %s)\n", qPrintable(host),
                     qPrintable(ca->certificateFilePath()));
    }

    std::unique_ptr<CaptureStore> store;
    if (!saveFile.isEmpty()) {
        store = std::make_unique<CaptureStore>();
        if (!store->create(saveFile)) {
            std::fprintf(stderr, "wslens serve: cannot create %s: %s\n", qPrintable(saveFile),
                         qPrintable(store->errorString()));
            return UsageOrInputError;
        }
        options.capture = store.get();
    }

    options.address = address;
    options.port = port;
    endpoints::WsServer server;
    QString error;
    if (!server.listen(options, &error)) {
        std::fprintf(stderr, "wslens serve: cannot listen on %s:%u: %s\n", qPrintable(address.toString()),
                     unsigned(port), qPrintable(error));
        return UsageOrInputError;
    }

    QObject::connect(&server, &endpoints::WsServer::connectionOpened, &server,
                     [](quint64 id, const ConnectionInfo &info) {
                         std::fprintf(stderr, "connection %llu opened from %s\n", static_cast<unsigned long long>(id),
                                      qPrintable(info.clientEndpoint));
                     });
    QObject::connect(&server, &endpoints::WsServer::connectionClosed, &server,
                     [](quint64 id, int peer, int local, const QString &err) {
                         std::fprintf(stderr, "connection %llu closed (peer %d, ours %d)%s%s\n",
                                      static_cast<unsigned long long>(id), peer, local, err.isEmpty() ? "" : ": ",
                                      qPrintable(err));
                     });
    QObject::connect(&server, &endpoints::WsServer::handshakeRejected, &server,
                     [](const QString &peer, const QString &reason) {
                         std::fprintf(stderr, "handshake from %s rejected: %s\n", qPrintable(peer), qPrintable(reason));
                     });

    // SIGINT/SIGTERM -> self-pipe -> quit the event loop.
    if (::pipe(g_signalPipe) != 0) {
        std::perror("wslens serve: pipe");
        return Failure;
    }
    ::fcntl(g_signalPipe[1], F_SETFL, O_NONBLOCK);
    // The stop runs while the event loop does, so every connection's "closed"
    // line (1001) is printed; the loop ends on stopped(). The stop is bounded
    // by the grace period; the timer is a last resort should stopped() not come.
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QTimer stopDeadline;
    stopDeadline.setSingleShot(true);
    QObject::connect(&server, &endpoints::WsServer::stopped, &server, []() { QCoreApplication::quit(); });
    QObject::connect(&stopDeadline, &QTimer::timeout, &server, []() { QCoreApplication::quit(); });
    QObject::connect(&notifier, &QSocketNotifier::activated, &server, [&server, &stopDeadline, &options]() {
        char drain[16];
        [[maybe_unused]] const auto n = ::read(g_signalPipe[0], drain, sizeof drain);
        if (stopDeadline.isActive())
            return; // already stopping
        stopDeadline.start(options.stopGraceMs + kStopMarginMs);
        server.stopAsync();
    });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);

    const QString host = server.serverAddress().protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + server.serverAddress().toString() + QLatin1Char(']')
        : server.serverAddress().toString();
    std::printf("listening on %s:%u\n", qPrintable(host), unsigned(server.serverPort()));
    std::fflush(stdout);

    QCoreApplication::exec();

    server.stop(); // done already, unless the deadline ended the loop
    if (store)
        store->close();
    ::close(g_signalPipe[0]);
    ::close(g_signalPipe[1]);
    std::fprintf(stderr, "wslens serve: stopped\n");
    return Success;
}

} // namespace wslens::cli
