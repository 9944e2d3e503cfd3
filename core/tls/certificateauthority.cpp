#include "tls/certificateauthority.h"

#include "tls/castore.h"
#include "tls/certbuilder.h"
#include "tls/leafname.h"
#include "tls/privatefiles.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QMutex>
#include <QMutexLocker>
#include <QSaveFile>
#include <QSslSocket>
#include <QStandardPaths>

namespace wslens::tls {

namespace {

// Everything derived from one CA; immutable once built and shared by
// threads through a shared_ptr, so regenerate() never pulls it from under a
// leaf that is being signed.
struct Material
{
    detail::CaMaterial ca;
    detail::LeafKey leafKey; // one key pair for every leaf (as mitmproxy does); never stored
    QSslCertificate caCertificate;
    QSslKey leafPrivateKey;
    QByteArray caPem;
    QByteArray caDer;
    quint64 generation = 0;
};

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

struct CertificateAuthority::Private
{
    explicit Private(const Options &o)
        : options(o)
        , cache(o.leafCacheCapacity)
    {
        if (options.directory.isEmpty())
            options.directory = defaultDirectory();
        if (!options.directory.isEmpty())
            options.directory = QDir::cleanPath(QFileInfo(options.directory).absoluteFilePath());
    }

    std::shared_ptr<const Material> current() const
    {
        QMutexLocker lock(&mutex);
        return material;
    }

    // Loads the CA (if loadExisting and there is one) or makes a new one, with
    // the folder locked against other wslens processes; records the warnings.
    // The caller holds loadMutex (against other threads).
    bool loadOrMake(bool loadExisting, QString *error);
    bool loadOrMakeLocked(bool loadExisting, QStringList *found, QString *error);
    bool install(detail::CaMaterial ca, bool created, QString *error);

