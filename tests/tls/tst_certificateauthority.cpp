// The local CA: creation with private permissions, reload, regeneration,
// export, and refusal of unsafe or broken key files.
#include "tls/certificateauthority.h"
#include "filetestutil.h"
#include "tlstestutil.h"

#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

using wslens::tls::CertificateAuthority;
using wslens::test::modeOf;
using wslens::test::readAll;
using wslens::test::writeAll;

namespace {

// Restores the process umask when the test ends.
struct UmaskGuard
{
    explicit UmaskGuard(mode_t m) : old(::umask(m)) {}
    ~UmaskGuard() { ::umask(old); }
    mode_t old;
};

} // namespace

class TestCertificateAuthority : public QObject
{
    Q_OBJECT
private slots:
    void createdWithPrivatePermissions();
    void reloadGivesTheSameCertificate();
    void regenerateReplacesTheCertificate();
    void caCertificateProperties();
    void exportParsesBack_data();
    void exportParsesBack();
    void exportToUnwritablePathFails();
    void openPermissionsAreFixedWithAWarning();
    void symlinkedKeyIsRefused();
    void brokenKeyFileIsReportedNotOverwritten_data();
    void brokenKeyFileIsReportedNotOverwritten();
    void missingPublicCopyIsRestored();
    void folderThatIsAFileIsAnError();
    void nothingIssuedBeforeLoading();
};

void TestCertificateAuthority::createdWithPrivatePermissions()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString dir = tmp.filePath(QStringLiteral("parent/ca"));
    // A permissive umask must not leak into the CA folder or key file.
    UmaskGuard umaskGuard(0);
    CertificateAuthority ca(dir);
    QString error;
    QVERIFY2(ca.loadOrCreate(&error), qPrintable(error));
    QVERIFY(ca.isReady());
    QVERIFY(ca.wasCreated());
    QVERIFY2(ca.warnings().isEmpty(), qPrintable(ca.warnings().join(QLatin1Char('\n'))));
    QCOMPARE(ca.directory(), dir);
    QCOMPARE(modeOf(dir), 0700);
    QCOMPARE(modeOf(ca.privateFilePath()), 0600);
    QCOMPARE(modeOf(ca.certificateFilePath()), 0644);
    QVERIFY(readAll(ca.privateFilePath()).contains("-----BEGIN PRIVATE KEY-----"));
    QVERIFY(!readAll(ca.certificateFilePath()).contains("PRIVATE KEY"));
    // Only the two files remain: no temporary files, no lock file.
    QCOMPARE(QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             (QStringList{QStringLiteral("wslens-ca-cert.pem"), QStringLiteral("wslens-ca.pem")}));
    // Idempotent: a second call neither fails nor makes a new CA.
    const QSslCertificate first = ca.caCertificate();
    QVERIFY(ca.loadOrCreate(&error));
    QCOMPARE(ca.caCertificate(), first);
}

void TestCertificateAuthority::reloadGivesTheSameCertificate()
{
    QTemporaryDir tmp;
    QSslCertificate created;
    {
        CertificateAuthority ca(tmp.path());
        QVERIFY(ca.loadOrCreate());
        created = ca.caCertificate();
    }
    CertificateAuthority again(tmp.path());
    QString error;
    QVERIFY2(again.loadOrCreate(&error), qPrintable(error));
    QVERIFY(!again.wasCreated());
    QCOMPARE(again.caCertificate(), created);
    // A leaf from the reloaded CA chains to the certificate created first.
    const auto leaf = again.leafFor(QStringLiteral("reload.example"));
    QVERIFY(!leaf.isNull());
    QCOMPARE(wslens::test::opensslVerify(created, leaf.certificate, "reload.example", {}), QString());
}

void TestCertificateAuthority::regenerateReplacesTheCertificate()
{
    QTemporaryDir tmp;
    CertificateAuthority ca(tmp.path());
    QVERIFY(ca.loadOrCreate());
    const QSslCertificate oldCa = ca.caCertificate();
    const auto oldLeaf = ca.leafFor(QStringLiteral("example.com"));
    QVERIFY(!oldLeaf.isNull());

    QString error;
    QVERIFY2(ca.regenerate(&error), qPrintable(error));
    QVERIFY(ca.wasCreated());
    const QSslCertificate newCa = ca.caCertificate();
    QVERIFY(newCa != oldCa);
    QVERIFY(newCa.serialNumber() != oldCa.serialNumber());
    QVERIFY(newCa.publicKey().toDer() != oldCa.publicKey().toDer());
    QCOMPARE(modeOf(ca.privateFilePath()), 0600);
    QCOMPARE(QSslCertificate::fromPath(ca.certificateFilePath()).value(0), newCa);

    // Leaves of the old CA are gone from the cache: the new leaf chains to the new CA only.
    const auto newLeaf = ca.leafFor(QStringLiteral("example.com"));
    QVERIFY(newLeaf.certificate != oldLeaf.certificate);
    QCOMPARE(wslens::test::opensslVerify(newCa, newLeaf.certificate, "example.com", {}), QString());
    QVERIFY(!wslens::test::opensslVerify(oldCa, newLeaf.certificate, "example.com", {}).isEmpty());

    // Another instance now loads the new CA.
    CertificateAuthority reloaded(tmp.path());
    QVERIFY(reloaded.loadOrCreate());
    QCOMPARE(reloaded.caCertificate(), newCa);
}

