// bench_ui: the desktop UI at scale (offscreen).
//
//   bench_ui open   [--frames N]            write an N-frame session with the store, open it in the
//                                           main window: time to first rows, time fully indexed
//   bench_ui filter [--frames N]            filter times over N frames (the same session)
//   bench_ui live   [--frames N] [--rate R] [--seconds S]
//                                           N frames already present (synthetic index), then R frames/s
//                                           appended for S seconds with auto-scroll on; a 1 ms timer
//                                           watchdog reports the longest event-loop stall
//   bench_ui screenshot --out FILE.png      run the demo (real server, relay, clients) and grab the window
#include "data/capturesource.h"
#include "data/storecapture.h"
#include "demo/demorunner.h"
#include "detail/framedetailview.h"
#include "filter/filterrunner.h"
#include "mainwindow.h"
#include "models/connectionmodel.h"
#include "models/timelinemodel.h"
#include "store/capturestore.h"
#include "views/timelineview.h"
#include "widgets/filterbar.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QSettings>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHeaderView>
#include <QLineEdit>
#include <QScrollBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <functional>
#include <cstdio>
#include <thread>

#include <sys/resource.h>
#include <time.h>

using namespace wslens;
using namespace wslens::ui;

namespace {

// CPU time of the whole process (all threads), in ms: on a shared, loaded
// machine wall time says more about the neighbours than about us.
qint64 threadCpuUs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

qint64 cpuMs()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return qint64(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000;
}

QString argValue(const QStringList &args, const QString &name, const QString &fallback)
{
    const int i = int(args.indexOf(name));
    return i >= 0 && i + 1 < args.size() ? args[i + 1] : fallback;
}

void waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs) {
        QEventLoop loop; // sleep in the event loop, do not spin
        QTimer::singleShot(2, &loop, &QEventLoop::quit);
        loop.exec();
    }
}

const char *const kWords[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};

// A 100-byte-ish text message; every 1000th contains "needle".
QByteArray messageFor(quint64 i)
{
    QByteArray m = "{\"seq\":" + QByteArray::number(i) + ",\"word\":\"" + kWords[i % 8] + "\",\"text\":\"";
    m += (i % 1000 == 7) ? QByteArrayLiteral("find the needle here") : QByteArrayLiteral("lorem ipsum dolor sit amet");
    m += "\",\"pad\":\"";
    while (m.size() < 98)
        m += 'x';
    m += "\"}";
    return m;
}

FrameRecord frameFor(quint64 conn, quint64 i)
{
    FrameRecord f;
    f.connectionId = conn;
    f.direction = (i & 1) ? Direction::ServerToClient : Direction::ClientToServer;
    f.timestampUs = 1700000000000000 + qint64(i) * 20;
    const bool ping = i % 50 == 49;
    f.header.opcode = ping ? Opcode::Ping : Opcode::Text;
    f.header.fin = true;
    f.header.masked = f.direction == Direction::ClientToServer;
    f.payload = ping ? QByteArrayLiteral("hb") : messageFor(i);
    f.header.payloadLength = quint64(f.payload.size());
    if (!ping) {
        f.hasMessage = true;
        f.message = f.payload;
    }
    if (i % 10007 == 3)
        f.violation = Violation::InvalidUtf8;
    return f;
}

bool writeSession(const QString &path, quint64 frames)
{
    CaptureStore store;
    if (!store.create(path)) {
        std::fprintf(stderr, "create: %s\n", qPrintable(store.errorString()));
        return false;
    }
    ConnectionInfo c;
    c.url = QStringLiteral("ws://127.0.0.1:9001/bench");
    c.openedUs = 1700000000000000;
    c.handshakeDoneUs = c.openedUs + 900;
    const quint64 a = store.openConnection(c);
    c.url = QStringLiteral("ws://127.0.0.1:9001/other");
    const quint64 b = store.openConnection(c);
    for (quint64 i = 0; i < frames; ++i)
        store.appendFrame(frameFor(i % 4 == 0 ? b : a, i));
    store.close();
    return true;
}

QString sessionPath(quint64 frames)
{
    return QDir::temp().filePath(QStringLiteral("wslens-bench-ui-%1.wslens").arg(frames));
}

