// wslens import: turn a HAR file (Chrome DevTools) into a wslens session file (issue 3).
#include "cli/cli.h"

#include "store/capturestore.h"
#include "store/har.h"

#include <QCommandLineParser>
#include <QFile>

#include <cstdio>

namespace wslens::cli {

namespace {

const char ImportUsage[] =
    "Usage: wslens import IN.har -o FILE\n\n"
    "Reads the WebSocket connections of a HAR file (as saved by Chrome DevTools:\n"
    "entries with _webSocketMessages; other entries are skipped) and writes them\n"
    "as a wslens session file. FILE is used exactly as given.\n";

} // namespace

int runImport(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QString());
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QString(), QStringLiteral("FILE"));
    parser.addOptions({help, output});
    if (!parser.parse(QStringList{QStringLiteral("wslens")} + arguments))
        return usageError("import", parser.errorText() + QStringLiteral(" (see wslens import --help)"));
    if (parser.isSet(help)) {
        std::fputs(ImportUsage, stdout);
        return Success;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() != 1)
        return usageError("import", QStringLiteral("expected exactly one IN.har (see wslens import --help)"));
    if (!parser.isSet(output))
        return usageError("import", QStringLiteral("missing -o FILE"));
    const QString in = files.first();
    const QString out = parser.value(output);

    QFile probe(in);
    if (!probe.open(QIODevice::ReadOnly))
        return usageError("import", QStringLiteral("cannot open %1: %2").arg(in, probe.errorString()));
    const QByteArray head = probe.read(64);
    probe.close();
    if (head.isEmpty())
        return usageError("import", QStringLiteral("%1: the file is empty").arg(in));
    if (!har::looksLikeJson(head))
        return usageError("import", QStringLiteral("%1: not a HAR file (HAR is JSON)").arg(in));

    // Written next to OUT and renamed over it at the end: a bad HAR never clobbers OUT.
    const QString part = out + QStringLiteral(".part");
    har::ImportResult r;
    {
        CaptureStore store;
        if (!store.create(part)) {
            std::fprintf(stderr, "wslens import: %s\n", qPrintable(store.errorString()));
            return Failure;
        }
        r = har::importHarFile(in, store);
        store.close();
    }
    if (!r.ok) {
        QFile::remove(part);
        return usageError("import", r.error);
    }
    if (std::rename(QFile::encodeName(part).constData(), QFile::encodeName(out).constData()) != 0) {
        QFile::remove(part);
        std::fprintf(stderr, "wslens import: cannot write %s\n", qPrintable(out));
        return Failure;
    }
    std::printf("imported %d connections, %llu messages into %s", r.connections,
                static_cast<unsigned long long>(r.messages), qPrintable(out));
    if (r.skippedEntries)
        std::printf(" (%d non-WebSocket entries skipped)", r.skippedEntries);
    std::printf("\n");
    if (r.skippedMessages)
        std::fprintf(stderr, "wslens import: %d messages without a usable type or time were skipped\n", r.skippedMessages);
    return Success;
}

} // namespace wslens::cli