void TestCertificateAuthority::caCertificateProperties()
{
    QTemporaryDir tmp;
    CertificateAuthority ca(tmp.path());
    QVERIFY(ca.loadOrCreate());
    const QSslCertificate cert = ca.caCertificate();
    QVERIFY(cert.isSelfSigned());
    QVERIFY(cert.subjectInfo(QSslCertificate::CommonName).value(0).startsWith(QLatin1String("wslens local CA (")));
    QCOMPARE(cert.publicKey().algorithm(), QSsl::Ec);
    QCOMPARE(cert.publicKey().length(), 256);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVERIFY(cert.effectiveDate() <= now.addSecs(-23 * 3600));
    QVERIFY(cert.expiryDate() >= now.addDays(9 * 365));
    QVERIFY(cert.expiryDate() <= now.addDays(11 * 365));

    auto x = wslens::test::toX509(cert);
    QVERIFY(x);
    QCOMPARE(X509_check_ca(x.get()), 1);
    QCOMPARE(X509_get_version(x.get()), long(X509_VERSION_3));
    const int bcIndex = X509_get_ext_by_NID(x.get(), NID_basic_constraints, -1);
    QVERIFY(bcIndex >= 0);
    QCOMPARE(X509_EXTENSION_get_critical(X509_get_ext(x.get(), bcIndex)), 1);
    const int kuIndex = X509_get_ext_by_NID(x.get(), NID_key_usage, -1);
    QVERIFY(kuIndex >= 0);
    QCOMPARE(X509_EXTENSION_get_critical(X509_get_ext(x.get(), kuIndex)), 1);
    QCOMPARE(X509_get_key_usage(x.get()), uint32_t(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    QVERIFY(X509_get0_subject_key_id(x.get()) != nullptr);
    // A random 128-bit serial: 16 significant bytes, positive.
    const ASN1_INTEGER *serial = X509_get0_serialNumber(x.get());
    QCOMPARE(ASN1_STRING_length(serial), 16);
    QCOMPARE(ASN1_STRING_type(serial), V_ASN1_INTEGER);
    // The signature verifies with its own key.
    EVP_PKEY *pub = X509_get0_pubkey(x.get());
    QCOMPARE(X509_verify(x.get(), pub), 1);
}

void TestCertificateAuthority::exportParsesBack_data()
{
    QTest::addColumn<CertificateAuthority::Format>("format");
    QTest::addColumn<QSsl::EncodingFormat>("encoding");
    QTest::newRow("pem") << CertificateAuthority::Format::Pem << QSsl::Pem;
    QTest::newRow("der") << CertificateAuthority::Format::Der << QSsl::Der;
}

void TestCertificateAuthority::exportParsesBack()
{
    QFETCH(CertificateAuthority::Format, format);
    QFETCH(QSsl::EncodingFormat, encoding);
    QTemporaryDir tmp;
    CertificateAuthority ca(tmp.filePath(QStringLiteral("ca")));
    QVERIFY(ca.loadOrCreate());
    const QString out = tmp.filePath(QStringLiteral("exported.crt"));
    QString error;
    QVERIFY2(ca.exportCertificateToFile(out, format, &error), qPrintable(error));
    const QByteArray data = readAll(out);
    QCOMPARE(data, ca.exportCertificate(format));
    QVERIFY(!data.contains("PRIVATE"));
    const QSslCertificate parsed(data, encoding);
    QVERIFY(!parsed.isNull());
    QCOMPARE(parsed, ca.caCertificate());
    if (encoding == QSsl::Pem)
        QVERIFY(data.startsWith("-----BEGIN CERTIFICATE-----\n"));
    else
        QCOMPARE(data, ca.caCertificate().toDer());
}

void TestCertificateAuthority::exportToUnwritablePathFails()
{
    QTemporaryDir tmp;
    CertificateAuthority ca(tmp.path());
    QVERIFY(ca.loadOrCreate());
    QString error;
    QVERIFY(!ca.exportCertificateToFile(tmp.filePath(QStringLiteral("missing/dir/ca.pem")),
                                        CertificateAuthority::Format::Pem, &error));
    QVERIFY(error.contains(QLatin1String("missing/dir/ca.pem")));
}

void TestCertificateAuthority::openPermissionsAreFixedWithAWarning()
{
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("ca"));
    QSslCertificate created;
    {
        CertificateAuthority ca(dir);
        QVERIFY(ca.loadOrCreate());
        created = ca.caCertificate();
        QCOMPARE(::chmod(QFile::encodeName(ca.privateFilePath()).constData(), 0644), 0);
    }
    QCOMPARE(::chmod(QFile::encodeName(dir).constData(), 0755), 0);

    CertificateAuthority ca(dir);
    QString error;
    QVERIFY2(ca.loadOrCreate(&error), qPrintable(error));
    QCOMPARE(ca.caCertificate(), created);
    const QStringList warnings = ca.warnings();
    QCOMPARE(warnings.size(), 2);
    QVERIFY(warnings.at(0).contains(QLatin1String("changed to 0700")));
    QVERIFY(warnings.at(1).contains(QLatin1String("changed to 0600")));
    QCOMPARE(modeOf(dir), 0700);
    QCOMPARE(modeOf(ca.privateFilePath()), 0600);
}

void TestCertificateAuthority::symlinkedKeyIsRefused()
{
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("ca"));
    QString privatePath;
    {
        CertificateAuthority ca(dir);
        QVERIFY(ca.loadOrCreate());
        privatePath = ca.privateFilePath();
    }
    const QString elsewhere = tmp.filePath(QStringLiteral("elsewhere.pem"));
    QVERIFY(QFile::rename(privatePath, elsewhere));
    QVERIFY(QFile::link(elsewhere, privatePath));

    CertificateAuthority ca(dir);
    QString error;
    QVERIFY(!ca.loadOrCreate(&error));
    QVERIFY2(error.contains(QLatin1String("symbolic link")), qPrintable(error));
    QVERIFY(!ca.isReady());
    QVERIFY(QFileInfo(privatePath).isSymLink()); // left alone, not replaced
}

