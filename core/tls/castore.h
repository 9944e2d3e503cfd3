#pragma once
// Internal to core/tls: the CA's files in its folder.
//   wslens-ca.pem       private key + certificate, mode 0600 (the authority)
//   wslens-ca-cert.pem  the certificate alone, for users to import (0644)
// The private file is replaced with one atomic rename, so a key and its
// certificate can never get out of step; the public copy is rewritten from it.

#include "tls/opensslhandles.h"

#include <QString>
#include <QStringList>

namespace wslens::tls::detail {

struct CaMaterial
{
    PKeyPtr key;
    X509Ptr certificate;
};

QString caPrivateFilePath(const QString &directory);
QString caCertificateFilePath(const QString &directory);

// Loads the CA from `directory` (which must already be private). Returns false
// with an empty *error if there is no CA there yet; false with a message if the
// files are unusable (unreadable, not a CA, key does not match, expired).
// Fixes the permissions of a too-open key (with a warning) and restores a
// missing or stale public certificate file.
bool loadCa(const QString &directory, CaMaterial *out, QStringList *warnings, QString *error);

// Makes a new CA and writes both files, replacing existing ones atomically.
bool createCa(const QString &directory, int validityDays, CaMaterial *out, QString *error);

} // namespace wslens::tls::detail
