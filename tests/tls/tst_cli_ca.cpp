// `wslens ca` through the real binary: export (PEM/DER), path, regenerate,
// the default folder, and usage errors (exit 2, nothing created).
#include "filetestutil.h"
#include "testsupport.h"

#include <QtTest>
#include <QSslCertificate>

using wslens::test::ChildProcess;
using wslens::test::modeOf;
using wslens::test::readAll;

namespace {

struct Result
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Result runWslens(const QStringList &arguments, const QString &workingDirectory = QString(),
                 const QStringList &environment = {})
{
    ChildProcess p;
    if (!workingDirectory.isEmpty())
        p.process().setWorkingDirectory(workingDirectory);
    Result r;
    if (!p.start(wslens::test::wslensBinary(), arguments,
                 QStringList{QStringLiteral("QT_QPA_PLATFORM=minimal")} + environment)) {
        r.err = p.errorString().toUtf8();
        return r;
    }
    r.exitCode = p.waitForExit(20000);
    r.out = p.allStdout();
    r.err = p.allStderr();
    return r;
}

} // namespace

class TestCliCa : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void exportWritesTheCertificate_data();
    void exportWritesTheCertificate();
    void secondExportReusesTheCa();
    void pathAndRegenerate();
    void defaultFolderIsInAppData();
    void usageErrorsExit2_data();
    void usageErrorsExit2();
    void unwritableOutputFails();
    void helpListsActions();
};

void TestCliCa::initTestCase()
{
    if (wslens::test::wslensBinary().isEmpty())
        QSKIP("WSLENS_BINARY is not set (run through ctest)");
}

void TestCliCa::exportWritesTheCertificate_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("output"); // relative to the working directory
    QTest::newRow("pem") << QStringLiteral("pem") << QStringLiteral("exported.pem");
    QTest::newRow("der") << QStringLiteral("der") << QStringLiteral("exported.der");
    QTest::newRow("PEM upper case, odd name") << QStringLiteral("PEM") << QStringLiteral("my ca.crt.txt");
    QTest::newRow("der, no extension") << QStringLiteral("der") << QStringLiteral("cacert");
}

void TestCliCa::exportWritesTheCertificate()
{
    QFETCH(QString, format);
    QFETCH(QString, output);
    QTemporaryDir tmp;
    const QString caDir = tmp.filePath(QStringLiteral("state/ca"));
    const Result r = runWslens({QStringLiteral("ca"), QStringLiteral("export"), QStringLiteral("--ca-dir"), caDir,
                                QStringLiteral("--format"), format, QStringLiteral("-o"), output},
                               tmp.path());
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.err.contains("created a new CA"), r.err.constData());

    // Written exactly where asked, with exactly that name.
    const QString written = tmp.filePath(output);
    QVERIFY(QFileInfo::exists(written));
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files), QStringList{output});
    const bool der = format.toLower() == QLatin1String("der");
    const QSslCertificate exported(readAll(written), der ? QSsl::Der : QSsl::Pem);
    QVERIFY(!exported.isNull());
    if (der)
        QVERIFY(!readAll(written).startsWith("-----"));

    // It is the CA in the folder, which is private.
    const QSslCertificate inFolder(readAll(caDir + QStringLiteral("/wslens-ca-cert.pem")), QSsl::Pem);
    QCOMPARE(exported, inFolder);
    QVERIFY(exported.isSelfSigned());
    QCOMPARE(modeOf(caDir), 0700);
    QCOMPARE(modeOf(caDir + QStringLiteral("/wslens-ca.pem")), 0600);
    QVERIFY(!readAll(written).contains("PRIVATE"));
    // The fingerprint printed is the certificate's.
    const QByteArray fp = exported.digest(QCryptographicHash::Sha256).toHex(':').toUpper();
    QVERIFY2(r.out.contains(fp), r.out.constData());
}

void TestCliCa::secondExportReusesTheCa()
{
    QTemporaryDir tmp;
    const QString caDir = tmp.filePath(QStringLiteral("ca"));
    const QString first = tmp.filePath(QStringLiteral("1.pem"));
    const QString second = tmp.filePath(QStringLiteral("2.der"));
    Result r = runWslens({QStringLiteral("ca"), QStringLiteral("export"), QStringLiteral("--ca-dir"), caDir,
                          QStringLiteral("--format"), QStringLiteral("pem"), QStringLiteral("-o"), first});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    r = runWslens({QStringLiteral("ca"), QStringLiteral("export"), QStringLiteral("--ca-dir=") + caDir,
                   QStringLiteral("--format=der"), QStringLiteral("--output"), second});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(!r.err.contains("created"));
    QCOMPARE(QSslCertificate(readAll(second), QSsl::Der), QSslCertificate(readAll(first), QSsl::Pem));
}

void TestCliCa::pathAndRegenerate()
{
    QTemporaryDir tmp;
    const QString caDir = tmp.filePath(QStringLiteral("ca"));
    Result r = runWslens({QStringLiteral("ca"), QStringLiteral("path"), QStringLiteral("--ca-dir"), caDir});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString certPath = caDir + QStringLiteral("/wslens-ca-cert.pem");
    QCOMPARE(r.out, certPath.toUtf8() + '\n');
    const QSslCertificate before(readAll(certPath), QSsl::Pem);
    QVERIFY(!before.isNull());

    r = runWslens({QStringLiteral("ca"), QStringLiteral("regenerate"), QStringLiteral("--ca-dir"), caDir});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QSslCertificate after(readAll(certPath), QSsl::Pem);
    QVERIFY(!after.isNull());
    QVERIFY(after != before);
    QVERIFY(r.out.contains(after.digest(QCryptographicHash::Sha256).toHex(':').toUpper()));
    QCOMPARE(modeOf(caDir + QStringLiteral("/wslens-ca.pem")), 0600);
}

