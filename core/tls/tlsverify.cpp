#include "tls/tlsverify.h"

#include <QSslError>

namespace wslens::tls::detail {

namespace {

int verifyLogIndex()
{
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

} // namespace

void setVerifyLog(SSL *ssl, VerifyLog *log)
{
    SSL_set_ex_data(ssl, verifyLogIndex(), log);
}

int collectVerifyError(int preverifyOk, X509_STORE_CTX *store)
{
    if (preverifyOk)
        return 1;
    auto *ssl = static_cast<SSL *>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto *log = ssl ? static_cast<VerifyLog *>(SSL_get_ex_data(ssl, verifyLogIndex())) : nullptr;
    if (log) {
        const QString text = verifyErrorText(X509_STORE_CTX_get_error(store));
        if (!log->errors.contains(text))
            log->errors.append(text);
    }
    return 1;
}

QString verifyErrorText(int e)
{
    QSslError::SslError q = QSslError::UnspecifiedError;
    switch (e) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT: q = QSslError::UnableToGetIssuerCertificate; break;
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE: q = QSslError::UnableToDecryptCertificateSignature; break;
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: q = QSslError::UnableToDecodeIssuerPublicKey; break;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE: q = QSslError::CertificateSignatureFailed; break;
    case X509_V_ERR_CERT_NOT_YET_VALID: q = QSslError::CertificateNotYetValid; break;
    case X509_V_ERR_CERT_HAS_EXPIRED: q = QSslError::CertificateExpired; break;
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD: q = QSslError::InvalidNotBeforeField; break;
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD: q = QSslError::InvalidNotAfterField; break;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: q = QSslError::SelfSignedCertificate; break;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: q = QSslError::SelfSignedCertificateInChain; break;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: q = QSslError::UnableToGetLocalIssuerCertificate; break;
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: q = QSslError::UnableToVerifyFirstCertificate; break;
    case X509_V_ERR_CERT_REVOKED: q = QSslError::CertificateRevoked; break;
    case X509_V_ERR_INVALID_CA: q = QSslError::InvalidCaCertificate; break;
    case X509_V_ERR_PATH_LENGTH_EXCEEDED: q = QSslError::PathLengthExceeded; break;
    case X509_V_ERR_INVALID_PURPOSE: q = QSslError::InvalidPurpose; break;
    case X509_V_ERR_CERT_UNTRUSTED: q = QSslError::CertificateUntrusted; break;
    case X509_V_ERR_CERT_REJECTED: q = QSslError::CertificateRejected; break;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: q = QSslError::HostNameMismatch; break;
    default:
        return QString::fromUtf8(X509_verify_cert_error_string(e));
    }
    return QSslError(q).errorString();
}

} // namespace wslens::tls::detail
