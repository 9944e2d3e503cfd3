// wslens replay: replays the client side of recorded connections against a
// server and compares what comes back (issue 9).
#include "cli/cli.h"
#include "cli/optionreader.h"

#include "replay/clientreplay.h"
#include "replay/recording.h"
#include "replay/replayreport.h"
#include "replay/sessioncopy.h"
#include "store/captureloader.h"
#include "store/capturestore.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

#include <cstdio>
#include <memory>

namespace wslens::cli {

namespace {

const char ReplayUsage[] =
    "Usage:\n"
    "  wslens replay FILE [--target URL] [options]\n\n"
    "Replays the client messages of recorded connections (a session or HAR FILE)\n"
    "against a server and compares the server's messages with the recording.\n"
    "Exit status: 0 everything matched, 1 differences (missing, extra or\n"
    "differing messages), 2 error (bad file or options, cannot connect).\n\n"
    "Options:\n"
    "  --target URL           ws:// or wss:// server to use instead of the recorded one\n"
    "                         (a path in URL replaces the recorded path and query)\n"
    "  --connection ID        replay this connection (repeatable; default: every\n"
    "                         connection with data messages)\n"
    "  --timing MODE          asap (default) | original | reply\n"
    "  --speed X              original timing: play X times faster (default 1)\n"
    "  --reply-timeout S      reply timing: longest wait per message; also the wait\n"
    "                         for the last answers (default 5)\n"
    "  --linger MS            after the last expected answer, watch this long for\n"
    "                         extra ones (default 300)\n"
    "  --ignore JSONPATH      ignore this field of JSON messages (repeatable): $.ts,\n"
    "                         $.items[*].id, $[0].meta, $['a b']\n"
    "  --mask REGEX           replace matches by <masked> before comparing (repeatable)\n"
    "  --header 'K: V'        replace (or add) a request header (repeatable)\n"
    "  --origin ORIGIN        replace the recorded Origin ('' sends none)\n"
    "  --drop-cookies         do not send the recorded Cookie headers\n"
    "  --deflate              offer permessage-deflate\n"
    "  --insecure             do not verify the server certificate\n"
    "  --timeout SECONDS      for connecting (default 10)\n"
    "  --report OUT.json      write the report (summary and every difference) as JSON\n"
    "  --save FILE            write FILE: the session plus the replay runs, captured as\n"
    "                         replay connections linked to what they replay\n"
    "  --quiet                print only the total line\n";

} // namespace

int runReplay(const QStringList &arguments)
{
    replay::ClientReplayOptions options;
    QList<quint64> connectionIds;
    QString file;
    QString reportFile;
    QString saveFile;
    bool quiet = false;
    OptionReader args("replay", arguments);
    while (args.next()) {
        QString value;
        double seconds = 0;
        if (args.isHelp()) {
            std::fputs(ReplayUsage, stdout);
            return Success;
        } else if (args.is("--target")) {
            if (!args.text(&value, "a URL"))
                return args.fail();
            const QUrl url(value, QUrl::StrictMode);
            const QString scheme = url.scheme().toLower();
            if (!url.isValid() || url.host().isEmpty()
                || (scheme != QLatin1String("ws") && scheme != QLatin1String("wss")))
                return args.fail(QStringLiteral("--target must be ws://HOST[:PORT]/... or wss://... (got '%1')").arg(value));
            options.target = url;
        } else if (args.is("--connection")) {
            bool ok = false;
            const quint64 id = args.text(&value, "an id") ? value.toULongLong(&ok) : 0;
            if (!ok || id == 0)
                return args.fail(QStringLiteral("--connection needs a connection id (a number > 0)"));
            connectionIds.append(id);
        } else if (args.is("--timing")) {
            if (!args.text(&value, "a mode") || !replay::parseTiming(value, &options.timing))
                return args.fail(QStringLiteral("--timing must be asap, original or reply"));
        } else if (args.is("--speed")) {
            bool ok = false;
            options.speed = args.text(&value, "a number") ? value.toDouble(&ok) : 0;
            if (!ok || !(options.speed > 0) || options.speed > 1e6)
                return args.fail(QStringLiteral("--speed needs a number > 0"));
        } else if (args.is("--reply-timeout")) {
            if (!args.seconds(&seconds))
                return args.fail();
            options.replyTimeoutMs = int(seconds * 1000);
        } else if (args.is("--linger")) {
            if (!args.integer(&options.lingerMs, 0, 600000, "milliseconds"))
                return args.fail();
        } else if (args.is("--ignore")) {
            replay::JsonPath path;
            QString error;
            if (!args.text(&value, "a JSON path such as $.ts"))
                return args.fail();
            if (!replay::JsonPath::parse(value, &path, &error))
                return args.fail(error);
            options.compare.ignore.append(path);
        } else if (args.is("--mask")) {
            if (!args.nonEmpty(&value, "a regular expression"))
                return args.fail();
            const QRegularExpression re(value);
            if (!re.isValid())
                return args.fail(QStringLiteral("--mask '%1': %2").arg(value, re.errorString()));
            options.compare.masks.append(re);
        } else if (args.is("--header")) {
            QPair<QByteArray, QByteArray> header;
            if (!args.header(&header))
                return args.fail();
            options.headers.append(header);
        } else if (args.is("--origin")) {
            if (!args.text(&value, "a value"))
                return args.fail();
            options.origin = value.toUtf8();
        } else if (args.is("--drop-cookies")) {
            options.dropCookies = true;
        } else if (args.is("--deflate")) {
            options.deflate = true;
        } else if (args.is("--insecure")) {
            options.ignoreSslErrors = true;
        } else if (args.is("--timeout")) {
            if (!args.seconds(&seconds))
                return args.fail();
            options.connectTimeoutMs = int(seconds * 1000);
        } else if (args.is("--report")) {
            if (!args.nonEmpty(&reportFile, "a FILE"))
                return args.fail();
        } else if (args.is("--save")) {
            if (!args.nonEmpty(&saveFile, "a FILE"))
                return args.fail();
        } else if (args.is("--quiet")) {
            quiet = true;
        } else if (!args.isOption() && file.isEmpty()) {
            file = args.current();
        } else {
            return args.unknown();
        }
    }
    if (file.isEmpty())
        return usageError("replay", QStringLiteral("missing session FILE (see 'wslens replay --help')"));

    LoadedCapture loaded = loadCapture(file);
    if (!loaded.store)
        return usageError("replay", QStringLiteral("%1: %2").arg(file, loaded.error));
    QList<replay::RecordedConnection> recordings;
    QString error;
    if (!replay::loadRecordings(*loaded.store, connectionIds, &recordings, &error))
        return usageError("replay", QStringLiteral("%1: %2").arg(file, error));

    std::unique_ptr<CaptureStore> save;
    if (!saveFile.isEmpty()) {
        save = std::make_unique<CaptureStore>();
        if (!save->create(saveFile))
            return usageError("replay", QStringLiteral("cannot create %1: %2").arg(saveFile, save->errorString()));
        options.captureIds = replay::copySession(*loaded.store, *save);
        options.capture = save.get();
    }

    replay::ClientReplay engine;
    QEventLoop loop;
    QObject::connect(&engine, &replay::ClientReplay::finished, &loop, &QEventLoop::quit);
    engine.start(recordings, options);
    loop.exec();
    const replay::ReplayResult &result = engine.result();

    if (save) {
        save->close();
        if (!save->errorString().isEmpty())
            std::fprintf(stderr, "wslens replay: %s: %s\n", qPrintable(saveFile), qPrintable(save->errorString()));
    }
    if (!reportFile.isEmpty()) {
        QSaveFile out(reportFile);
        if (!out.open(QIODevice::WriteOnly)
            || out.write(QJsonDocument(replay::reportJson(result)).toJson(QJsonDocument::Indented)) < 0
            || !out.commit())
            return usageError("replay", QStringLiteral("cannot write %1: %2").arg(reportFile, out.errorString()));
    }
    const QString text = replay::reportText(result);
    if (quiet)
        std::fputs(qPrintable(text.section(QLatin1Char('\n'), -2, -2) + QLatin1Char('\n')), stdout);
    else
        std::fputs(qPrintable(text), stdout);
    std::fflush(stdout);

    if (result.hasErrors()) {
        for (const replay::ConnectionReplayResult &c : result.connections) {
            if (!c.error.isEmpty()) {
                std::fprintf(stderr, "wslens replay: %s\n", qPrintable(c.error));
                break;
            }
        }
        return UsageOrInputError;
    }
    return result.summary.allMatched() ? Success : Failure;
}

} // namespace wslens::cli
