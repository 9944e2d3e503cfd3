#pragma once

#include <QList>
#include <QSslCertificate>
#include <QSslKey>

namespace wslens::tls {

// A server certificate made by the CertificateAuthority for one host, with
// what a TLS server needs to present it. Cheap to copy (implicitly shared).
struct LeafCertificate
{
    QSslCertificate certificate;
    QSslKey privateKey;              // shared by every leaf of one CA instance
    QList<QSslCertificate> chain;    // the leaf first, then the CA certificate

    bool isNull() const { return certificate.isNull(); }
};

} // namespace wslens::tls