bool ensureSession(quint64 frames)
{
    const QString path = sessionPath(frames);
    if (QFileInfo::exists(path))
        return true;
    QElapsedTimer t;
    t.start();
    if (!writeSession(path, frames))
        return false;
    std::printf("wrote %llu frames to %s in %lld ms (%.1f MB)\n", qulonglong(frames), qPrintable(path), t.elapsed(),
                double(QFileInfo(path).size()) / 1e6);
    return true;
}

int benchOpen(quint64 frames)
{
    if (!ensureSession(frames))
        return 1;
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QCoreApplication::processEvents();
    QElapsedTimer t;
    t.start();
    const qint64 cpu0 = cpuMs();
    window.openFile(sessionPath(frames));
    qint64 firstRows = -1;
    waitUntil([&] {
        if (firstRows < 0 && window.timelineModel()->rowCount() > 0) {
            window.timelineView()->viewport()->repaint(); // the first rows are actually painted
            firstRows = t.elapsed();
        }
        return !window.isLoading();
    }, 600000);
    const qint64 indexed = t.elapsed();
    waitUntil([&] { return window.timelineModel()->rowCount() >= qsizetype(frames); }, 10000);
    const qint64 allRows = t.elapsed();
    std::printf("open %llu frames: first rows painted %lld ms, fully indexed %lld ms, all %d rows in the timeline %lld ms "
                "(process cpu %lld ms)\n",
                qulonglong(frames), firstRows, indexed, window.timelineModel()->rowCount(), allRows, cpuMs() - cpu0);
    return 0;
}

int benchFilter(quint64 frames)
{
    if (!ensureSession(frames))
        return 1;
    auto store = std::make_unique<CaptureStore>();
    QElapsedTimer t;
    t.start();
    const qint64 cpu0 = cpuMs();
    if (!store->open(sessionPath(frames))) {
        std::fprintf(stderr, "open: %s\n", qPrintable(store->errorString()));
        return 1;
    }
    StoreCapture capture(std::move(store));
    std::printf("opened %lld frames in %lld ms (cpu %lld ms)\n", qlonglong(capture.frameCount()), t.elapsed(), cpuMs() - cpu0);
    FilterRunner runner(&capture);
    struct Case { const char *name; FilterCriteria c; };
    QList<Case> cases;
    FilterCriteria c;
    c.violationsOnly = true;
    cases.append({"violations only", c});
    c = {};
    c.direction = FilterCriteria::Directions::ServerToClient;
    c.hidePingPong = true;
    cases.append({"direction + hide ping/pong", c});
    c = {};
    c.connections = {1};
    cases.append({"one connection", c});
    c = {};
    c.search = QStringLiteral("needle");
    cases.append({"substring, ignore case", c});
    c.caseSensitive = true;
    cases.append({"substring, match case", c});
    c = {};
    c.search = QStringLiteral("ne+dle\\s+here");
    c.regex = true;
    cases.append({"regex", c});
    for (int pass = 0; pass < 2; ++pass) {
        for (const Case &k : cases) {
            qsizetype matched = -1;
            qint64 workerMs = 0;
            QMetaObject::Connection conn = QObject::connect(&runner, &FilterRunner::filterApplied, &runner,
                [&](std::shared_ptr<FilterRunner::Rows> rows, qsizetype, qint64 ms) {
                    matched = qsizetype(rows->size());
                    workerMs = ms;
                });
            QElapsedTimer w;
            w.start();
            const qint64 cpu0 = cpuMs();
            runner.applyNow(k.c);
            waitUntil([&] { return matched >= 0; }, 120000);
            const qint64 cpu = cpuMs() - cpu0;
            QObject::disconnect(conn);
            if (pass == 1) // the first pass warms the page cache
                std::printf("filter %-28s %8lld matches  worker %5lld ms  request-to-result %5lld ms  cpu %5lld ms\n", k.name,
                            qlonglong(matched), workerMs, w.elapsed(), cpu);
        }
    }
    return 0;
}

