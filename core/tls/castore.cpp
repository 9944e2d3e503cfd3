#include "tls/castore.h"

#include "tls/certbuilder.h"
#include "tls/privatefiles.h"

#include <QFile>
#include <QSysInfo>

#include <openssl/err.h>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace wslens::tls::detail {

namespace {

constexpr qint64 MaxCaFileBytes = 64 * 1024;
constexpr int ExpiryWarningDays = 30;

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

QString regenerateHint()
{
    return QStringLiteral(" (run 'wslens ca regenerate' to replace it)");
}

// Keeps wslens-ca-cert.pem equal to the certificate in the private file.
bool syncPublicCertificate(const QString &directory, X509 *certificate, QString *error)
{
    const QString path = caCertificateFilePath(directory);
    const QByteArray pem = certificateToPem(certificate);
    QFile existing(path);
    if (existing.open(QIODevice::ReadOnly) && existing.size() <= MaxCaFileBytes && existing.readAll() == pem)
        return true;
    return files::writeFileAtomically(path, pem, 0644, error);
}

QString caCommonName()
{
    QString host = QSysInfo::machineHostName();
    if (host.isEmpty())
        host = QStringLiteral("localhost");
    const QString prefix = QStringLiteral("wslens local CA (");
    // Keep the whole name within the 64 characters X.509 allows for a CN.
    return prefix + host.left(64 - prefix.size() - 1) + QLatin1Char(')');
}

} // namespace

QString PermissionProblem::chmodCommand() const
{
    QString quoted = path;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QStringLiteral("chmod %1 '%2'").arg(QString::number(wanted, 8), quoted);
}

QList<PermissionProblem> findPermissionProblems(const QString &directory)
{
    QList<PermissionProblem> problems;
    const auto check = [&problems](const QString &path, bool folder) {
        struct stat st;
        if (::lstat(QFile::encodeName(path).constData(), &st) != 0 || st.st_uid != ::geteuid())
            return;
        if (folder ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
            return;
        if ((st.st_mode & 077) != 0)
            problems.append({path, folder, int(st.st_mode & 07777), folder ? 0700 : 0600});
    };
    check(directory, true);
    check(caPrivateFilePath(directory), false);
    return problems;
}

bool fixPermissionProblems(const QList<PermissionProblem> &problems, QStringList *warnings, QString *error)
{
    for (const PermissionProblem &p : problems) {
        const QString what = p.folder ? QStringLiteral("the CA folder %1").arg(p.path)
                                      : QStringLiteral("the CA private key %1").arg(p.path);
        const QString found = QStringLiteral("%1 is accessible by group or others (mode %2)")
                                  .arg(what, QString::number(p.mode, 8).rightJustified(4, QLatin1Char('0')));
        if (::chmod(QFile::encodeName(p.path).constData(), mode_t(p.wanted)) != 0)
            return fail(error, QStringLiteral("%1 and cannot be made private (%2); fix it with: %3")
                                   .arg(found, QString::fromLocal8Bit(std::strerror(errno)), p.chmodCommand()));
        if (warnings)
            warnings->append(QStringLiteral("%1; changed to %2 (%3)%4")
                                 .arg(found, QString::number(p.wanted, 8).rightJustified(4, QLatin1Char('0')),
                                      p.chmodCommand(),
                                      p.folder ? QString()
                                               : QStringLiteral(". Whoever read it can impersonate any site to "
                                                                "browsers that trust this CA: if that may have "
                                                                "happened, run 'wslens ca regenerate'")));
    }
    return true;
}

QString caPrivateFilePath(const QString &directory)
{
    return directory + QStringLiteral("/wslens-ca.pem");
}

QString caCertificateFilePath(const QString &directory)
{
    return directory + QStringLiteral("/wslens-ca-cert.pem");
}

bool loadCa(const QString &directory, CaMaterial *out, QStringList *warnings, QString *error)
{
    const QString path = caPrivateFilePath(directory);
    QByteArray pem;
    QString readError;
    if (!files::readPrivateFile(path, &pem, MaxCaFileBytes, warnings, &readError))
        return fail(error, readError);

    CaMaterial material;
    material.key = privateKeyFromPem(pem);
    material.certificate = certificateFromPem(pem);
    if (!material.key || !material.certificate)
        return fail(error, QStringLiteral("%1 does not hold a private key and a certificate").arg(path) + regenerateHint());
    if (X509_check_private_key(material.certificate.get(), material.key.get()) != 1) {
        ERR_clear_error();
        return fail(error, QStringLiteral("the key in %1 does not belong to its certificate").arg(path) + regenerateHint());
    }
    // X509_check_ca also computes the cached extension data once, before the
    // certificate is shared read-only between threads.
    if (X509_check_ca(material.certificate.get()) != 1)
        return fail(error, QStringLiteral("the certificate in %1 is not a CA certificate").arg(path) + regenerateHint());

    if (X509_cmp_current_time(X509_get0_notAfter(material.certificate.get())) <= 0)
        return fail(error, QStringLiteral("the CA certificate in %1 has expired").arg(path) + regenerateHint());
    int days = 0;
    int seconds = 0;
    if (ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(material.certificate.get()))
        && days < ExpiryWarningDays && warnings)
        warnings->append(QStringLiteral("the CA certificate expires in %1 days").arg(days) + regenerateHint());

    if (!syncPublicCertificate(directory, material.certificate.get(), error))
        return false;
    *out = std::move(material);
    return true;
}

bool createCa(const QString &directory, int validityDays, CaMaterial *out, QString *error)
{
    CaMaterial material;
    material.key = generateP256Key(error);
    if (!material.key)
        return false;
    material.certificate = makeCaCertificate(material.key.get(), caCommonName(), validityDays, error);
    if (!material.certificate)
        return false;
    X509_check_ca(material.certificate.get()); // cache extension data (see loadCa)

    const QByteArray keyPem = privateKeyToPem(material.key.get());
    const QByteArray certPem = certificateToPem(material.certificate.get());
    if (keyPem.isEmpty() || certPem.isEmpty())
        return fail(error, openSslError("cannot encode the CA"));
    if (!files::writeFileAtomically(caPrivateFilePath(directory), keyPem + certPem, 0600, error))
        return false;
    if (!files::writeFileAtomically(caCertificateFilePath(directory), certPem, 0644, error))
        return false;
    *out = std::move(material);
    return true;
}

} // namespace wslens::tls::detail
