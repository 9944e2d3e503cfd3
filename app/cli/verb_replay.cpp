// wslens replay: replays the client side of recorded connections against a
// server and compares what comes back (issue 9).
#include "cli/cli.h"

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

bool parseSeconds(const QString &value, double *out)
{
    bool ok = false;
    const double v = value.toDouble(&ok);
    if (!ok || !(v > 0) || v > 86400)
        return false;
    *out = v;
    return true;
}

} // namespace

int runReplay(const QStringList &arguments)
{
    replay::ClientReplayOptions options;
    QList<quint64> connectionIds;
    QString file;
    QString reportFile;
    QString saveFile;
    bool quiet = false;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &a = arguments.at(i);
        QString value;
        const auto next = [&]() {
            if (i + 1 >= arguments.size())
                return false;
            value = arguments.at(++i);
            return true;
        };
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            std::fputs(ReplayUsage, stdout);
            return Success;
        } else if (a == QLatin1String("--target")) {
            if (!next())
                return usageError("replay", QStringLiteral("--target needs a URL"));
            const QUrl url(value, QUrl::StrictMode);
            const QString scheme = url.scheme().toLower();
            if (!url.isValid() || url.host().isEmpty()
                || (scheme != QLatin1String("ws") && scheme != QLatin1String("wss")))
                return usageError("replay",
                                  QStringLiteral("--target must be ws://HOST[:PORT]/... or wss://... (got '%1')").arg(value));
            options.target = url;
        } else if (a == QLatin1String("--connection")) {
            bool ok = false;
            const quint64 id = next() ? value.toULongLong(&ok) : 0;
            if (!ok || id == 0)
                return usageError("replay", QStringLiteral("--connection needs a connection id (a number > 0)"));
            connectionIds.append(id);
        } else if (a == QLatin1String("--timing")) {
            if (!next() || !replay::parseTiming(value, &options.timing))
                return usageError("replay", QStringLiteral("--timing must be asap, original or reply"));
        } else if (a == QLatin1String("--speed")) {
            bool ok = false;
            options.speed = next() ? value.toDouble(&ok) : 0;
            if (!ok || !(options.speed > 0) || options.speed > 1e6)
                return usageError("replay", QStringLiteral("--speed needs a number > 0"));
        } else if (a == QLatin1String("--reply-timeout")) {
            double s = 0;
            if (!next() || !parseSeconds(value, &s))
                return usageError("replay", QStringLiteral("--reply-timeout needs seconds > 0"));
            options.replyTimeoutMs = int(s * 1000);
        } else if (a == QLatin1String("--linger")) {
            bool ok = false;
            options.lingerMs = next() ? value.toInt(&ok) : -1;
            if (!ok || options.lingerMs < 0 || options.lingerMs > 600000)
                return usageError("replay", QStringLiteral("--linger needs milliseconds from 0 to 600000"));
        } else if (a == QLatin1String("--ignore")) {
            replay::JsonPath path;
            QString error;
            if (!next())
                return usageError("replay", QStringLiteral("--ignore needs a JSON path such as $.ts"));
            if (!replay::JsonPath::parse(value, &path, &error))
                return usageError("replay", error);
            options.compare.ignore.append(path);
        } else if (a == QLatin1String("--mask")) {
            if (!next())
                return usageError("replay", QStringLiteral("--mask needs a regular expression"));
            const QRegularExpression re(value);
            if (!re.isValid() || value.isEmpty())
                return usageError("replay", QStringLiteral("--mask '%1': %2").arg(value, re.errorString()));
            options.compare.masks.append(re);
        } else if (a == QLatin1String("--header")) {
            const qsizetype colon = next() ? value.indexOf(QLatin1Char(':')) : -1;
            if (colon <= 0)
                return usageError("replay", QStringLiteral("--header needs 'Name: value'"));
            options.headers.append({value.left(colon).trimmed().toLatin1(), value.mid(colon + 1).trimmed().toUtf8()});
        } else if (a == QLatin1String("--origin")) {
            if (!next())
                return usageError("replay", QStringLiteral("--origin needs a value"));
            options.origin = value.toUtf8();
        } else if (a == QLatin1String("--drop-cookies")) {
            options.dropCookies = true;
        } else if (a == QLatin1String("--deflate")) {
            options.deflate = true;
        } else if (a == QLatin1String("--insecure")) {
            options.ignoreSslErrors = true;
        } else if (a == QLatin1String("--timeout")) {
            double s = 0;
            if (!next() || !parseSeconds(value, &s))
                return usageError("replay", QStringLiteral("--timeout needs seconds > 0"));
            options.connectTimeoutMs = int(s * 1000);
        } else if (a == QLatin1String("--report")) {
            if (!next() || value.isEmpty())
                return usageError("replay", QStringLiteral("--report needs a FILE"));
            reportFile = value;
        } else if (a == QLatin1String("--save")) {
            if (!next() || value.isEmpty())
                return usageError("replay", QStringLiteral("--save needs a FILE"));
            saveFile = value;
        } else if (a == QLatin1String("--quiet")) {
            quiet = true;
        } else if (a.startsWith(QLatin1String("--"))) {
            return usageError("replay", QStringLiteral("unknown option '%1' (see 'wslens replay --help')").arg(a));
        } else if (file.isEmpty()) {
            file = a;
        } else {
            return usageError("replay", QStringLiteral("unexpected argument '%1'").arg(a));
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
