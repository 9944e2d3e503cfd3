// bench_relay: the relay (`wslens capture`, recording to a session file) against
// a direct connection and `socat -b 262144`, in one run.
//
//   bench_relay [--quick] [--wslens PATH] [--connections N,N] [--repeat N] [--seconds S]
//               [--sizes 100,1024,65536] [--paths direct,socat,engine,engine+rec,relay]
//               [--no-latency] [--rounds N]    (--sizes 0 / --connections 0: skip those parts)
//
// --repeat N measures every path N times per payload, interleaved (round
// robin), and prints medians; relay vs socat is the median of the per-round
// ratios (the machine's speed drifts between rounds, less within one).
//
// Processes: this one is the client (blocking/epoll sockets, no Qt event loop);
// a child copy of it (`--server`) is the WebSocket server (epoll, one thread);
// the relay and socat are child processes. Separate processes keep each under
// the RLIMIT_NOFILE hard limit and make RSS per process measurable.
//
// Server modes, chosen by the request path:
//   /sink?bytes=N  read and discard N bytes of frames, then send one empty binary frame
//   /echo          frames of 126..65535 bytes (16-bit length, masked) come back unmasked
//   /idle          hold the connection
#include "relay/relay.h"
#include "store/capturerecords.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

void raiseFdLimit()
{
    rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

int listenLoopback(quint16 *port)
{
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a = {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || ::listen(fd, 4096) != 0)
        return -1;
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    *port = ntohs(a.sin_port);
    return fd;
}

quint16 freePort()
{
    quint16 port = 0;
    int fd = listenLoopback(&port);
    ::close(fd);
    return port;
}

int connectLoopback(quint16 port, bool blocking = true)
{
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK), 0);
    sockaddr_in a = {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 && errno != EINPROGRESS) {
        ::close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool writeAll(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += w;
        n -= size_t(w);
    }
    return true;
}

bool readExactly(int fd, char *p, size_t n)
{
    while (n) {
        ssize_t r = ::read(fd, p, n);
        if (r <= 0) {
            if (r < 0 && errno == EINTR)
                continue;
            return false;
        }
        p += r;
        n -= size_t(r);
    }
    return true;
}

std::string upgradeRequest(const std::string &path)
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