void TestCliCa::defaultFolderIsInAppData()
{
    QTemporaryDir tmp;
    const QString dataHome = tmp.filePath(QStringLiteral("data"));
    const Result r = runWslens({QStringLiteral("ca"), QStringLiteral("path")}, QString(),
                               {QStringLiteral("XDG_DATA_HOME=") + dataHome});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString printed = QString::fromUtf8(r.out.trimmed());
    QVERIFY2(printed.startsWith(dataHome + QLatin1Char('/')), r.out.constData());
    QVERIFY(printed.endsWith(QLatin1String("/ca/wslens-ca-cert.pem")));
    QVERIFY(QFileInfo::exists(printed));
    QCOMPARE(modeOf(QFileInfo(printed).absolutePath()), 0700);
}

void TestCliCa::usageErrorsExit2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("mentions");
    const QString dir = QStringLiteral("DIR"); // replaced by a temporary folder
    QTest::newRow("no action") << QStringList{QStringLiteral("ca"), QStringLiteral("--ca-dir"), dir} << QByteArray("missing action");
    QTest::newRow("unknown action") << QStringList{QStringLiteral("ca"), QStringLiteral("import"), QStringLiteral("--ca-dir"), dir} << QByteArray("unknown action 'import'");
    QTest::newRow("export without format") << QStringList{QStringLiteral("ca"), QStringLiteral("export"), QStringLiteral("--ca-dir"), dir, QStringLiteral("-o"), QStringLiteral("x.pem")} << QByteArray("--format");
    QTest::newRow("bad format") << QStringList{QStringLiteral("ca"), QStringLiteral("export"), QStringLiteral("--ca-dir"), dir, QStringLiteral("--format"), QStringLiteral("p12"), QStringLiteral("-o"), QStringLiteral("x")} << QByteArray("unknown format 'p12'");
    QTest::newRow("export without -o") << QStringList{QStringLiteral("ca"), QStringLiteral("export"), QStringLiteral("--ca-dir"), dir, QStringLiteral("--format"), QStringLiteral("pem")} << QByteArray("-o FILE");
    QTest::newRow("-o without value") << QStringList{QStringLiteral("ca"), QStringLiteral("export"), QStringLiteral("--ca-dir"), dir, QStringLiteral("--format"), QStringLiteral("pem"), QStringLiteral("-o")} << QByteArray("Missing value");
    QTest::newRow("unknown option") << QStringList{QStringLiteral("ca"), QStringLiteral("export"), QStringLiteral("--ca-dir"), dir, QStringLiteral("--frobnicate")} << QByteArray("frobnicate");
    QTest::newRow("extra argument") << QStringList{QStringLiteral("ca"), QStringLiteral("path"), QStringLiteral("extra"), QStringLiteral("--ca-dir"), dir} << QByteArray("unexpected argument 'extra'");
    QTest::newRow("format for path") << QStringList{QStringLiteral("ca"), QStringLiteral("path"), QStringLiteral("--ca-dir"), dir, QStringLiteral("--format"), QStringLiteral("pem")} << QByteArray("belong to");
    QTest::newRow("empty ca-dir") << QStringList{QStringLiteral("ca"), QStringLiteral("path"), QStringLiteral("--ca-dir="), QStringLiteral("--format"), QStringLiteral("pem")} << QByteArray("--ca-dir");
}

void TestCliCa::usageErrorsExit2()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, mentions);
    QTemporaryDir tmp;
    const QString caDir = tmp.filePath(QStringLiteral("ca"));
    arguments.replaceInStrings(QStringLiteral("DIR"), caDir);
    const Result r = runWslens(arguments, tmp.path());
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.startsWith("wslens ca: "), r.err.constData());
    QVERIFY2(r.err.contains(mentions), r.err.constData());
    QCOMPARE(r.err.count('\n'), 1); // one clear line
    QVERIFY(!QFileInfo::exists(caDir)); // nothing created on a usage error
}

void TestCliCa::unwritableOutputFails()
{
    QTemporaryDir tmp;
    const Result r = runWslens({QStringLiteral("ca"), QStringLiteral("export"), QStringLiteral("--ca-dir"),
                                tmp.filePath(QStringLiteral("ca")), QStringLiteral("--format"), QStringLiteral("pem"),
                                QStringLiteral("-o"), tmp.filePath(QStringLiteral("no/such/dir/ca.pem"))});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("no/such/dir/ca.pem"), r.err.constData());
}

void TestCliCa::helpListsActions()
{
    const Result r = runWslens({QStringLiteral("ca"), QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("wslens ca export [--ca-dir DIR] --format pem|der -o FILE"));
    QVERIFY(r.out.contains("wslens ca regenerate"));
    QVERIFY(r.out.contains("wslens ca path"));
}

QTEST_GUILESS_MAIN(TestCliCa)
#include "tst_cli_ca.moc"