    Options options;
    LeafCache cache;
    QMutex loadMutex; // held while loading or regenerating
    mutable QMutex mutex; // guards the members below
    std::shared_ptr<const Material> material;
    QStringList warnings;
    bool created = false;
    quint64 nextGeneration = 1;
    LoadedCallback loaded; // set before sharing; read while loadMutex is held
};

bool CertificateAuthority::Private::loadOrMake(bool loadExisting, QString *error)
{
    QStringList found;
    const bool ok = loadOrMakeLocked(loadExisting, &found, error);
    QMutexLocker lock(&mutex);
    warnings = found;
    return ok;
}

bool CertificateAuthority::Private::loadOrMakeLocked(bool loadExisting, QStringList *found, QString *error)
{
    if (options.directory.isEmpty())
        return fail(error, QStringLiteral("no folder for the CA (the application data location is unknown; "
                                          "give one with --ca-dir)"));
    // Like ssh: a folder or key that others may read is named with its chmod
    // (and fixed here, so the key is not left exposed).
    if (!detail::fixPermissionProblems(detail::findPermissionProblems(options.directory), found, error))
        return false;
    if (!files::ensurePrivateDirectory(options.directory, found, error))
        return false;
    QLockFile lock(options.directory + QStringLiteral("/.lock"));
    lock.setStaleLockTime(30000);
    if (!lock.tryLock(10000))
        return fail(error, QStringLiteral("the CA folder %1 is locked by another wslens process").arg(options.directory));

    detail::CaMaterial ca;
    if (loadExisting) {
        QString loadError;
        if (detail::loadCa(options.directory, &ca, found, &loadError))
            return install(std::move(ca), false, error);
        if (!loadError.isEmpty())
            return fail(error, loadError); // a broken CA is reported, never silently replaced
    }
    return detail::createCa(options.directory, options.caValidityDays, &ca, error)
           && install(std::move(ca), true, error);
}

bool CertificateAuthority::Private::install(detail::CaMaterial ca, bool wasCreated, QString *error)
{
    auto m = std::make_shared<Material>();
    if (!detail::makeLeafKey(&m->leafKey, error))
        return false;
    m->caPem = detail::certificateToPem(ca.certificate.get());
    m->caDer = detail::certificateToDer(ca.certificate.get());
    m->caCertificate = QSslCertificate(m->caPem, QSsl::Pem);
    m->leafPrivateKey = QSslKey(detail::privateKeyToPem(m->leafKey.key.get()), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    if (m->caCertificate.isNull() || m->leafPrivateKey.isNull())
        return fail(error, QStringLiteral("Qt's TLS backend cannot read the CA certificate or key "
                                          "(is the OpenSSL TLS plugin available?)"));
    m->ca = std::move(ca);

    QMutexLocker lock(&mutex);
    m->generation = nextGeneration++;
    cache.clear(m->generation);
    material = std::move(m);
    created = wasCreated;
    return true;
}

QString CertificateAuthority::defaultDirectory()
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return base.isEmpty() ? QString() : base + QStringLiteral("/ca");
}

CertificateAuthority::CertificateAuthority(const QString &directory)
    : CertificateAuthority(Options{directory})
{
}

CertificateAuthority::CertificateAuthority(const Options &options)
    : d(std::make_unique<Private>(options))
{
}

CertificateAuthority::~CertificateAuthority() = default;

bool CertificateAuthority::loadOrCreate(QString *error)
{
    QMutexLocker loading(&d->loadMutex);
    if (d->current())
        return true;
    const bool ok = d->loadOrMake(true, error);
    if (ok && d->loaded)
        d->loaded(*this);
    return ok;
}

bool CertificateAuthority::regenerate(QString *error)
{
    QMutexLocker loading(&d->loadMutex);
    const bool ok = d->loadOrMake(false, error);
    if (ok && d->loaded)
        d->loaded(*this);
    return ok;
}

void CertificateAuthority::setLoadedCallback(LoadedCallback callback)
{
    QMutexLocker loading(&d->loadMutex);
    d->loaded = std::move(callback);
}

QStringList CertificateAuthority::createdNotice() const
{
    const QSslCertificate certificate = caCertificate();
    if (certificate.isNull())
        return {};
    const auto mode = [](const QString &path) {
        return QString::number(files::permissionBits(path), 8).rightJustified(4, QLatin1Char('0'));
    };
    QString exportCommand = QStringLiteral("wslens ca export");
    if (directory() != QDir::cleanPath(QFileInfo(defaultDirectory()).absoluteFilePath()))
        exportCommand += QStringLiteral(" --ca-dir '%1'").arg(directory());
    exportCommand += QStringLiteral(" --format pem -o wslens-ca.pem");
    return {
        QStringLiteral("created a new CA for TLS interception in %1").arg(directory()),
        QStringLiteral("its private key %1 is mode %2 in a folder of mode %3: keep it that way, never share it")
            .arg(privateFilePath(), mode(privateFilePath()), mode(directory())),
        QStringLiteral("to intercept wss:// and https://, clients must trust its certificate %1: run '%2' "
                       "and import the file (docs/TLS.md, \"Trusting the CA\")")
            .arg(certificateFilePath(), exportCommand),
        QStringLiteral("SHA-256 fingerprint %1")
            .arg(QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper())),
    };
}

bool CertificateAuthority::isReady() const
{
    return d->current() != nullptr;
}

bool CertificateAuthority::wasCreated() const
{
    QMutexLocker lock(&d->mutex);
    return d->created;
}

QStringList CertificateAuthority::warnings() const
{
    QMutexLocker lock(&d->mutex);
    return d->warnings;
}

QString CertificateAuthority::directory() const
{
    return d->options.directory;
}

QString CertificateAuthority::certificateFilePath() const
{
    return detail::caCertificateFilePath(d->options.directory);
}

QString CertificateAuthority::privateFilePath() const
{
    return detail::caPrivateFilePath(d->options.directory);
}

QSslCertificate CertificateAuthority::caCertificate() const
{
    const auto m = d->current();
    return m ? m->caCertificate : QSslCertificate();
}

QByteArray CertificateAuthority::exportCertificate(Format format) const
{
    const auto m = d->current();
    if (!m)
        return {};
    return format == Format::Pem ? m->caPem : m->caDer;
}

bool CertificateAuthority::exportCertificateToFile(const QString &path, Format format, QString *error) const
{
    const QByteArray data = exportCertificate(format);
    if (data.isEmpty())
        return fail(error, QStringLiteral("the CA is not loaded"));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(error, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    if (file.write(data) != data.size() || !file.commit())
        return fail(error, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return true;
}

LeafCertificate CertificateAuthority::leafFor(const QString &hostOrIp, QString *error)
{
    const auto m = d->current();
    if (!m) {
        fail(error, QStringLiteral("the CA is not loaded"));
        return LeafCertificate();
    }
    LeafName name;
    if (!LeafName::parse(hostOrIp, &name, error))
        return LeafCertificate();
    if (auto cached = d->cache.find(name.text))
        return *cached;

    detail::X509Ptr cert = detail::makeLeafCertificate(name, m->leafKey, m->ca.certificate.get(),
                                                       m->ca.key.get(), d->options.leafValidityDays, error);
    if (!cert)
        return LeafCertificate();
    LeafCertificate leaf;
    leaf.certificate = QSslCertificate(detail::certificateToDer(cert.get()), QSsl::Der);
    if (leaf.certificate.isNull()) {
        fail(error, QStringLiteral("Qt cannot read the certificate made for %1").arg(name.text));
        return LeafCertificate();
    }
    leaf.privateKey = m->leafPrivateKey;
    leaf.chain = {leaf.certificate, m->caCertificate};
    return d->cache.insert(name.text, leaf, m->generation);
}

QSslConfiguration CertificateAuthority::serverConfigurationFor(const QString &hostOrIp, QString *error)
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    const LeafCertificate leaf = leafFor(hostOrIp, error);
    if (leaf.isNull())
        return config;
    config.setLocalCertificateChain(leaf.chain);
    config.setPrivateKey(leaf.privateKey);
    config.setPeerVerifyMode(QSslSocket::VerifyNone); // no client certificates
    config.setProtocol(QSsl::SecureProtocols);
    // http/1.1 only: a browser must not switch to HTTP/2, which the relay does not speak.
    config.setAllowedNextProtocols({QByteArray(QSslConfiguration::NextProtocolHttp1_1)});
    return config;
}

LeafCache::Stats CertificateAuthority::leafCacheStats() const
{
    return d->cache.stats();
}

} // namespace wslens::tls
