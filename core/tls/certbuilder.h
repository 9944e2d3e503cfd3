#pragma once
// Internal to core/tls: key generation, certificate construction and PEM/DER
// conversion with OpenSSL 3 libcrypto.

#include "tls/leafname.h"
#include "tls/opensslhandles.h"

#include <QByteArray>
#include <QString>

namespace wslens::tls::detail {

// A fresh ECDSA P-256 key pair.
PKeyPtr generateP256Key(QString *error);

// A self-signed CA certificate: basicConstraints CA:TRUE (critical), keyUsage
// keyCertSign+cRLSign (critical), subject/authority key identifiers, a random
// 128-bit serial, valid from a day ago for validityDays.
X509Ptr makeCaCertificate(EVP_PKEY *key, const QString &commonName, int validityDays, QString *error);

// The key pair all leaves share, with its SubjectPublicKeyInfo encoded once:
// X509_set_pubkey() runs an OpenSSL 3 encoder lookup on every call (~0.4 ms),
// copying the encoded form takes about a microsecond.
struct LeafKey
{
    PKeyPtr key;
    PubkeyPtr publicKey;
    bool rsa = false;
};
bool makeLeafKey(LeafKey *out, QString *error);

// A server certificate for `name`, signed by the CA: subjectAltName DNS or IP,
// CN = name (when it fits the 64-character limit), extendedKeyUsage serverAuth,
// keyUsage digitalSignature (+keyEncipherment for RSA keys), key identifiers,
// valid from a day ago for validityDays, never beyond the CA's own expiry.
X509Ptr makeLeafCertificate(const LeafName &name, const LeafKey &leafKey, X509 *caCertificate,
                            EVP_PKEY *caKey, int validityDays, QString *error);

QByteArray certificateToPem(X509 *certificate);
QByteArray certificateToDer(X509 *certificate);
QByteArray privateKeyToPem(EVP_PKEY *key); // unencrypted PKCS#8

// Parse the first certificate / private key found in PEM text (other blocks
// are skipped). Null on failure.
X509Ptr certificateFromPem(const QByteArray &pem);
PKeyPtr privateKeyFromPem(const QByteArray &pem);

} // namespace wslens::tls::detail
