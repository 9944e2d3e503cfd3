#pragma once

#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QtGlobal>

#include <memory>

namespace wslens::tls {
class CertificateAuthority;
}

namespace wslens::relay {

// How the relay finds the server for a client connection.
enum class RelayMode : quint8 {
    ReverseProxy = 0,  // every connection goes to a fixed upstream URL
    ExplicitProxy = 1, // clients use the relay as their HTTP proxy (CONNECT / absolute-form)
};

// What happens to a CONNECT tunnel whose first client bytes are a TLS ClientHello.
enum class TunnelPolicy : quint8 {
    Forward = 0,   // opaque tunnel: bytes forwarded untouched, nothing captured
    Intercept = 1, // TLS ended here with a leaf from the CA (hosts in passThrough excepted)
};

// Every setting of the relay; safe defaults.
struct RelayConfig
{
    RelayMode mode = RelayMode::ExplicitProxy;
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 listenPort = 0;         // 0: the OS picks a free port
    QUrl upstream;                  // ws://host:port/base (reverse-proxy mode only)
    bool strict = false;            // close the offending side on a protocol violation
    int workerThreads = 2;          // connection threads (the listener has its own)
    int listenBacklog = 4096;

    // Back-pressure: stop reading a side while the other side has this much unsent.
    qint64 maxPendingWrite = qint64(2) << 20;
    // Qt-side read buffer per socket (bounds memory per connection).
    qint64 readBufferSize = qint64(512) << 10;

    // Limits on what peers can make the relay hold.
    int maxHeadBytes = 64 * 1024;          // HTTP request/response head
    int maxHeadLines = 200;
    quint64 maxFrameSize = quint64(64) << 20;
    quint64 maxMessageSize = quint64(64) << 20;
    quint64 maxDecompressedSize = quint64(64) << 20; // permessage-deflate decode cap
    int connectTimeoutMs = 10000;
    int closeLingerMs = 5000;  // how long to wait for a peer to take our last bytes

    // ---- TLS (issue 5; docs/TLS.md) ----
    // Intercept needs a CA: certificateAuthority if set (shared, already
    // loaded), otherwise the one in caDirectory ("" = the app data folder),
    // created on first use when the relay starts.
    TunnelPolicy tunnelPolicy = TunnelPolicy::Forward;
    QStringList passThrough;        // host globs tunnelled untouched ("*.google.com")
    bool tlsListener = false;       // reverse mode: clients speak TLS to the relay (wss://)
    QString caDirectory;
    std::shared_ptr<tls::CertificateAuthority> certificateAuthority;
    // Upstream TLS (wss:// upstreams, intercepted tunnels): verified against the
    // system store plus the certificates in upstreamCaFile (PEM); with
    // insecureUpstream, certificate errors are ignored and recorded on the connection.
    QString upstreamCaFile;
    bool insecureUpstream = false;
    int tlsHandshakeTimeoutMs = 10000;
    // Read buffer of a TLS socket (instead of readBufferSize): how much
    // decrypted data a tls::TlsSocket holds before it stops reading. (With
    // QSslSocket a small value mattered, because its memory BIO got slower the
    // more it held; TlsSocket decrypts into 64 KiB chunks and does not care.)
    qint64 tlsReadBufferSize = qint64(64) << 10;

    // True when listenAddress is not a loopback address (the relay then warns).
    bool exposedBeyondLoopback() const { return !listenAddress.isLoopback(); }
    // True when the relay needs the CA (interception or a TLS listener).
    bool needsCertificateAuthority() const
    {
        return (mode == RelayMode::ExplicitProxy && tunnelPolicy == TunnelPolicy::Intercept)
               || (mode == RelayMode::ReverseProxy && tlsListener);
    }
};

} // namespace wslens::relay
