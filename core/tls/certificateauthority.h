#pragma once

#include "tls/leafcache.h"
#include "tls/leafcertificate.h"

#include <QByteArray>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace wslens::tls {

// The local certificate authority that makes wss:// interception possible.
//
// On first use it creates an ECDSA P-256 CA (self-signed, ~10 years) in a
// private folder (0700; key file 0600) and afterwards loads it from there.
// It signs a server ("leaf") certificate for any host name or IP on demand,
// caches them in a bounded LRU and hands out ready QSslConfigurations.
//
// Thread safety: every method may be called from any thread at the same time;
// leafFor()/serverConfigurationFor() are meant for relay worker threads.
//
//   CertificateAuthority ca;                 // default folder, see defaultDirectory()
//   if (!ca.loadOrCreate(&error)) ...
//   socket->setSslConfiguration(ca.serverConfigurationFor(host));
class CertificateAuthority
{
public:
    enum class Format { Pem, Der };

    struct Options
    {
        QString directory;            // empty: defaultDirectory()
        qsizetype leafCacheCapacity = 512;
        int leafValidityDays = 365;   // browsers accept at most 397 (plus a day of backdating here)
        int caValidityDays = 3650;
    };

    // QStandardPaths::AppDataLocation + "/ca" (needs the application name set).
    static QString defaultDirectory();

    explicit CertificateAuthority(const QString &directory = QString());
    explicit CertificateAuthority(const Options &options);
    ~CertificateAuthority();
    CertificateAuthority(const CertificateAuthority &) = delete;
    CertificateAuthority &operator=(const CertificateAuthority &) = delete;

    // Loads the CA from its folder, creating folder and CA if there is none.
    // Does nothing if already loaded. Returns false with a readable reason.
    bool loadOrCreate(QString *error = nullptr);
    // Makes a new CA, atomically replacing the files; previously issued leaves
    // are dropped. Browsers that trusted the old CA must trust the new one.
    bool regenerate(QString *error = nullptr);

    bool isReady() const;
    // True if the last loadOrCreate()/regenerate() made a new CA.
    bool wasCreated() const;
    // Problems fixed or noticed while loading (e.g. a key file that was
    // readable by others and has been changed to 0600; each names the path and
    // the chmod). Show them to the user.
    QStringList warnings() const;
    // What to tell the user once wasCreated(): where the CA is, that its key
    // is private (the modes as they are on disk) and how to trust it
    // (`wslens ca export …`, docs/TLS.md), one line each. Empty before loading.
    QStringList createdNotice() const;

    // Called after loadOrCreate() has loaded or made the CA and after each
    // successful regenerate(), on the thread that did it (a relay worker when
    // the relay makes the CA on first use), with wasCreated() and warnings()
    // already set: the place to tell the user. Set it before the CA is shared;
    // keep it quick (post to your own thread) and do not call loadOrCreate()
    // or regenerate() from it.
    using LoadedCallback = std::function<void(const CertificateAuthority &ca)>;
    void setLoadedCallback(LoadedCallback callback);

    QString directory() const;
    QString certificateFilePath() const; // the CA certificate as PEM (public, for import)
    QString privateFilePath() const;     // key + certificate (0600, never share)

    // The CA certificate (null before loadOrCreate() succeeded). Clients that
    // must trust intercepted servers add it to their CA certificates.
    QSslCertificate caCertificate() const;
    QByteArray exportCertificate(Format format) const;
    // Writes the CA certificate to exactly `path` (atomically; mode per umask).
    bool exportCertificateToFile(const QString &path, Format format, QString *error = nullptr) const;

    // A certificate for hostOrIp ("example.com", "127.0.0.1", "::1", "[::1]"),
    // from the cache or signed now. Null with *error for an invalid name or
    // before the CA is ready.
    LeafCertificate leafFor(const QString &hostOrIp, QString *error = nullptr);
    // A TLS server configuration presenting leafFor(hostOrIp) with the CA in
    // the chain, offering only ALPN "http/1.1", not asking for client
    // certificates. On failure its localCertificate() is null and *error says why.
    QSslConfiguration serverConfigurationFor(const QString &hostOrIp, QString *error = nullptr);

    LeafCache::Stats leafCacheStats() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace wslens::tls
