// The wslens executable's command-line shell: --version, --help, usage errors.
#include "testsupport.h"

#include <QtTest>

using wslens::test::ChildProcess;

class TestCliShell : public QObject
{
    Q_OBJECT
private slots:
    void version();
    void help();
    void usageErrors_data();
    void usageErrors();
};

void TestCliShell::version()
{
    ChildProcess p;
    QVERIFY2(p.start(wslens::test::wslensBinary(), {QStringLiteral("--version")}), qPrintable(p.errorString()));
    QCOMPARE(p.waitForExit(), 0);
    QCOMPARE(p.allStdout().trimmed(), QByteArray("wslens " WSLENS_VERSION_STRING));
}

void TestCliShell::help()
{
    ChildProcess p;
    QVERIFY(p.start(wslens::test::wslensBinary(), {QStringLiteral("--help")}));
    QCOMPARE(p.waitForExit(), 0);
    QVERIFY(p.allStdout().contains("Usage:"));
    QVERIFY(p.allStdout().contains("--version"));
}

void TestCliShell::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("unknown verb") << QStringList{QStringLiteral("frobnicate")};
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")};
    QTest::newRow("missing file") << QStringList{QStringLiteral("/nonexistent/session.wslens")};
}

void TestCliShell::usageErrors()
{
    QFETCH(QStringList, arguments);
    ChildProcess p;
    // No display: a usage error must be reported before any GUI is created.
    QVERIFY(p.start(wslens::test::wslensBinary(), arguments, {QStringLiteral("QT_QPA_PLATFORM=minimal")}));
    QCOMPARE(p.waitForExit(), 2);
    QVERIFY(p.allStdout().isEmpty());
    const QByteArray err = p.allStderr();
    QVERIFY2(err.contains("Usage:"), err.constData());
}

QTEST_GUILESS_MAIN(TestCliShell)
#include "tst_cli_shell.moc"
