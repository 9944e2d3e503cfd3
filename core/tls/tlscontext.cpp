#include "tls/tlscontext.h"

#include "tls/opensslhandles.h"
#include "tls/tlsverify.h"

#include <QMutex>
#include <QSslKey>
#include <QSslSocket>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <unordered_map>

namespace wslens::tls {

using namespace detail;

namespace {

constexpr const char *kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char *kTls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
// OpenSSL reads this much from the socket at once (read-ahead): a 64 KiB
// burst of records costs one read(2) instead of two per record.
constexpr long kReadAheadBytes = 80 * 1024;

QByteArray alpnWire(const QList<QByteArray> &protocols)
{
    QByteArray wire;
    for (const QByteArray &p : protocols) {
        if (p.isEmpty() || p.size() > 255)
            continue;
        wire.append(char(p.size())).append(p);
    }
    return wire;
}

int selectAlpn(SSL *, const unsigned char **out, unsigned char *outLength, const unsigned char *in,
               unsigned int inLength, void *arg)
{
    const auto *ours = static_cast<const QByteArray *>(arg);
    unsigned char *selected = nullptr;
    // Server preference: walks our list and picks the first the client offers.
    if (SSL_select_next_proto(&selected, outLength, reinterpret_cast<const unsigned char *>(ours->constData()),
                              unsigned(ours->size()), in, inLength)
        != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

SSL_CTX *newContext(bool server, QString *error)
{
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (!ctx) {
        if (error)
            *error = openSslError("SSL_CTX_new");
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF
                                 | (server ? SSL_OP_CIPHER_SERVER_PREFERENCE : 0));
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_read_ahead(ctx, 1);
    SSL_CTX_set_default_read_buffer_len(ctx, kReadAheadBytes);
    if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1 || SSL_CTX_set_ciphersuites(ctx, kTls13Suites) != 1) {
        if (error)
            *error = openSslError("cipher configuration");
        SSL_CTX_free(ctx);
        return nullptr;
    }
    return ctx;
}

} // namespace

struct TlsContext::Cache
{
    struct CertEntry
    {
        QSslCertificate pin; // keeps the handle used as key alive
        X509Ptr x509;
    };
    struct KeyEntry
    {
        QSslKey pin;
        PKeyPtr pkey;
    };
    static constexpr qsizetype kMaxEntries = 256;

    QMutex mutex;
    std::unordered_map<const void *, CertEntry> certificates;
    std::unordered_map<const void *, KeyEntry> keys;

    // Borrowed pointer, valid while the entry lives (callers up-ref it under the mutex).
    X509 *certificate(const QSslCertificate &c)
    {
        const void *id = c.handle();
        if (id) {
            const auto it = certificates.find(id);
            if (it != certificates.end())
                return it->second.x509.get();
        }
        const QByteArray der = c.toDer();
        const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
        X509Ptr x(d2i_X509(nullptr, &p, long(der.size())));
        if (!x || !id)
            return x ? (fresh = std::move(x)).get() : nullptr;
        if (certificates.size() >= kMaxEntries)
            certificates.clear();
        return certificates.emplace(id, CertEntry{c, std::move(x)}).first->second.x509.get();
    }
    EVP_PKEY *key(const QSslKey &k)
    {
        const void *id = k.handle();
        if (id) {
            const auto it = keys.find(id);
            if (it != keys.end())
                return it->second.pkey.get();
        }
        const QByteArray pem = k.toPem();
        BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
        PKeyPtr pkey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
        if (!pkey || !id)
            return pkey ? (freshKey = std::move(pkey)).get() : nullptr;
        if (keys.size() >= kMaxEntries)
            keys.clear();
        return keys.emplace(id, KeyEntry{k, std::move(pkey)}).first->second.pkey.get();
    }
    // Uncacheable conversions (no native handle) live until the next one.
    X509Ptr fresh;
    PKeyPtr freshKey;
};

TlsContext::TlsContext(SSL_CTX *ctx, bool server, bool verifyPeer)
    : m_ctx(ctx)
    , m_server(server)
    , m_verifyPeer(verifyPeer)
    , m_cache(std::make_unique<Cache>())
{
}

TlsContext::~TlsContext()
{
    SSL_CTX_free(m_ctx);
}

bool TlsContext::backendAvailable()
{
    return QSslSocket::supportsSsl();
}

std::shared_ptr<TlsContext> TlsContext::makeClient(const ClientOptions &options, QString *error)
{
    SSL_CTX *ctx = newContext(false, error);
    if (!ctx)
        return {};
    std::shared_ptr<TlsContext> result(new TlsContext(ctx, false, options.verifyPeer));
    if (options.useSystemStore && SSL_CTX_set_default_verify_paths(ctx) != 1) {
        if (error)
            *error = openSslError("system certificate store");
        return {};
    }
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    for (const QSslCertificate &c : options.extraCaCertificates) {
        const QByteArray der = c.toDer();
        const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
        X509Ptr x(d2i_X509(nullptr, &p, long(der.size())));
        if (!x || X509_STORE_add_cert(store, x.get()) != 1) {
            const unsigned long e = ERR_peek_last_error();
            if (ERR_GET_REASON(e) == X509_R_CERT_ALREADY_IN_HASH_TABLE) {
                ERR_clear_error();
                continue;
            }
            if (error)
                *error = openSslError("extra CA certificate");
            return {};
        }
    }
    // Every problem is collected; whether it fails the handshake is decided
    // after it (TlsSocket), so insecure mode still reports all of them.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, &detail::collectVerifyError);
    if (!options.alpn.isEmpty()) {
        const QByteArray wire = alpnWire(options.alpn);
        SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char *>(wire.constData()), unsigned(wire.size()));
    }
    return result;
}

std::shared_ptr<TlsContext> TlsContext::makeServer(const ServerOptions &options, QString *error)
{
    SSL_CTX *ctx = newContext(true, error);
    if (!ctx)
        return {};
    std::shared_ptr<TlsContext> result(new TlsContext(ctx, true, false));
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr); // no client certificates
    SSL_CTX_set_num_tickets(ctx, 1);
    result->m_alpn = alpnWire(options.alpn);
    if (!result->m_alpn.isEmpty())
        SSL_CTX_set_alpn_select_cb(ctx, &selectAlpn, &result->m_alpn);
    return result;
}

bool TlsContext::useIdentity(SSL *ssl, const LeafCertificate &identity, QString *error)
{
    QMutexLocker lock(&m_cache->mutex);
    ERR_clear_error();
    X509 *leaf = m_cache->certificate(identity.certificate);
    EVP_PKEY *key = m_cache->key(identity.privateKey);
    if (!leaf || !key) {
        if (error)
            *error = QStringLiteral("the server certificate or key cannot be converted for OpenSSL");
        return false;
    }
    if (SSL_use_certificate(ssl, leaf) != 1 || SSL_use_PrivateKey(ssl, key) != 1) {
        if (error)
            *error = openSslError("server certificate");
        return false;
    }
    for (const QSslCertificate &c : identity.chain) {
        if (c == identity.certificate)
            continue;
        X509 *x = m_cache->certificate(c);
        if (!x || SSL_add1_chain_cert(ssl, x) != 1) {
            if (error)
                *error = openSslError("certificate chain");
            return false;
        }
    }
    return true;
}

} // namespace wslens::tls
