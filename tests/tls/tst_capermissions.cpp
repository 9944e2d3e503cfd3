// The CA's permission check (like ssh's for ~/.ssh): which modes of the CA
// folder and private key are problems, the chmod that fixes each (quoted for a
// shell), the warning text, and what is left to the loader's refusals.
#include "tls/castore.h"
#include "tls/certificateauthority.h"
#include "filetestutil.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace wslens::tls;
using wslens::test::modeOf;

class TestCaPermissions : public QObject
{
    Q_OBJECT
private slots:
    void problems_data();
    void problems();
    void fixedWithTheChmodInTheWarning();
    void chmodCommandIsQuotedForAShell();
    void linksAndMissingFilesAreNotProblems();
};

namespace {

bool setMode(const QString &path, int mode)
{
    return ::chmod(QFile::encodeName(path).constData(), mode_t(mode)) == 0;
}

// Makes a CA in dir and sets the modes of its key and folder; returns the
// key's path, "" on failure.
QString makeCa(const QString &dir, int keyMode = 0600, int folderMode = 0700)
{
    CertificateAuthority ca(dir);
    const QString key = detail::caPrivateFilePath(dir);
    return ca.loadOrCreate() && setMode(key, keyMode) && setMode(dir, folderMode) ? key : QString();
}

} // namespace

void TestCaPermissions::problems_data()
{
    QTest::addColumn<int>("folderMode");
    QTest::addColumn<int>("keyMode");
    QTest::addColumn<QStringList>("expected"); // "folder 755", "key 644"
    QTest::newRow("private") << 0700 << 0600 << QStringList();
    QTest::newRow("stricter is fine") << 0500 << 0400 << QStringList();
    QTest::newRow("key world readable") << 0700 << 0644 << QStringList{QStringLiteral("key 644")};
    QTest::newRow("key group readable") << 0700 << 0640 << QStringList{QStringLiteral("key 640")};
    QTest::newRow("key group writable only") << 0700 << 0620 << QStringList{QStringLiteral("key 620")};
    QTest::newRow("key others executable") << 0700 << 0601 << QStringList{QStringLiteral("key 601")};
    QTest::newRow("folder listable") << 0755 << 0600 << QStringList{QStringLiteral("folder 755")};
    QTest::newRow("folder group traversable") << 0710 << 0600 << QStringList{QStringLiteral("folder 710")};
    QTest::newRow("both open, folder first") << 0777 << 0666
                                             << QStringList{QStringLiteral("folder 777"), QStringLiteral("key 666")};
}

void TestCaPermissions::problems()
{
    QFETCH(int, folderMode);
    QFETCH(int, keyMode);
    QFETCH(QStringList, expected);
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("ca"));
    const QString key = makeCa(dir, keyMode, folderMode);
    QVERIFY(!key.isEmpty());

    const QList<detail::PermissionProblem> found = detail::findPermissionProblems(dir);
    QStringList got;
    for (const detail::PermissionProblem &p : found) {
        got << QStringLiteral("%1 %2").arg(p.folder ? QStringLiteral("folder") : QStringLiteral("key"))
                   .arg(QString::number(p.mode, 8));
        QCOMPARE(p.path, p.folder ? dir : key);
        QCOMPARE(p.wanted, p.folder ? 0700 : 0600);
    }
    QCOMPARE(got, expected);
    // Only looked: nothing changed.
    QCOMPARE(modeOf(key), keyMode);
    QCOMPARE(modeOf(dir), folderMode);
    QVERIFY(setMode(dir, 0700)); // let QTemporaryDir clean up
}

void TestCaPermissions::fixedWithTheChmodInTheWarning()
{
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("ca"));
    const QString key = makeCa(dir, 0644, 0750);
    QVERIFY(!key.isEmpty());

    QStringList warnings;
    QString error;
    QVERIFY2(detail::fixPermissionProblems(detail::findPermissionProblems(dir), &warnings, &error), qPrintable(error));
    QCOMPARE(modeOf(key), 0600);
    QCOMPARE(modeOf(dir), 0700);
    QCOMPARE(warnings.size(), 2);
    QCOMPARE(warnings.at(0), QStringLiteral("the CA folder %1 is accessible by group or others (mode 0750); "
                                            "changed to 0700 (chmod 700 '%1')").arg(dir));
    QVERIFY2(warnings.at(1).startsWith(QStringLiteral("the CA private key %1 is accessible by group or others "
                                                      "(mode 0644); changed to 0600 (chmod 600 '%1'). ").arg(key)),
             qPrintable(warnings.at(1)));
    QVERIFY(warnings.at(1).contains(QLatin1String("wslens ca regenerate")));
    QVERIFY(detail::findPermissionProblems(dir).isEmpty());

    // Through the CA: the same warnings, and the CA loads.
    QVERIFY(setMode(key, 0604));
    CertificateAuthority ca(dir);
    QVERIFY2(ca.loadOrCreate(&error), qPrintable(error));
    QCOMPARE(ca.warnings().size(), 1);
    QVERIFY2(ca.warnings().first().contains(QStringLiteral("(mode 0604); changed to 0600 (chmod 600 '%1')").arg(key)),
             qPrintable(ca.warnings().first()));
    QVERIFY(!ca.wasCreated());
    QVERIFY(ca.createdNotice().size() >= 3);
}

void TestCaPermissions::chmodCommandIsQuotedForAShell()
{
    // The command is meant to be pasted into a shell: a name with spaces,
    // quotes and $ must reach chmod unchanged.
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("it's a $HOME \"ca\""));
    const QString key = makeCa(dir, 0644);
    QVERIFY(!key.isEmpty());
    const QList<detail::PermissionProblem> found = detail::findPermissionProblems(dir);
    QCOMPARE(found.size(), 1);
    QProcess sh;
    sh.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), found.first().chmodCommand()});
    QVERIFY(sh.waitForFinished(5000));
    QCOMPARE(sh.exitCode(), 0);
    QCOMPARE(modeOf(key), 0600);
}

void TestCaPermissions::linksAndMissingFilesAreNotProblems()
{
    QTemporaryDir tmp;
    QVERIFY(detail::findPermissionProblems(tmp.filePath(QStringLiteral("none"))).isEmpty());

    // A symbolic link as the key is left to the loader, which refuses it.
    const QString dir = tmp.filePath(QStringLiteral("ca"));
    const QString key = makeCa(dir);
    QVERIFY(!key.isEmpty());
    const QString elsewhere = tmp.filePath(QStringLiteral("elsewhere.pem"));
    QVERIFY(QFile::rename(key, elsewhere));
    QVERIFY(setMode(elsewhere, 0644));
    QVERIFY(QFile::link(elsewhere, key));
    QVERIFY(detail::findPermissionProblems(dir).isEmpty());
    CertificateAuthority ca(dir);
    QString error;
    QVERIFY(!ca.loadOrCreate(&error));
    QVERIFY2(error.contains(QLatin1String("symbolic link")), qPrintable(error));
    QCOMPARE(modeOf(elsewhere), 0644); // not changed through the link
}

QTEST_GUILESS_MAIN(TestCaPermissions)
#include "tst_capermissions.moc"
