#pragma once
// Test helpers: look at certificates with OpenSSL directly, independently of
// the code under test (which converts to Qt types).

#include <QByteArray>
#include <QSslCertificate>
#include <QString>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>

namespace wslens::test {

struct X509Free
{
    void operator()(X509 *p) const { X509_free(p); }
};
using X509Handle = std::unique_ptr<X509, X509Free>;

inline X509Handle toX509(const QSslCertificate &certificate)
{
    const QByteArray der = certificate.toDer();
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    return X509Handle(d2i_X509(nullptr, &p, long(der.size())));
}

// Verifies leaf against a store holding only `ca`, for purpose "SSL server" and
// the given DNS name or IP address (one of them). Returns "" or the error.
inline QString opensslVerify(const QSslCertificate &ca, const QSslCertificate &leaf,
                             const QByteArray &host, const QByteArray &ip)
{
    X509Handle caX = toX509(ca);
    X509Handle leafX = toX509(leaf);
    if (!caX || !leafX)
        return QStringLiteral("cannot parse certificates");
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, caX.get());
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, leafX.get(), nullptr);
    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    if (!host.isEmpty())
        X509_VERIFY_PARAM_set1_host(param, host.constData(), size_t(host.size()));
    if (!ip.isEmpty())
        X509_VERIFY_PARAM_set1_ip_asc(param, ip.constData());
    const int ok = X509_verify_cert(ctx);
    QString result;
    if (ok != 1)
        result = QString::fromUtf8(X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    ERR_clear_error();
    return result;
}

} // namespace wslens::test