// An index that grows without payload storage: what the UI sees of a huge
// live capture, without the cost of producing it.
class SyntheticSource final : public CaptureSource
{
public:
    explicit SyntheticSource(quint64 initial)
        : m_available(initial)
        , m_published(qsizetype(initial))
    {
        connect(&m_publish, &QTimer::timeout, this, [this] {
            const qsizetype n = qsizetype(m_available.load());
            if (n > m_published) {
                const qsizetype first = m_published;
                m_published = n;
                emit framesAppended(first, n - first);
            }
        });
        m_publish.start(16); // like the store: a batch every ~16-20 ms
        ConnectionInfo c;
        c.id = 1;
        c.url = QStringLiteral("ws://127.0.0.1:9001/live");
        c.openedUs = 1700000000000000;
        c.handshakeDoneUs = c.openedUs + 1;
        m_conn = c;
    }
    void produce(quint64 n) { m_available.fetch_add(n); }

    qsizetype frameCount() const override { return m_published; }
    FrameFacts summary(qsizetype i) const override
    {
        FrameFacts s;
        s.connectionId = 1;
        s.seq = quint64(i);
        s.timestampUs = 1700000000000000 + i * 20;
        s.payloadLength = 100;
        s.messageLength = 100;
        s.opcode = i % 50 == 49 ? Opcode::Ping : Opcode::Text;
        s.hasMessage = s.opcode == Opcode::Text;
        s.direction = (i & 1) ? Direction::ServerToClient : Direction::ClientToServer;
        s.masked = !(i & 1);
        return s;
    }
    QByteArray preview(qsizetype i, int maxBytes) const override { return messageFor(quint64(i)).left(maxBytes); }
    QByteArray searchBytes(qsizetype i) const override { return messageFor(quint64(i)); }
    std::optional<FrameRecord> frame(qsizetype i) const override { return frameFor(1, quint64(i)); }
    QList<ConnectionInfo> connections() const override { return {m_conn}; }
    std::optional<ConnectionInfo> connection(quint64 id) const override
    {
        return id == 1 ? std::optional<ConnectionInfo>(m_conn) : std::nullopt;
    }

private:
    std::atomic<quint64> m_available;
    qsizetype m_published;
    QTimer m_publish;
    ConnectionInfo m_conn;
};

