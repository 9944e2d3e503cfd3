// bench_frameparser: parse+unmask throughput of wslens::FrameParser for masked
// binary frames of 100 B, 1 KiB, 64 KiB and 1 MiB, and the same bytes through
// Qt WebSockets in the same run.
//
//   A. in memory: FrameParser over a pre-built 16 MiB buffer of masked frames
//      (client->server), parsed repeatedly; the sink touches every payload
//      piece (sums its size, first and last byte). One thread; rates are per
//      second of that thread's CPU time (the build machine is shared).
//   B. loopback, same bytes for both: a QTcpSocket client writes the
//      pre-built masked stream to 127.0.0.1; the receiving end is either
//      (1) a QTcpSocket feeding FrameParser + counting sink, or
//      (2) QWebSocketServer's QWebSocket (handshake done by hand first),
//      counting binaryMessageReceived. Time from first write to last frame
//      received. Both ends live in this process's event loop (one thread),
//      so B includes the kernel loopback and Qt's socket layer for both.
//
// Usage: bench_frameparser [--quick]

#include "protocol/frameparser.h"
#include "protocol/framewriter.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>

using namespace wslens;

namespace {

// CPU time of this thread: the machine is shared, so wall time would
// measure other processes too; "one core" means CPU time here.
double threadCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

class CountingSink final : public FrameSink
{
public:
    std::uint64_t frames = 0;
    std::uint64_t payloadBytes = 0;
    std::uint64_t checksum = 0;
    std::uint64_t violations = 0;
    void frameHeader(const FrameHeader &) override {}
    void framePayload(const char *data, std::size_t size) override
    {
        payloadBytes += size;
        checksum += std::uint8_t(data[0]) + std::uint8_t(data[size - 1]);
    }
    void frameEnd() override { ++frames; }
    void violation(Violation) override { ++violations; }
};

QByteArray maskedStream(int payloadSize, qsizetype targetBytes, int *frameCount)
{
    QByteArray payload(payloadSize, Qt::Uninitialized);
    for (int i = 0; i < payloadSize; ++i)
        payload[i] = char(i * 31 + 7);
    const qsizetype perFrame = payloadSize + (payloadSize < 126 ? 6 : payloadSize <= 65535 ? 8 : 14);
    const int n = int(qMax<qsizetype>(1, targetBytes / perFrame));
    QByteArray out;
    out.reserve(n * perFrame);
    for (int i = 0; i < n; ++i)
        FrameWriter::appendFrame(out, Opcode::Binary, payload, true, 0, true, 0x9E3779B9u * std::uint32_t(i + 1) | 1);
    *frameCount = n;
    return out;
}

struct Result
{
    double gbPerSec = 0;
    double framesPerSec = 0;
    double cpuFramesPerSec = 0; // per second of process CPU time (loopback runs)
};

double processCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

Result benchInMemory(int payloadSize, double minSeconds)
{
    int n = 0;
    const QByteArray stream = maskedStream(payloadSize, 16 << 20, &n);
    ParserOptions o;
    o.sender = Role::Client;
    FrameParser parser(o);
    CountingSink sink;
    parser.feed(stream.constData(), std::size_t(stream.size()), sink); // warm up
    sink = CountingSink();
    const double start = threadCpuSeconds();
    std::uint64_t rounds = 0;
    double s = 0;
    do {
        parser.feed(stream.constData(), std::size_t(stream.size()), sink);
        ++rounds;
        s = threadCpuSeconds() - start;
    } while (s < minSeconds);
    if (sink.frames != rounds * std::uint64_t(n) || sink.violations != 0)
        std::fprintf(stderr, "in-memory check failed: %llu frames, %llu violations\n",
                     static_cast<unsigned long long>(sink.frames), static_cast<unsigned long long>(sink.violations));
    return {double(stream.size()) * double(rounds) / s / 1e9, double(sink.frames) / s};
}

QByteArray acceptFor(const QByteArray &key)
{
    return QCryptographicHash::hash(QByteArray(key + QByteArrayLiteral("258EAFA5-E914-47DA-95CA-C5AB0DC85B11")),
                                    QCryptographicHash::Sha1)
        .toBase64();
}

// Writes stream in 1 MiB slices as the socket drains.
void pump(QTcpSocket *socket, const QByteArray &stream, qsizetype *pos)
{
    while (*pos < stream.size() && socket->bytesToWrite() < (4 << 20)) {
        const qsizetype n = qMin<qsizetype>(1 << 20, stream.size() - *pos);
        socket->write(stream.constData() + *pos, n);
        *pos += n;
    }
}

Result benchLoopbackOurs(const QByteArray &stream, int frames)
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    ParserOptions o;
    o.sender = Role::Client;
    FrameParser parser(o);
    CountingSink sink;
    QEventLoop loop;
    QElapsedTimer timer;
    qint64 ns = 0;
    double cpuStart = 0;
    double cpu = 0;
    std::unique_ptr<QTcpSocket> receiver;
    QObject::connect(&server, &QTcpServer::newConnection, &loop, [&] {
        receiver.reset(server.nextPendingConnection());
        QObject::connect(receiver.get(), &QTcpSocket::readyRead, &loop, [&] {
            const QByteArray data = receiver->readAll();
            parser.feed(data.constData(), std::size_t(data.size()), sink);
            if (sink.frames >= std::uint64_t(frames)) {
                ns = timer.nsecsElapsed();
                cpu = processCpuSeconds() - cpuStart;
                loop.quit();
            }
        });
    });
    QTcpSocket client;
    qsizetype pos = 0;
    QObject::connect(&client, &QTcpSocket::connected, &loop, [&] {
        timer.start();
        cpuStart = processCpuSeconds();
        pump(&client, stream, &pos);
    });
    QObject::connect(&client, &QTcpSocket::bytesWritten, &loop, [&] { pump(&client, stream, &pos); });
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    loop.exec();
    if (!ns)
        return {};
    const double s = double(ns) / 1e9;
    return {double(stream.size()) / s / 1e9, double(frames) / s, double(frames) / cpu};
}