// Blocking upgrade; returns the fd or -1.
int openWebSocket(quint16 port, const std::string &path)
{
    int fd = connectLoopback(port);
    if (fd < 0)
        return -1;
    const std::string req = upgradeRequest(path);
    writeAll(fd, req.data(), req.size());
    std::string head;
    char c;
    while (head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0) {
        if (::read(fd, &c, 1) != 1) {
            ::close(fd);
            return -1;
        }
        head += c;
    }
    if (head.compare(0, 12, "HTTP/1.1 101") != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// ---- server (child process) ------------------------------------------------

struct ServerConn
{
    std::string in;
    bool upgraded = false;
    int mode = 0; // 1 sink, 2 echo, 3 idle
    unsigned long long want = 0, got = 0;
};

const char kResponse[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

int runServer()
{
    raiseFdLimit();
    signal(SIGPIPE, SIG_IGN);
    quint16 port = 0;
    int lfd = listenLoopback(&port);
    fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
    std::printf("listening on 127.0.0.1:%u\n", port);
    std::fflush(stdout);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.fd = lfd;
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    std::unordered_map<int, ServerConn> conns;
    std::vector<char> buf(1 << 20);
    std::vector<epoll_event> events(1024);
    for (;;) {
        const int n = epoll_wait(ep, events.data(), int(events.size()), 60000);
        if (n == 0 && getppid() == 1)
            return 0;
        for (int i = 0; i < n; ++i) {
            const int fd = events[size_t(i)].data.fd;
            if (fd == lfd) {
                for (;;) {
                    int c = accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (c < 0)
                        break;
                    int one = 1;
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    epoll_event e = {};
                    e.events = EPOLLIN;
                    e.data.fd = c;
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &e);
                    conns[c];
                }
                continue;
            }
            ServerConn &c = conns[fd];
            bool closed = false;
            for (;;) {
                ssize_t r = ::read(fd, buf.data(), buf.size());
                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
                    closed = true;
                    break;
                }
                if (r < 0)
                    break;
                if (!c.upgraded) {
                    c.in.append(buf.data(), size_t(r));
                    const size_t end = c.in.find("\r\n\r\n");
                    if (end == std::string::npos)
                        continue;
                    const std::string head = c.in.substr(0, end);
                    c.in.erase(0, end + 4);
                    c.upgraded = true;
                    c.mode = head.find("GET /sink") == 0 ? 1 : head.find("GET /echo") == 0 ? 2 : 3;
                    if (c.mode == 1)
                        c.want = std::strtoull(head.c_str() + head.find("bytes=") + 6, nullptr, 10);
                    int flags = fcntl(fd, F_GETFL);
                    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK); // replies are small: write blocking
                    writeAll(fd, kResponse, sizeof kResponse - 1);
                    fcntl(fd, F_SETFL, flags);
                    if (c.in.empty())
                        continue;
                    std::memcpy(buf.data(), c.in.data(), c.in.size());
                    r = ssize_t(c.in.size());
                    c.in.clear();
                }
                if (c.mode == 1) {
                    c.got += (unsigned long long)r;
                    if (c.want && c.got >= c.want) {
                        static const char ack[2] = {char(0x82), 0};
                        writeAll(fd, ack, 2);
                        c.want = 0;
                    }
                } else if (c.mode == 2) {
                    c.in.append(buf.data(), size_t(r));
                    while (c.in.size() >= 8) {
                        const size_t len = (size_t(uint8_t(c.in[2])) << 8) | uint8_t(c.in[3]);
                        if (c.in.size() < 8 + len)
                            break;
                        std::string out(4 + len, '\0');
                        out[0] = char(0x82);
                        out[1] = 126;
                        out[2] = c.in[2];
                        out[3] = c.in[3];
                        for (size_t k = 0; k < len; ++k)
                            out[4 + k] = char(c.in[8 + k] ^ c.in[4 + (k & 3)]);
                        int flags = fcntl(fd, F_GETFL);
                        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
                        writeAll(fd, out.data(), out.size());
                        fcntl(fd, F_SETFL, flags);
                        c.in.erase(0, 8 + len);
                    }
                }
            }
            if (closed) {
                ::close(fd);
                conns.erase(fd);
            }
        }
    }
}

// ---- client side measurements ----------------------------------------------

struct Target
{
    const char *name;
    quint16 port;
};

