// Capture store benchmark (issue 3): append rate with the writer thread, open
// time (first rows, fully indexed), RAM per frame, and the bulk payload scan
// behind the UI's text search (issue 8).
//
//   bench_store [--frames N[,N...]] [--payload BYTES] [--threads T] [--dir DIR]
//
// Defaults: --frames 1000000,10000000 --payload 100 --threads 1 --dir $TMPDIR.
// Session files are deleted after each run (10 M frames of 100 B need ~1.7 GB).

#include "store/capturestore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <time.h>

using namespace wslens;

namespace {

// Resident set and its peak, in bytes (Linux /proc).
quint64 procStatus(const char *key)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray k(key);
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(k))
            return line.mid(k.size()).trimmed().split(' ').value(0).toULongLong() * 1024;
    }
    return 0;
}
quint64 rss() { return procStatus("VmRSS:"); }
double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + ts.tv_nsec / 1e9;
}
// CPU seconds used by the whole process (all threads): the machine may be shared.
double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
quint64 peakRss() { return procStatus("VmHWM:"); }
void resetPeak()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    if (f.open(QIODevice::WriteOnly))
        f.write("5");
}

void run(quint64 frames, int payloadBytes, int threads, const QString &dir)
{
    const QString path = dir + QStringLiteral("/bench_store-%1.wslens").arg(QCoreApplication::applicationPid());
    std::printf("== %llu frames of %d B, %d appending thread(s), file %s\n", (unsigned long long)frames, payloadBytes,
                threads, qPrintable(path));
    // --- append -----------------------------------------------------------
    resetPeak();
    const quint64 base = rss();
    double appendSec = 0, totalSec = 0;
    quint64 indexBytes = 0, dropped = 0;
    quint64 appendPeak = 0;
    double cpu0 = 0, cpu = 0, appenderCpu = 0;
    {
        CaptureStore store;
        if (!store.create(path)) {
            std::printf("cannot create: %s\n", qPrintable(store.errorString()));
            return;
        }
        ConnectionInfo c;
        c.url = QStringLiteral("ws://127.0.0.1:1/bench");
        const quint64 conn = store.openConnection(c);
        const QByteArray payload(payloadBytes, 'p');
        QElapsedTimer t;
        t.start();
        cpu0 = cpuSeconds();
        std::vector<std::thread> workers;
        std::vector<double> workerCpu(size_t(threads), 0.0);
        for (int w = 0; w < threads; ++w) {
            workers.emplace_back([&, w] {
                const double c0 = threadCpuSeconds();
                const quint64 n = frames / quint64(threads) + (quint64(w) < frames % quint64(threads) ? 1 : 0);
                FrameRecord f;
                f.connectionId = conn;
                f.header.opcode = Opcode::Binary;
                f.header.payloadLength = quint64(payloadBytes);
                f.hasMessage = true;
                for (quint64 i = 0; i < n; ++i) {
                    FrameRecord copy = f;
                    copy.timestampUs = qint64(i);
                    copy.direction = (i & 1) ? Direction::ServerToClient : Direction::ClientToServer;
                    copy.payload = payload; // shared, as the relay hands over its buffers
                    copy.message = payload;
                    store.appendFrame(std::move(copy));
                }
                workerCpu[size_t(w)] = threadCpuSeconds() - c0;
            });
        }
        for (auto &w : workers)
            w.join();
        appendSec = t.nsecsElapsed() / 1e9;
        for (double c : workerCpu)
            appenderCpu += c;
        store.flush();
        totalSec = t.nsecsElapsed() / 1e9;
        cpu = cpuSeconds() - cpu0;
        indexBytes = store.indexMemoryBytes();
        dropped = store.droppedFrames();
        appendPeak = peakRss();
        store.close();
    }
    const qint64 fileSize = QFileInfo(path).size();
    std::printf("append: %.2f M frames/s accepted (%.2f s), %.2f M frames/s written to disk (%.2f s), dropped %llu; "
                "CPU %.2f s (all threads) = %.2f M frames per CPU second\n",
                frames / appendSec / 1e6, appendSec, frames / totalSec / 1e6, totalSec, (unsigned long long)dropped,
                cpu, frames / cpu / 1e6);
    std::printf("append call: %.0f ns of appending-thread CPU per frame = %.2f M frames/s per appending thread on a free core\n",
                appenderCpu / frames * 1e9, frames / appenderCpu / 1e6);
    std::printf("file: %.1f MB (%.1f B/frame); index %.1f MB; peak RSS while capturing %.1f MB over a %.1f MB base = %.1f B/frame\n",
                fileSize / 1e6, double(fileSize) / frames, indexBytes / 1e6, (appendPeak - base) / 1e6, base / 1e6,
                double(appendPeak - base) / frames);

    std::fflush(stdout);
    // --- open, in a fresh process (so freed capture memory does not hide the peak) ---
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--open"), path, QStringLiteral("--payload"), QString::number(payloadBytes)});
    child.waitForFinished(-1);
    QFile::remove(path);
}

