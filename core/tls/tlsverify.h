#pragma once
// Internal to core/tls: certificate verification results for TlsSocket in the
// words Qt uses (QSslError::errorString()), so messages read the same whether a
// connection went through QSslSocket or TlsSocket.

#include <QStringList>

#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace wslens::tls::detail {

// What a client handshake found wrong with the server's certificate chain.
struct VerifyLog
{
    QStringList errors; // distinct, in the order OpenSSL reported them
};

// Attaches `log` to `ssl` for collectVerifyError (null detaches).
void setVerifyLog(SSL *ssl, VerifyLog *log);

// SSL_CTX_set_verify callback: records every error in the SSL's VerifyLog and
// lets the handshake continue; the caller decides afterwards.
int collectVerifyError(int preverifyOk, X509_STORE_CTX *store);

// Qt's text for an X509_V_ERR_* code (OpenSSL's own text for codes Qt does not name).
QString verifyErrorText(int x509Error);

} // namespace wslens::tls::detail
