#pragma once

#include "tls/leafcertificate.h"

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QString>

#include <memory>

struct ssl_ctx_st;
struct ssl_st;

namespace wslens::tls {

// A shared OpenSSL SSL_CTX for TlsSocket: TLS 1.2 and 1.3 only, AES-128-GCM
// preferred (then AES-256-GCM, ChaCha20-Poly1305), no compression, no
// renegotiation, a missing close_notify treated as an ordinary end of stream.
// Make one per role and configuration and share it between sockets and
// threads (SSL objects made from it are per socket). Cheap to keep around:
// the system store is looked up lazily by hash (no per-socket CA loading).
class TlsContext
{
public:
    struct ClientOptions
    {
        bool useSystemStore = true;               // /etc/ssl/certs (OpenSSL default paths)
        QList<QSslCertificate> extraCaCertificates; // trusted in addition
        // false: certificate errors are still collected (TlsSocket::certificateErrors())
        // but do not fail the handshake (the relay's --insecure-upstream).
        bool verifyPeer = true;
        QList<QByteArray> alpn = {QByteArrayLiteral("http/1.1")}; // offered; empty: none
    };
    struct ServerOptions
    {
        // Selected when the client offers it (first match in this order);
        // a client offering none of them gets no ALPN answer.
        QList<QByteArray> alpn = {QByteArrayLiteral("http/1.1")};
    };

    // Whether TLS can work here: OpenSSL and Qt's TLS backend (the CA hands
    // out QSslCertificate/QSslKey).
    static bool backendAvailable();

    static std::shared_ptr<TlsContext> makeClient(const ClientOptions &options, QString *error = nullptr);
    static std::shared_ptr<TlsContext> makeServer(const ServerOptions &options, QString *error = nullptr);

    ~TlsContext();
    TlsContext(const TlsContext &) = delete;
    TlsContext &operator=(const TlsContext &) = delete;

    bool isServer() const { return m_server; }
    bool verifiesPeer() const { return m_verifyPeer; }
    ssl_ctx_st *handle() const { return m_ctx; }

    // Server side: puts the leaf, its key and its chain on `ssl`. The OpenSSL
    // forms of the (implicitly shared) Qt objects are cached, so a leaf from
    // the CA's cache costs no parsing. Thread-safe.
    bool useIdentity(ssl_st *ssl, const LeafCertificate &identity, QString *error);

private:
    TlsContext(ssl_ctx_st *ctx, bool server, bool verifyPeer);
    struct Cache;

    ssl_ctx_st *m_ctx = nullptr;
    bool m_server = false;
    bool m_verifyPeer = true;
    QByteArray m_alpn; // server: the protocols it may select, in wire format
    std::unique_ptr<Cache> m_cache;
};

} // namespace wslens::tls