int openOnly(const QString &path, int payloadBytes)
{
    resetPeak();
    const quint64 base2 = rss();
    CaptureStore store;
    std::atomic<bool> done{false};
    bool ok = false;
    QElapsedTimer t;
    t.start();
    const double openCpu0 = cpuSeconds();
    std::thread opener([&] {
        ok = store.open(path);
        done = true;
    });
    qint64 firstRowsNs = -1;
    while (!done) {
        if (firstRowsNs < 0 && store.frameCount() >= 1000) {
            firstRowsNs = t.nsecsElapsed();
            // the first screen of rows is readable
            for (quint64 r = 0; r < 50; ++r) {
                if (store.frame(r).payload.size() != payloadBytes)
                    std::printf("bad row %llu\n", (unsigned long long)r);
            }
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    opener.join();
    const double fullSec = t.nsecsElapsed() / 1e9;
    const double openCpu = cpuSeconds() - openCpu0;
    if (firstRowsNs < 0)
        firstRowsNs = t.nsecsElapsed();
    const quint64 frames = qMax<quint64>(1, store.frameCount());
    const quint64 peak = peakRss();
    std::printf("open: %s, first 1000 rows after %.1f ms, fully indexed (%llu frames) after %.2f s (CPU %.2f s); "
                "peak RSS %.1f MB over %.1f MB = %.1f B/frame\n",
                ok ? "ok" : qPrintable(store.errorString()), firstRowsNs / 1e6, (unsigned long long)store.frameCount(),
                fullSec, openCpu, (peak - base2) / 1e6, base2 / 1e6, double(peak - base2) / frames);
    std::fflush(stdout);
    // Bulk payload scan (what the UI's text search uses): a substring search over every row.
    for (int pass = 0; pass < 2; ++pass) {
        QElapsedTimer st;
        st.start();
        const double scanCpu0 = cpuSeconds();
        quint64 hits = 0, bytes = 0;
        const QByteArrayView needle("needle");
        const quint64 end = store.scanPayloads(0, store.frameCount(), [&](quint64, QByteArrayView b) {
            bytes += quint64(b.size());
            hits += b.indexOf(needle) >= 0;
            return true;
        });
        const double scanSec = st.nsecsElapsed() / 1e9;
        std::printf("scanPayloads (pass %d): %llu rows, %.1f MB of payload searched in %.0f ms (CPU %.0f ms), %llu hits\n",
                    pass + 1, (unsigned long long)end, bytes / 1e6, scanSec * 1e3, (cpuSeconds() - scanCpu0) * 1e3,
                    (unsigned long long)hits);
    }
    std::fflush(stdout);
    return ok ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::vector<quint64> counts{1000000, 10000000};
    int payload = 100, threads = 1;
    QString dir = QDir::tempPath();
    QString openPath;
    for (int i = 1; i < argc; ++i) {
        const bool more = i + 1 < argc;
        if (!std::strcmp(argv[i], "--frames") && more) {
            counts.clear();
            for (const QByteArray &n : QByteArray(argv[++i]).split(','))
                counts.push_back(n.toULongLong());
        } else if (!std::strcmp(argv[i], "--payload") && more) {
            payload = QByteArray(argv[++i]).toInt();
        } else if (!std::strcmp(argv[i], "--threads") && more) {
            threads = qMax(1, QByteArray(argv[++i]).toInt());
        } else if (!std::strcmp(argv[i], "--open") && more) {
            openPath = QString::fromLocal8Bit(argv[++i]);
        } else if (!std::strcmp(argv[i], "--dir") && more) {
            dir = QString::fromLocal8Bit(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: %s [--frames N[,N...]] [--payload BYTES] [--threads T] [--dir DIR]\n", argv[0]);
            return 2;
        }
    }
    if (!openPath.isEmpty())
        return openOnly(openPath, payload);
    for (quint64 n : counts)
        run(n, payload, threads, dir);
    return 0;
}