QByteArray maskedFrames(int payloadSize, long long totalBytesWanted, int *framesOut)
{
    // A block of identical masked binary frames; repeated to reach the total.
    QByteArray frame;
    frame.append(char(0x82));
    if (payloadSize < 126) {
        frame.append(char(0x80 | payloadSize));
    } else if (payloadSize < 65536) {
        frame.append(char(0x80 | 126));
        frame.append(char(payloadSize >> 8));
        frame.append(char(payloadSize & 0xff));
    } else {
        frame.append(char(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            frame.append(char((quint64(payloadSize) >> (8 * i)) & 0xff));
    }
    const char key[4] = {0x12, 0x34, 0x56, 0x78};
    frame.append(key, 4);
    for (int i = 0; i < payloadSize; ++i)
        frame.append(char(('a' + i % 26) ^ key[i & 3]));
    const int perBlock = std::max(1, int((4 << 20) / frame.size()));
    QByteArray block = frame.repeated(perBlock);
    *framesOut = perBlock;
    Q_UNUSED(totalBytesWanted);
    return block;
}

struct Throughput
{
    double framesPerSec = 0, mbPerSec = 0;
    double bytes = 0; // measured run plus calibration
    bool ok = false;
};

Throughput sendBlocks(quint16 port, const QByteArray &block, int perBlock, long long blocks)
{
    Throughput t;
    const long long total = blocks * block.size();
    int fd = openWebSocket(port, "/sink?bytes=" + std::to_string(total));
    if (fd < 0)
        return t;
    const auto start = Clock::now();
    for (long long b = 0; b < blocks; ++b)
        if (!writeAll(fd, block.constData(), size_t(block.size()))) {
            ::close(fd);
            return t;
        }
    char ack[2];
    t.ok = readExactly(fd, ack, 2); // the server has read every byte
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    ::close(fd);
    t.framesPerSec = double(blocks) * perBlock / s;
    t.mbPerSec = double(total) / s / 1e6;
    return t;
}

// A short calibration run sizes the measured run to about `seconds`.
Throughput measureThroughput(quint16 port, int payloadSize, double seconds)
{
    int perBlock = 0;
    const QByteArray block = maskedFrames(payloadSize, 0, &perBlock);
    const Throughput calibration = sendBlocks(port, block, perBlock, 4);
    if (!calibration.ok)
        return calibration;
    const long long blocks = std::max(4LL, (long long)(seconds * calibration.mbPerSec * 1e6 / double(block.size())));
    Throughput t = sendBlocks(port, block, perBlock, blocks);
    t.bytes = double(blocks + 4) * double(block.size());
    return t;
}

struct Latency
{
    double p50 = 0, p99 = 0;
    bool ok = false;
};

Latency measureRtt(quint16 port, int payloadSize, int rounds)
{
    Latency l;
    int fd = openWebSocket(port, "/echo");
    if (fd < 0)
        return l;
    QByteArray frame;
    frame.append(char(0x82));
    frame.append(char(0x80 | 126));
    frame.append(char(payloadSize >> 8));
    frame.append(char(payloadSize & 0xff));
    frame.append("\x01\x02\x03\x04", 4);
    frame.append(QByteArray(payloadSize, 'r'));
    std::vector<char> reply(size_t(4 + payloadSize));
    std::vector<double> us;
    us.reserve(size_t(rounds));
    for (int i = 0; i < rounds + 200; ++i) {
        const auto t0 = Clock::now();
        if (!writeAll(fd, frame.constData(), size_t(frame.size())) || !readExactly(fd, reply.data(), reply.size())) {
            ::close(fd);
            return l;
        }
        if (i >= 200) // warm-up
            us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    ::close(fd);
    std::sort(us.begin(), us.end());
    l.p50 = us[us.size() / 2];
    l.p99 = us[us.size() * 99 / 100];
    l.ok = true;
    return l;
}

// CPU seconds (user + system) a process has used so far, from /proc/PID/stat.
double cpuSeconds(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray stat = f.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    static const double ticks = double(sysconf(_SC_CLK_TCK));
    return double(fields.at(11).toLongLong() + fields.at(12).toLongLong()) / ticks; // utime, stime
}

long rssKiB(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    return -1;
}

struct Concurrency
{
    int opened = 0;
    double seconds = 0;
    long rssBeforeKiB = 0, rssAfterKiB = 0;
};

// Opens n WebSockets at once (non-blocking, epoll), waits for every 101.
Concurrency measureConcurrency(quint16 port, int n, qint64 relayPid)
{
    Concurrency c;
    c.rssBeforeKiB = rssKiB(relayPid);
    const std::string req = upgradeRequest("/idle");
    int ep = epoll_create1(EPOLL_CLOEXEC);
    std::vector<int> fds;
    std::unordered_map<int, std::string> heads;
    const auto start = Clock::now();
    int pending = 0;
    for (int i = 0; i < n; ++i) {
        int fd = connectLoopback(port, false);
        if (fd < 0)
            break;
        fds.push_back(fd);
        epoll_event e = {};
        e.events = EPOLLOUT | EPOLLIN;
        e.data.fd = fd;
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
        ++pending;
    }
    std::vector<epoll_event> events(1024);
    std::unordered_map<int, bool> sent;
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (pending > 0 && Clock::now() < deadline) {
        const int k = epoll_wait(ep, events.data(), int(events.size()), 1000);
        for (int i = 0; i < k; ++i) {
            const int fd = events[size_t(i)].data.fd;
            if ((events[size_t(i)].events & EPOLLOUT) && !sent[fd]) {
                sent[fd] = true;
                writeAll(fd, req.data(), req.size());
                epoll_event e = {};
                e.events = EPOLLIN;
                e.data.fd = fd;
                epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
            }
            if (events[size_t(i)].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                char buf[512];
                const ssize_t r = ::read(fd, buf, sizeof buf);
                if (r <= 0) {
                    if (r == 0 || errno != EAGAIN) {
                        epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
                        --pending;
                    }
                    continue;
                }
                std::string &h = heads[fd];
                h.append(buf, size_t(r));
                if (h.find("\r\n\r\n") != std::string::npos) {
                    if (h.compare(0, 12, "HTTP/1.1 101") == 0)
                        ++c.opened;
                    epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
                    --pending;
                }
            }
        }
    }
    c.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    usleep(300 * 1000);
    c.rssAfterKiB = rssKiB(relayPid);
    for (int fd : fds)
        ::close(fd);
    ::close(ep);
    return c;
}

// Takes every record and drops it: the relay's parse + record cost without a disk.
class DiscardSink : public wslens::CaptureSink
{
public:
    quint64 openConnection(const wslens::ConnectionInfo &) override { return ++m_ids; }
    void updateConnection(const wslens::ConnectionInfo &) override {}
    void appendFrame(wslens::FrameRecord &&) override { m_frames.fetch_add(1, std::memory_order_relaxed); }
    std::atomic<quint64> m_ids{0}, m_frames{0};
};

struct Child
{
    QProcess process;
    quint16 port = 0;
    bool start(const QString &program, const QStringList &args, const QByteArray &prefix)
    {
        process.setProcessChannelMode(QProcess::SeparateChannels);
        process.start(program, args);
        if (!process.waitForStarted(5000))
            return false;
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10000) {
            process.waitForReadyRead(100);
            out += process.readAllStandardOutput();
            const qsizetype at = out.indexOf(prefix);
            if (at >= 0) {
                const qsizetype nl = out.indexOf('\n', at);
                if (nl < 0)
                    continue;
                const QByteArray line = out.mid(at, nl - at);
                port = quint16(line.mid(line.lastIndexOf(':') + 1).toUInt());
                return port != 0;
            }
        }
        return false;
    }
    QByteArray stop()
    {
        process.terminate();
        process.waitForFinished(20000);
        return process.readAllStandardOutput();
    }
    ~Child()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(3000);
        }
    }
};

} // namespace