Result benchLoopbackQt(const QByteArray &stream, int frames)
{
    QWebSocketServer server(QStringLiteral("bench"), QWebSocketServer::NonSecureMode);
    server.listen(QHostAddress::LocalHost, 0);
    QEventLoop loop;
    QElapsedTimer timer;
    qint64 ns = 0;
    double cpuStart = 0;
    double cpu = 0;
    int received = 0;
    std::unique_ptr<QWebSocket> peer;
    QObject::connect(&server, &QWebSocketServer::newConnection, &loop, [&] {
        peer.reset(server.nextPendingConnection());
        peer->setMaxAllowedIncomingMessageSize(64 << 20);
        QObject::connect(peer.get(), &QWebSocket::binaryMessageReceived, &loop, [&](const QByteArray &) {
            if (++received == frames) {
                ns = timer.nsecsElapsed();
                cpu = processCpuSeconds() - cpuStart;
                loop.quit();
            }
        });
    });
    QTcpSocket client;
    QByteArray response;
    qsizetype pos = 0;
    bool upgraded = false;
    QObject::connect(&client, &QTcpSocket::connected, &loop, [&] {
        client.write(QByteArrayLiteral("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                       "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                       "Sec-WebSocket-Version: 13\r\n\r\n"));
    });
    QObject::connect(&client, &QTcpSocket::readyRead, &loop, [&] {
        response += client.readAll();
        if (!upgraded && response.contains("\r\n\r\n")) {
            upgraded = true;
            if (!response.contains(acceptFor(QByteArrayLiteral("dGhlIHNhbXBsZSBub25jZQ==")))) {
                std::fprintf(stderr, "Qt handshake failed\n");
                loop.quit();
                return;
            }
            timer.start();
            cpuStart = processCpuSeconds();
            pump(&client, stream, &pos);
        }
    });
    QObject::connect(&client, &QTcpSocket::bytesWritten, &loop, [&] {
        if (upgraded)
            pump(&client, stream, &pos);
    });
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    loop.exec();
    if (!ns) {
        std::fprintf(stderr, "Qt run incomplete: %d of %d messages\n", received, frames);
        return {};
    }
    const double s = double(ns) / 1e9;
    return {double(stream.size()) / s / 1e9, double(frames) / s, double(frames) / cpu};
}

const char *sizeName(int size)
{
    switch (size) {
    case 100: return "100 B";
    case 1024: return "1 KiB";
    case 65536: return "64 KiB";
    default: return "1 MiB";
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const bool quick = app.arguments().contains(QStringLiteral("--quick"));
    const double minSeconds = quick ? 0.2 : 1.0;
    const int sizes[] = {100, 1024, 65536, 1 << 20};

    std::printf("A. in memory, FrameParser parse+unmask, masked binary frames (16 MiB buffer, >= %.1f s thread CPU time each)\n",
                minSeconds);
    std::printf("%-8s %12s %16s\n", "payload", "GB/s", "frames/s");
    for (int size : sizes) {
        const Result r = benchInMemory(size, minSeconds);
        std::printf("%-8s %12.2f %16.0f\n", sizeName(size), r.gbPerSec, r.framesPerSec);
    }

    std::printf("\nB. loopback TCP, same masked stream, receiver: wslens FrameParser vs Qt WebSockets %s\n",
                qVersion());
    std::printf("(wall = elapsed time; cpu = per second of this process's CPU time, sender included for both)\n");
    std::printf("%-8s %8s %11s %14s %14s %11s %14s %14s %10s\n", "payload", "frames", "wslens GB/s",
                "wslens fr/s", "wslens fr/cpu-s", "Qt GB/s", "Qt fr/s", "Qt fr/cpu-s", "cpu ratio");
    for (int size : sizes) {
        int n = 0;
        const qsizetype target = quick ? (8 << 20) : size <= 1024 ? (32 << 20) : (128 << 20);
        const QByteArray stream = maskedStream(size, target, &n);
        const Result ours = benchLoopbackOurs(stream, n);
        const Result qt = benchLoopbackQt(stream, n);
        std::printf("%-8s %8d %11.2f %14.0f %14.0f %11.2f %14.0f %14.0f %9.1fx\n", sizeName(size), n,
                    ours.gbPerSec, ours.framesPerSec, ours.cpuFramesPerSec, qt.gbPerSec, qt.framesPerSec,
                    qt.cpuFramesPerSec, qt.cpuFramesPerSec > 0 ? ours.cpuFramesPerSec / qt.cpuFramesPerSec : 0.0);
    }
    return 0;
}
