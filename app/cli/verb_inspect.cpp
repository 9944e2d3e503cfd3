// wslens inspect: summary, JSON summary or JSON Lines of a session or HAR file (issue 3).
#include "cli/cli.h"

#include "store/captureloader.h"
#include "store/jsonlines.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <map>

namespace wslens::cli {

namespace {

const char InspectUsage[] =
    "Usage: wslens inspect FILE [--json | --frames]\n\n"
    "Describes a wslens session file or a HAR file (as saved by Chrome DevTools).\n\n"
    "Options:\n"
    "  --json     one JSON object: connections, frames, messages, bytes, violations, ...\n"
    "  --frames   JSON Lines: one {\"type\":\"connection\"} line per connection, then one\n"
    "             {\"type\":\"frame\"} line per frame in capture order\n"
    "Exit codes: 0 ok, 2 usage error or bad/damaged file (the readable part is still shown).\n";

struct Stats
{
    quint64 c2s = 0, s2c = 0, messages = 0;
    std::map<QByteArray, quint64> byRule;
    QHash<quint64, quint64> framesPerConn, bytesPerConn, violationsPerConn;
};

Stats collect(const CaptureStore &store)
{
    Stats s;
    const quint64 n = store.frameCount();
    for (quint64 row = 0; row < n; ++row) {
        const FrameSummary f = store.summary(row);
        (f.direction == Direction::ClientToServer ? s.c2s : s.s2c)++;
        s.messages += f.hasMessage;
        s.framesPerConn[f.connectionId]++;
        s.bytesPerConn[f.connectionId] += f.wireLength;
        if (f.violation != Violation::None) {
            s.byRule[QByteArray(violationInfo(f.violation).id)]++;
            s.violationsPerConn[f.connectionId]++;
        }
    }
    return s;
}

QString utc(qint64 us)
{
    return QDateTime::fromMSecsSinceEpoch(us / 1000, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) + QStringLiteral(" UTC");
}

QString closeText(const ConnectionInfo &c)
{
    if (c.clientCloseCode < 0 && c.serverCloseCode < 0)
        return c.closedUs ? QStringLiteral("closed without close frames") : QStringLiteral("open");
    auto code = [](int v) { return v < 0 ? QStringLiteral("-") : QString::number(v); };
    return QStringLiteral("close %1 (client) / %2 (server)").arg(code(c.clientCloseCode), code(c.serverCloseCode));
}

void printText(const QString &path, const LoadedCapture &lc, const Stats &s)
{
    const CaptureStore &store = *lc.store;
    const CaptureTotals t = store.totals();
    std::printf("%s: %s\n", qPrintable(path),
                lc.format == CaptureFileFormat::Har ? "HAR file" : "wslens session file");
    std::printf("Connections: %d\n", store.connectionCount());
    std::printf("Frames:      %llu (%llu client to server, %llu server to client), %llu messages\n",
                (unsigned long long)t.frames, (unsigned long long)s.c2s, (unsigned long long)s.s2c,
                (unsigned long long)s.messages);
    std::printf("Bytes:       %llu (payload on the wire)\n", (unsigned long long)t.wireBytes);
    if (t.frames)
        std::printf("Time span:   %s to %s (%.3f s)\n", qPrintable(utc(t.firstUs)), qPrintable(utc(t.lastUs)),
                    double(t.lastUs - t.firstUs) / 1e6);
    std::printf("Violations:  %llu\n", (unsigned long long)t.violations);
    for (const auto &rule : s.byRule)
        std::printf("  %-30s %llu\n", rule.first.constData(), (unsigned long long)rule.second);
    std::printf("Edits:       %llu\n", (unsigned long long)t.edits);
    const QList<ConnectionInfo> conns = store.connections();
    for (const ConnectionInfo &c : conns) {
        std::printf("  #%llu %s  HTTP %d  %llu frames, %llu bytes, %llu violations, %s%s%s%s\n",
                    (unsigned long long)c.id, qPrintable(c.url), c.responseStatus,
                    (unsigned long long)s.framesPerConn.value(c.id), (unsigned long long)s.bytesPerConn.value(c.id),
                    (unsigned long long)s.violationsPerConn.value(c.id), qPrintable(closeText(c)),
                    c.insecureUpstream ? ", upstream certificate NOT verified (--insecure-upstream)" : "",
                    c.error.isEmpty() ? "" : ", error: ", qPrintable(c.error));
    }
}

QJsonObject jsonSummary(const QString &path, const LoadedCapture &lc, const Stats &s)
{
    const CaptureStore &store = *lc.store;
    const CaptureTotals t = store.totals();
    QJsonObject rules;
    for (const auto &rule : s.byRule)
        rules.insert(QString::fromLatin1(rule.first), double(rule.second));
    QJsonArray list;
    const QList<ConnectionInfo> conns = store.connections();
    for (const ConnectionInfo &c : conns) {
        list.append(QJsonObject{
            {QStringLiteral("id"), double(c.id)},
            {QStringLiteral("url"), c.url},
            {QStringLiteral("mode"), QLatin1String(jsonl::modeName(c.mode))},
            {QStringLiteral("response_status"), c.responseStatus},
            {QStringLiteral("frames"), double(s.framesPerConn.value(c.id))},
            {QStringLiteral("bytes"), double(s.bytesPerConn.value(c.id))},
            {QStringLiteral("violations"), double(s.violationsPerConn.value(c.id))},
            {QStringLiteral("client_close_code"), c.clientCloseCode >= 0 ? QJsonValue(c.clientCloseCode) : QJsonValue()},
            {QStringLiteral("server_close_code"), c.serverCloseCode >= 0 ? QJsonValue(c.serverCloseCode) : QJsonValue()},
            {QStringLiteral("error"), c.error.isEmpty() ? QJsonValue() : QJsonValue(c.error)},
            {QStringLiteral("tls"), c.tls},
            {QStringLiteral("insecure_upstream"), c.insecureUpstream},
        });
    }
    QJsonObject o{
        {QStringLiteral("file"), path},
        {QStringLiteral("format"), lc.format == CaptureFileFormat::Har ? QStringLiteral("har") : QStringLiteral("wslens-session")},
        {QStringLiteral("connections"), store.connectionCount()},
        {QStringLiteral("frames"), double(t.frames)},
        {QStringLiteral("messages"), double(s.messages)},
        {QStringLiteral("bytes"), double(t.wireBytes)},
        {QStringLiteral("violations"), double(t.violations)},
        {QStringLiteral("edits"), double(t.edits)},
        {QStringLiteral("client_to_server"), double(s.c2s)},
        {QStringLiteral("server_to_client"), double(s.s2c)},
        {QStringLiteral("first_us"), t.frames ? QJsonValue(double(t.firstUs)) : QJsonValue()},
        {QStringLiteral("last_us"), t.frames ? QJsonValue(double(t.lastUs)) : QJsonValue()},
        {QStringLiteral("duration_us"), double(t.lastUs - t.firstUs)},
        {QStringLiteral("violations_by_rule"), rules},
        {QStringLiteral("connection_list"), list},
        {QStringLiteral("warning"), lc.warning.isEmpty() ? QJsonValue() : QJsonValue(lc.warning)},
    };
    return o;
}

} // namespace

int runInspect(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QString());
    const QCommandLineOption json(QStringLiteral("json"), QString());
    const QCommandLineOption frames(QStringLiteral("frames"), QString());
    parser.addOptions({help, json, frames});
    if (!parser.parse(QStringList{QStringLiteral("wslens")} + arguments))
        return usageError("inspect", parser.errorText() + QStringLiteral(" (see wslens inspect --help)"));
    if (parser.isSet(help)) {
        std::fputs(InspectUsage, stdout);
        return Success;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() != 1)
        return usageError("inspect", QStringLiteral("expected exactly one FILE (see wslens inspect --help)"));
    if (parser.isSet(json) && parser.isSet(frames))
        return usageError("inspect", QStringLiteral("--json and --frames exclude each other"));

    const QString path = files.first();
    const LoadedCapture lc = loadCapture(path);
    if (!lc.store)
        return usageError("inspect", lc.error);

    if (parser.isSet(frames)) {
        QFile out;
        out.open(stdout, QIODevice::WriteOnly);
        QString error;
        if (!jsonl::writeJsonLines(*lc.store, out, &error)) {
            out.close();
            return usageError("inspect", path + QStringLiteral(": ") + error);
        }
        out.close();
    } else {
        const Stats s = collect(*lc.store);
        if (parser.isSet(json)) {
            const QByteArray doc = QJsonDocument(jsonSummary(path, lc, s)).toJson(QJsonDocument::Compact);
            std::fwrite(doc.constData(), 1, size_t(doc.size()), stdout);
            std::fputc('\n', stdout);
        } else {
            printText(path, lc, s);
        }
    }
    std::fflush(stdout);
    if (!lc.warning.isEmpty())
        return usageError("inspect", lc.warning); // damaged or incomplete file: shown, but exit 2
    return Success;
}

} // namespace wslens::cli
