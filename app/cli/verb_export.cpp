// wslens export: write a session (or HAR) file as HAR or JSON Lines (issue 3).
#include "cli/cli.h"

#include "store/captureloader.h"
#include "store/har.h"
#include "store/jsonlines.h"

#include <QCommandLineParser>
#include <QFile>
#include <QSaveFile>

#include <cstdio>

namespace wslens::cli {

namespace {

const char ExportUsage[] =
    "Usage: wslens export FILE --format har|jsonl -o OUT\n\n"
    "Writes a wslens session file (or a HAR file) as:\n"
    "  har     HAR 1.2 with Chrome's _webSocketMessages (loads in Chrome DevTools and HAR viewers)\n"
    "  jsonl   the JSON Lines of 'wslens inspect FILE --frames'\n"
    "OUT is used exactly as given ('-' writes to standard output).\n";

} // namespace

int runExport(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QString());
    const QCommandLineOption format(QStringLiteral("format"), QString(), QStringLiteral("FORMAT"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QString(), QStringLiteral("OUT"));
    parser.addOptions({help, format, output});
    if (!parser.parse(QStringList{QStringLiteral("wslens")} + arguments))
        return usageError("export", parser.errorText() + QStringLiteral(" (see wslens export --help)"));
    if (parser.isSet(help)) {
        std::fputs(ExportUsage, stdout);
        return Success;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() != 1)
        return usageError("export", QStringLiteral("expected exactly one FILE (see wslens export --help)"));
    if (!parser.isSet(output))
        return usageError("export", QStringLiteral("missing -o OUT"));
    const QString fmt = parser.value(format);
    if (fmt != QLatin1String("har") && fmt != QLatin1String("jsonl"))
        return usageError("export", QStringLiteral("--format must be har or jsonl"));

    const QString path = files.first();
    const QString outPath = parser.value(output);
    const LoadedCapture lc = loadCapture(path);
    if (!lc.store)
        return usageError("export", lc.error);

    QString error;
    bool ok = false;
    if (outPath == QLatin1String("-")) {
        QFile out;
        out.open(stdout, QIODevice::WriteOnly);
        ok = fmt == QLatin1String("har") ? har::exportHar(*lc.store, out, &error)
                                         : jsonl::writeJsonLines(*lc.store, out, &error);
    } else {
        QSaveFile out(outPath);
        if (!out.open(QIODevice::WriteOnly)) {
            std::fprintf(stderr, "wslens export: cannot write %s: %s\n", qPrintable(outPath), qPrintable(out.errorString()));
            return Failure;
        }
        ok = fmt == QLatin1String("har") ? har::exportHar(*lc.store, out, &error)
                                         : jsonl::writeJsonLines(*lc.store, out, &error);
        if (ok && !out.commit()) {
            std::fprintf(stderr, "wslens export: cannot write %s: %s\n", qPrintable(outPath), qPrintable(out.errorString()));
            return Failure;
        }
    }
    if (!ok) {
        std::fprintf(stderr, "wslens export: %s\n", qPrintable(error));
        return Failure;
    }
    if (!lc.warning.isEmpty())
        return usageError("export", lc.warning + QStringLiteral(" (the readable part was exported)"));
    return Success;
}

} // namespace wslens::cli
