#pragma once
// Internal to core/tls: the CA's files in its folder.
//   wslens-ca.pem       private key + certificate, mode 0600 (the authority)
//   wslens-ca-cert.pem  the certificate alone, for users to import (0644)
// The private file is replaced with one atomic rename, so a key and its
// certificate can never get out of step; the public copy is rewritten from it.

#include "tls/opensslhandles.h"

#include <QList>
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

// A CA folder or private key file that group or others may access (as ssh
// checks ~/.ssh and its keys). Files that are missing, symbolic links, not
// regular or owned by another user are not listed: loading refuses those.
struct PermissionProblem
{
    QString path;
    bool folder = false;
    int mode = 0;   // the permission bits found, e.g. 0644
    int wanted = 0; // 0700 for the folder, 0600 for the key

    // The command that fixes it: chmod 600 '/path/wslens-ca.pem'
    QString chmodCommand() const;
};

// Looks at `directory` and its private key file without changing anything;
// the folder comes first.
QList<PermissionProblem> findPermissionProblems(const QString &directory);

// Changes each problem to its wanted mode and appends a warning naming the
// path, the mode found and the chmod; false with *error (which also names the
// chmod to run) if a mode cannot be changed.
bool fixPermissionProblems(const QList<PermissionProblem> &problems, QStringList *warnings, QString *error);

// Makes a new CA and writes both files, replacing existing ones atomically.
bool createCa(const QString &directory, int validityDays, CaMaterial *out, QString *error);

} // namespace wslens::tls::detail
