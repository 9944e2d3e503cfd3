// Intercept (issue 6): relay throughput of 100 B client->server text messages
// without an interceptor, with one but no rules (fast path: parse only), with
// rules that never match (every message buffered, matched, sent as the
// original bytes), and with a replace rule that edits every message
// (re-encoded with a fresh mask key). In-process relay engine, no capture.
// Client and server are blocking sockets on their own threads.
//
// Run: bench_intercept [--frames N]     (docs/PERFORMANCE.md)
#include "intercept/interceptor.h"
#include "intercept/rulesfile.h"
#include "protocol/framewriter.h"
#include "protocol/handshake.h"
#include "relay/relay.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace wslens;

namespace {

int listenLoopback(quint16 *port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    ::listen(fd, 4);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    *port = ntohs(a.sin_port);
    return fd;
}

int connectLoopback(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

std::string readHead(int fd)
{
    std::string head;
    char c;
    while (head.find("\r\n\r\n") == std::string::npos && ::read(fd, &c, 1) == 1)
        head += c;
    return head;
}

bool writeAll(int fd, const char *p, std::size_t n)
{
    while (n) {
        const ssize_t w = ::write(fd, p, n);
        if (w <= 0)
            return false;
        p += w;
        n -= std::size_t(w);
    }
    return true;
}

// Answers the upgrade, then counts bytes until `expected` arrived.
void serverThread(int listenFd, quint64 expected, std::atomic<qint64> *doneNs, const QElapsedTimer *clock)
{
    const int fd = ::accept(listenFd, nullptr, nullptr);
    const std::string head = readHead(fd);
    std::string key;
    const std::size_t k = head.find("Sec-WebSocket-Key: ");
    if (k != std::string::npos)
        key = head.substr(k + 19, head.find("\r\n", k) - k - 19);
    const QByteArray accept = computeWebSocketAccept(QByteArray::fromStdString(key));
    const std::string response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                 "Sec-WebSocket-Accept: " + accept.toStdString() + "\r\n\r\n";
    writeAll(fd, response.data(), response.size());
    std::vector<char> buf(1 << 20);
    quint64 got = 0;
    while (got < expected) {
        const ssize_t r = ::read(fd, buf.data(), buf.size());
        if (r <= 0)
            break;
        got += quint64(r);
    }
    doneNs->store(got >= expected ? clock->nsecsElapsed() : -1);
    ::close(fd);
}

double run(const char *label, intercept::Interceptor *interceptor, int frames)
{
    quint16 serverPort = 0;
    const int listenFd = listenLoopback(&serverPort);
    relay::Relay relay;
    relay::RelayConfig cfg;
    cfg.mode = relay::RelayMode::ReverseProxy;
    cfg.upstream = QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(serverPort));
    cfg.workerThreads = 1;
    relay.setConfig(cfg);
    relay.setInterceptor(interceptor);
    if (!relay.start()) {
        std::fprintf(stderr, "relay: %s\n", qPrintable(relay.errorString()));
        return 0;
    }
    // 100 B text payload containing "foo" (the replace rule turns it into "bar": same size).
    QByteArray payload = QByteArrayLiteral("foo ") + QByteArray(96, 'x');
    QByteArray block;
    const int perBlock = 8192;
    for (int i = 0; i < perBlock; ++i)
        FrameWriter::appendFrame(block, Opcode::Text, payload, true, 0, true, 0x01020304u + quint32(i));
    const quint64 frameSize = quint64(block.size() / perBlock);
    const quint64 expected = frameSize * quint64(frames);

    QElapsedTimer clock;
    clock.start();
    std::atomic<qint64> doneNs{0};
    std::thread server(serverThread, listenFd, expected, &doneNs, &clock);
    const int fd = connectLoopback(relay.listenPort());
    const std::string req = "GET /bench HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    writeAll(fd, req.data(), req.size());
    readHead(fd);
    const qint64 t0 = clock.nsecsElapsed();
    int sent = 0;
    while (sent < frames) {
        const int n = std::min(perBlock, frames - sent);
        if (!writeAll(fd, block.constData(), std::size_t(n) * frameSize))
            break;
        sent += n;
    }
    server.join();
    const qint64 t1 = doneNs.load();
    ::close(fd);
    ::close(listenFd);
    relay.stop();
    if (t1 <= 0) {
        std::printf("%-34s FAILED (server did not get every byte)\n", label);
        return 0;
    }
    const double seconds = double(t1 - t0) / 1e9;
    const double rate = frames / seconds;
    std::printf("%-34s %9.0f k msg/s  %7.1f MB/s  (%d messages in %.2f s)\n", label, rate / 1e3,
                double(expected) / seconds / 1e6, frames, seconds);
    std::fflush(stdout);
    return rate;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int frames = 1000000;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--frames") == 0)
            frames = std::atoi(argv[i + 1]);
    auto make = [](const char *json) {
        auto icpt = std::make_unique<intercept::Interceptor>();
        intercept::RuleList rules;
        QString error;
        if (!intercept::parseRules(json, &rules, &error) || !icpt->setRules(rules, &error))
            qFatal("%s", qPrintable(error));
        return icpt;
    };
    std::printf("100 B masked text messages, client -> relay -> server, 1 relay worker\n");
    run("no interceptor", nullptr, frames);
    auto none = make(R"J({"rules":[]})J");
    run("interceptor, no rules (fast path)", none.get(), frames);
    auto miss = make(R"J({"rules":[{"action":"drop","direction":"c2s","match":"^zzz"}]})J");
    run("rule active, never matches", miss.get(), frames);
    auto hit = make(R"J({"rules":[{"action":"replace","direction":"c2s","match":"foo","replace":"bar"}]})J");
    run("replace rule, edits every message", hit.get(), frames);
    return 0;
}