int benchLive(quint64 initial, int rate, int seconds, bool filtered)
{
    SyntheticSource source(initial);
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QElapsedTimer t;
    t.start();
    window.setCapture(&source, QStringLiteral("live bench"));
    std::printf("attached %llu existing frames in %lld ms\n", qulonglong(initial), t.elapsed());
    if (filtered) {
        window.filterBar()->searchEdit()->setText(QStringLiteral("o"));
        waitUntil([&] { return window.filterRunner()->isActive() && !window.filterRunner()->isBusy(); }, 60000);
    }
    waitUntil([] { return false; }, 300);
    window.timelineView()->scrollToBottom();

    // Watchdog: a 1 ms timer; the longest gap between its ticks is the longest stall.
    qint64 maxGapUs = 0, last = 0, lastCpu = 0, maxCpuGapUs = 0, gapCpuAtMax = 0;
    QList<qint64> gaps, cpuGaps;
    QElapsedTimer clock;
    clock.start();
    QTimer watchdog;
    watchdog.setTimerType(Qt::PreciseTimer);
    QObject::connect(&watchdog, &QTimer::timeout, &watchdog, [&] {
        const qint64 now = clock.nsecsElapsed() / 1000;
        const qint64 cpu = threadCpuUs(); // GUI-thread CPU: work done, not time waiting for a core
        if (last) {
            gaps.append(now - last);
            cpuGaps.append(cpu - lastCpu);
            if (now - last > maxGapUs)
                maxGapUs = now - last, gapCpuAtMax = cpu - lastCpu;
            maxCpuGapUs = qMax(maxCpuGapUs, cpu - lastCpu);
        }
        last = now;
        lastCpu = cpu;
    });
    watchdog.start(1);

    std::atomic<bool> stop{false};
    std::thread producer([&] {
        // rate frames/s in 1 ms steps
        QElapsedTimer p;
        p.start();
        quint64 sent = 0;
        while (!stop.load()) {
            const quint64 due = quint64(double(p.nsecsElapsed()) / 1e9 * rate);
            if (due > sent) {
                source.produce(due - sent);
                sent = due;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    });
    const int startRows = window.timelineModel()->rowCount();
    waitUntil([] { return false; }, seconds * 1000);
    stop = true;
    producer.join();
    watchdog.stop();
    std::sort(gaps.begin(), gaps.end());
    std::sort(cpuGaps.begin(), cpuGaps.end());
    const qint64 p99 = gaps.isEmpty() ? 0 : gaps[int(gaps.size() * 0.99)];
    const qint64 cpuP99 = cpuGaps.isEmpty() ? 0 : cpuGaps[int(cpuGaps.size() * 0.99)];
    const QScrollBar *bar = window.timelineView()->verticalScrollBar();
    std::printf("live%s: %llu frames present, %d frames/s for %d s: %d rows added, max event-loop stall %.1f ms, p99 tick gap %.1f ms, "
                "view at tail: %s\n"
                "      GUI-thread CPU between two ticks: max %.1f ms, p99 %.1f ms (the longest wall gap held %.1f ms of CPU)\n",
                filtered ? " (search filter active)" : "", qulonglong(initial), rate, seconds,
                window.timelineModel()->rowCount() - startRows, double(maxGapUs) / 1000.0, double(p99) / 1000.0,
                bar->value() == bar->maximum() ? "yes" : "no", double(maxCpuGapUs) / 1000.0, double(cpuP99) / 1000.0,
                double(gapCpuAtMax) / 1000.0);
    window.setCapture(nullptr);
    return 0;
}

int screenshot(const QString &out)
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    MainWindow window;
    window.resize(1440, 900);
    window.show();
    window.action(QStringLiteral("actionDemo"))->trigger();
    waitUntil([&] { return window.capture()->frameCount() >= 90; }, 20000);
    waitUntil([] { return false; }, 7000); // the demo runs to its end (a violation closes one connection)
    window.connectionModel()->flushPending();
    window.statusBar()->clearMessage();
    const int rows = window.timelineModel()->rowCount();
    // A JSON status message near the end, so the violation and the close frames are in view too.
    int pick = rows - 1;
    for (int r = rows - 1; r >= 0; --r) {
        if (window.timelineModel()->index(r, TimelineModel::PreviewColumn).data().toString().contains(QLatin1String("\"status\""))) {
            pick = r;
            break;
        }
    }
    window.selectRow(pick);
    window.detailView()->tabs()->setCurrentIndex(FrameDetailView::JsonTab);
    window.timelineView()->scrollToBottom();
    waitUntil([] { return false; }, 500);
    const QPixmap shot = window.grab();
    if (!shot.save(out)) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(out));
        return 1;
    }
    std::printf("%d frames, %d connections; saved %s\n", rows, window.connectionModel()->rowCount(), qPrintable(out));
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("wslens-bench"));
    QCoreApplication::setApplicationName(QStringLiteral("bench_ui"));
    const QStringList args = QCoreApplication::arguments();
    const QString mode = args.value(1);
    const quint64 frames = argValue(args, QStringLiteral("--frames"), QStringLiteral("1000000")).toULongLong();
    if (mode == QLatin1String("open"))
        return benchOpen(frames);
    if (mode == QLatin1String("filter"))
        return benchFilter(frames);
    if (mode == QLatin1String("live")) {
        const int rate = argValue(args, QStringLiteral("--rate"), QStringLiteral("50000")).toInt();
        const int seconds = argValue(args, QStringLiteral("--seconds"), QStringLiteral("5")).toInt();
        const quint64 initial = argValue(args, QStringLiteral("--frames"), QStringLiteral("10000000")).toULongLong();
        return benchLive(initial, rate, seconds, args.contains(QStringLiteral("--filtered")));
    }
    if (mode == QLatin1String("empty-screenshot")) { // the first-run state
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        waitUntil([] { return false; }, 300);
        return window.grab().save(argValue(args, QStringLiteral("--out"), QStringLiteral("empty.png"))) ? 0 : 1;
    }
    if (mode == QLatin1String("screenshot"))
        return screenshot(argValue(args, QStringLiteral("--out"), QStringLiteral("screenshot.png")));
    std::fprintf(stderr, "usage: bench_ui open|filter|live|screenshot [--frames N] [--rate R] [--seconds S] [--filtered] [--out FILE]\n");
    return 2;
}