int main(int argc, char **argv)
{
    if (argc > 1 && !std::strcmp(argv[1], "--server"))
        return runServer();
    QCoreApplication app(argc, argv);
    raiseFdLimit();
    signal(SIGPIPE, SIG_IGN);
    const QStringList args = app.arguments();
    const bool quick = args.contains(QStringLiteral("--quick"));
    QString wslens = QStringLiteral(WSLENS_BINARY_PATH);
    if (const qsizetype i = args.indexOf(QStringLiteral("--wslens")); i > 0 && i + 1 < args.size())
        wslens = args.at(i + 1);
    // 10,000 relayed connections need 20,000+ descriptors in the relay; the hard
    // RLIMIT_NOFILE here is 20,000, so the default stops just under it.
    QList<int> connectionCounts = {1000, 9990};
    if (const qsizetype i = args.indexOf(QStringLiteral("--connections")); i > 0 && i + 1 < args.size()) {
        connectionCounts.clear();
        for (const QString &s : args.at(i + 1).split(QLatin1Char(',')))
            connectionCounts << s.toInt();
    }
    if (quick)
        connectionCounts = {1000};

    Child server;
    if (!server.start(app.applicationFilePath(), {QStringLiteral("--server")}, "listening on")) {
        std::fprintf(stderr, "bench_relay: the server did not start\n");
        return 1;
    }
    QTemporaryDir dir;
    const QString session = dir.filePath(QStringLiteral("bench.wslens"));
    Child relay;
    if (!relay.start(wslens, {QStringLiteral("capture"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                              QStringLiteral("--upstream"), QStringLiteral("ws://127.0.0.1:%1").arg(server.port),
                              QStringLiteral("--save"), session},
                     "listening on")) {
        std::fprintf(stderr, "bench_relay: wslens capture did not start (%s)\n", qPrintable(wslens));
        return 1;
    }
    Child socat;
    const quint16 socatPort = freePort();
    socat.process.start(QStringLiteral("socat"),
                        {QStringLiteral("-b"), QStringLiteral("262144"),
                         QStringLiteral("TCP-LISTEN:%1,bind=127.0.0.1,reuseaddr,fork").arg(socatPort),
                         QStringLiteral("TCP:127.0.0.1:%1").arg(server.port)});
    socat.port = socatPort;
    bool socatOk = socat.process.waitForStarted(3000);
    for (int i = 0; i < 50 && socatOk; ++i) { // wait until it listens
        int fd = connectLoopback(socatPort);
        if (fd >= 0) {
            ::close(fd);
            break;
        }
        usleep(20000);
    }

    std::printf("concurrent connections through the relay (idle WebSockets):\n");
    for (const int n : connectionCounts) {
        if (n <= 0)
            continue; // --connections 0: skip
        const Concurrency c = measureConcurrency(relay.port, n, relay.process.processId());
        std::printf("%6d requested: %6d open in %.2f s; relay RSS %ld -> %ld KiB (%.1f KiB per connection)\n", n,
                    c.opened, c.seconds, c.rssBeforeKiB, c.rssAfterKiB,
                    c.opened ? double(c.rssAfterKiB - c.rssBeforeKiB) / c.opened : 0.0);
        std::fflush(stdout);
        usleep(1000 * 1000); // let the relay record the closes
    }
    std::printf("\n");
    // The same relay engine in this process: without capture, and capturing into a sink
    // that drops the records (separates the relay's own cost from the session file's).
    DiscardSink discard;
    wslens::relay::RelayConfig cfg;
    cfg.mode = wslens::relay::RelayMode::ReverseProxy;
    cfg.upstream = QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(server.port));
    wslens::relay::Relay bare, discarding;
    bare.setConfig(cfg);
    discarding.setConfig(cfg);
    discarding.setCaptureSink(&discard);
    bare.start();
    discarding.start();
    const Target targets[] = {{"direct", server.port},       {"socat", socatPort},
                              {"engine", bare.listenPort()}, {"engine+rec", discarding.listenPort()},
                              {"relay", relay.port}};
    double seconds = quick ? 0.5 : 2.0;
    if (const qsizetype i = args.indexOf(QStringLiteral("--seconds")); i > 0 && i + 1 < args.size())
        seconds = args.at(i + 1).toDouble();
    int repeat = 1;
    if (const qsizetype i = args.indexOf(QStringLiteral("--repeat")); i > 0 && i + 1 < args.size())
        repeat = std::max(1, args.at(i + 1).toInt());
    QList<int> sizes = {100, 1024, 65536};
    if (const qsizetype i = args.indexOf(QStringLiteral("--sizes")); i > 0 && i + 1 < args.size()) {
        sizes.clear();
        for (const QString &v : args.at(i + 1).split(QLatin1Char(',')))
            if (v.toInt() > 0)
                sizes << v.toInt(); // --sizes 0: no throughput runs
    }
    QStringList only; // --paths socat,relay: measure these paths only
    if (const qsizetype i = args.indexOf(QStringLiteral("--paths")); i > 0 && i + 1 < args.size())
        only = args.at(i + 1).split(QLatin1Char(','));
    const bool latency = !args.contains(QStringLiteral("--no-latency"));
    int rounds = quick ? 2000 : 20000;
    if (const qsizetype i = args.indexOf(QStringLiteral("--rounds")); i > 0 && i + 1 < args.size())
        rounds = args.at(i + 1).toInt();
    const auto wanted = [&](const Target &t) {
        if (!std::strcmp(t.name, "socat") && !socatOk)
            return false;
        return only.isEmpty() || only.contains(QLatin1String(t.name));
    };
    const auto median = [](std::vector<double> v) {
        if (v.empty())
            return 0.0;
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };

    std::printf("bench_relay: relay = wslens capture (reverse proxy, recording to a session file); "
                "socat -b 262144; server = epoll sink/echo\n\n");
    std::printf("paths: direct = no relay; engine = relay engine in-process, no capture; engine+rec = same,\n"
                "records built and dropped; relay = wslens capture writing the session file\n");
    if (repeat > 1)
        std::printf("each payload: %d rounds, every path once per round (interleaved); medians below\n", repeat);
    std::printf("\n%-10s %10s %16s %12s\n", "payload", "path", "frames/s", "MB/s");
    double relay100 = 0;
    std::vector<double> relayToSocat64; // per round, same minute
    std::unordered_map<int, std::vector<double>> cpuPerGb; // wslens capture's CPU seconds per GB
    for (const int size : sizes) {
        std::unordered_map<std::string, std::vector<double>> mb, fps;
        for (int round = 0; round < repeat; ++round) {
            double socatRound = 0, relayRound = 0;
            for (const Target &t : targets) {
                if (!wanted(t))
                    continue;
                const bool isRelay = !std::strcmp(t.name, "relay");
                const double cpuBefore = isRelay ? cpuSeconds(relay.process.processId()) : 0;
                const Throughput r = measureThroughput(t.port, size, seconds);
                if (isRelay && r.ok && r.mbPerSec > 0) // CPU of wslens capture per GB relayed (calibration included)
                    cpuPerGb[size].push_back((cpuSeconds(relay.process.processId()) - cpuBefore)
                                             / (r.bytes / 1e9));
                if (repeat == 1)
                    std::printf("%-10d %12s %16.0f %12.1f%s\n", size, t.name, r.framesPerSec, r.mbPerSec,
                                r.ok ? "" : "  (failed)");
                std::fflush(stdout);
                if (!r.ok)
                    continue;
                mb[t.name].push_back(r.mbPerSec);
                fps[t.name].push_back(r.framesPerSec);
                if (!std::strcmp(t.name, "socat"))
                    socatRound = r.mbPerSec;
                if (!std::strcmp(t.name, "relay"))
                    relayRound = r.mbPerSec;
            }
            if (size == 65536 && socatRound > 0 && relayRound > 0)
                relayToSocat64.push_back(relayRound / socatRound);
        }
        for (const Target &t : targets) {
            if (!wanted(t) || !mb.count(t.name))
                continue;
            if (repeat > 1) {
                std::vector<double> v = mb[t.name];
                std::sort(v.begin(), v.end());
                std::printf("%-10d %12s %16.0f %12.1f   (MB/s min %.0f, max %.0f)\n", size, t.name, median(fps[t.name]),
                            median(mb[t.name]), v.front(), v.back());
            }
            if (size == 100 && !std::strcmp(t.name, "relay"))
                relay100 = median(fps[t.name]);
        }
    }
    for (const int size : sizes)
        if (cpuPerGb.count(size))
            std::printf("wslens capture CPU at %d B: %.2f s per GB relayed (median; user + system, all threads)\n", size,
                        median(cpuPerGb[size]));
    if (relay100 > 0)
        std::printf("\nrelay at 100 B: %.2f M frames/s captured (target >= 1 M)\n", relay100 / 1e6);
    if (!relayToSocat64.empty()) {
        std::vector<double> v = relayToSocat64;
        std::sort(v.begin(), v.end());
        std::printf("relay at 64 KiB: %.0f%% of socat's bytes/s (target >= 70%%)", 100.0 * median(v));
        if (v.size() > 1)
            std::printf(", median of %zu rounds (%.0f-%.0f%%)", v.size(), 100.0 * v.front(), 100.0 * v.back());
        std::printf("\n");
    }

    if (latency) {
        std::printf("\nround trip, 1 KiB binary message, %d rounds:\n", rounds);
        double directP50 = 0;
        for (const Target &t : targets) {
            if (!wanted(t) && std::strcmp(t.name, "direct"))
                continue;
            const Latency l = measureRtt(t.port, 1024, rounds);
            if (!std::strcmp(t.name, "direct"))
                directP50 = l.p50;
            std::printf("%12s  p50 %7.1f us  p99 %7.1f us%s", t.name, l.p50, l.p99, l.ok ? "" : "  (failed)");
            if (std::strcmp(t.name, "direct"))
                std::printf("  added p50 %.1f us", l.p50 - directP50);
            std::printf("\n");
            std::fflush(stdout);
        }
    }

    const QByteArray relayOut = relay.stop();
    const qsizetype at = relayOut.lastIndexOf("stopped:");
    if (at >= 0)
        std::printf("\nwslens capture: %s", relayOut.mid(at).constData());
    std::printf("session file size: %.1f MB\n", double(QFile(session).size()) / 1e6);
    socat.stop();
    server.stop();
    return 0;
}