void TestCertificateAuthority::brokenKeyFileIsReportedNotOverwritten_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expectedError");
    QTest::newRow("garbage") << QStringLiteral("garbage") << QStringLiteral("does not hold a private key");
    QTest::newRow("empty") << QStringLiteral("empty") << QStringLiteral("does not hold a private key");
    QTest::newRow("key of another CA") << QStringLiteral("mismatch") << QStringLiteral("does not belong");
    QTest::newRow("too large") << QStringLiteral("large") << QStringLiteral("too large");
}

void TestCertificateAuthority::brokenKeyFileIsReportedNotOverwritten()
{
    QFETCH(QString, kind);
    QFETCH(QString, expectedError);
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("ca"));
    const QString otherDir = tmp.filePath(QStringLiteral("other"));
    QString privatePath;
    {
        CertificateAuthority ca(dir);
        QVERIFY(ca.loadOrCreate());
        privatePath = ca.privateFilePath();
        CertificateAuthority other(otherDir);
        QVERIFY(other.loadOrCreate());
        QByteArray content;
        if (kind == QLatin1String("garbage"))
            content = "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n";
        else if (kind == QLatin1String("mismatch")) {
            const QByteArray mine = readAll(privatePath);
            const QByteArray key = mine.left(mine.indexOf("-----BEGIN CERTIFICATE-----"));
            content = key + other.exportCertificate(CertificateAuthority::Format::Pem);
        } else if (kind == QLatin1String("large"))
            content = QByteArray(1024 * 1024, 'A');
        QVERIFY(writeAll(privatePath, content));
    }
    const QByteArray before = readAll(privatePath);

    CertificateAuthority ca(dir);
    QString error;
    QVERIFY(!ca.loadOrCreate(&error));
    QVERIFY2(error.contains(expectedError), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("wslens ca regenerate")) || kind == QLatin1String("large"), qPrintable(error));
    QCOMPARE(readAll(privatePath), before); // the user's file is never silently replaced
    // ... but an explicit regenerate does replace it.
    QVERIFY2(ca.regenerate(&error), qPrintable(error));
    QVERIFY(ca.isReady());
    QVERIFY(readAll(privatePath) != before);
}

void TestCertificateAuthority::missingPublicCopyIsRestored()
{
    QTemporaryDir tmp;
    QString certPath;
    QSslCertificate created;
    {
        CertificateAuthority ca(tmp.path());
        QVERIFY(ca.loadOrCreate());
        certPath = ca.certificateFilePath();
        created = ca.caCertificate();
    }
    QVERIFY(QFile::remove(certPath));
    CertificateAuthority ca(tmp.path());
    QVERIFY(ca.loadOrCreate());
    QCOMPARE(QSslCertificate::fromPath(certPath).value(0), created);
}

void TestCertificateAuthority::folderThatIsAFileIsAnError()
{
    QTemporaryDir tmp;
    const QString file = tmp.filePath(QStringLiteral("plain-file"));
    QVERIFY(writeAll(file, "x"));
    CertificateAuthority ca(file);
    QString error;
    QVERIFY(!ca.loadOrCreate(&error));
    QVERIFY2(error.contains(QLatin1String("not a folder")), qPrintable(error));
}

void TestCertificateAuthority::nothingIssuedBeforeLoading()
{
    QTemporaryDir tmp;
    CertificateAuthority ca(tmp.path());
    QString error;
    QVERIFY(ca.leafFor(QStringLiteral("example.com"), &error).isNull());
    QVERIFY(!error.isEmpty());
    QVERIFY(ca.caCertificate().isNull());
    QVERIFY(ca.exportCertificate(CertificateAuthority::Format::Pem).isEmpty());
    QVERIFY(ca.serverConfigurationFor(QStringLiteral("example.com")).localCertificate().isNull());
}

QTEST_GUILESS_MAIN(TestCertificateAuthority)
#include "tst_certificateauthority.moc"
