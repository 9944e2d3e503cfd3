// The window's relay settings reach the engine: wss:// interception through
// the HTTP proxy with the CA from the app data folder, an extra upstream CA,
// insecure upstreams marked in the status bar and on the connection, and
// pass-through hosts left alone; the dialog refuses what would not work.
#include "../relay/tlsrelaysupport.h"
#include "windowtestsupport.h"

#include "mainwindow.h"
#include "models/connectionmodel.h"
#include "relay/relaysettingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QStatusBar>
#include <QtTest>

#include <sys/stat.h>

using namespace wslens;
using namespace wslens::ui;
using namespace wslens::test;

class TestMainWindowTls : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void dialogChecks_data();
    void dialogChecks();
    void optionsRoundTrip();
    void interceptsWssThroughTheProxy_data();
    void interceptsWssThroughTheProxy();
    void caNoticesInTheStatusBar();

private:
    TlsWorld m_world;
};

void TestMainWindowTls::initTestCase()
{
    initWindowTest(QStringLiteral("tst_mainwindow_tls"));
    QVERIFY(m_world.init());
}

void TestMainWindowTls::init()
{
    QSettings().clear();
}

void TestMainWindowTls::dialogChecks_data()
{
    QTest::addColumn<QString>("passThrough");
    QTest::addColumn<QString>("caFile");
    QTest::addColumn<QString>("problem");
    QTest::newRow("defaults") << QString() << QString() << QString();
    QTest::newRow("patterns and comments") << QStringLiteral("*.google.com\n# note\n\naccounts.example.com") << QString() << QString();
    QTest::newRow("bad pattern") << QStringLiteral("*.ok.com\nbad host/") << QString() << QStringLiteral("Pass-through host 'bad host/'");
    QTest::newRow("missing CA file") << QString() << QStringLiteral("/nonexistent/ca.pem") << QStringLiteral("does not exist");
    QTest::newRow("not a certificate") << QString() << QStringLiteral("%SELF%") << QStringLiteral("holds no PEM or DER certificate");
    QTest::newRow("good CA file") << QString() << QStringLiteral("%CA%") << QString();
}

void TestMainWindowTls::dialogChecks()
{
    QFETCH(QString, passThrough);
    QFETCH(QString, caFile);
    QFETCH(QString, problem);
    caFile.replace(QStringLiteral("%CA%"), m_world.serverCaFile());
    caFile.replace(QStringLiteral("%SELF%"), QFINDTESTDATA("tst_mainwindow_tls.cpp"));
    RelaySettingsDialog dialog(RelayOptions{});
    dialog.findChild<QPlainTextEdit *>()->setPlainText(passThrough);
    auto *caEdit = dialog.findChild<QLineEdit *>(QStringLiteral("upstreamCaFile"));
    QVERIFY(caEdit);
    caEdit->setText(caFile);
    if (problem.isEmpty()) {
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem()));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(RelayOptions::load(), dialog.options());
    } else {
        QVERIFY2(dialog.problem().contains(problem), qPrintable(dialog.problem()));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Rejected)); // stays open
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("relaySettingsStatus"))->text().contains(problem.toHtmlEscaped()));
    }
}

void TestMainWindowTls::optionsRoundTrip()
{
    RelayOptions o;
    QCOMPARE(RelayOptions::load(), o); // defaults: intercept on, verify upstreams
    QVERIFY(o.interceptTls);
    QVERIFY(!o.insecureUpstream);
    o.passThrough = {QStringLiteral("*.a.test")};
    o.insecureUpstream = true;
    o.tlsListener = true;
    o.maxFrameMiB = 2;
    o.save();
    QCOMPARE(RelayOptions::load(), o);
    RelaySettings s;
    s.mode = RelaySettings::Mode::ReverseProxy;
    s.options = o;
    QCOMPARE(s.clientAddress(4444), QStringLiteral("wss://127.0.0.1:4444/"));
}

void TestMainWindowTls::interceptsWssThroughTheProxy_data()
{
    QTest::addColumn<int>("variant");
    QTest::newRow("verified with the extra upstream CA") << 0;
    QTest::newRow("insecure upstream") << 1;
    QTest::newRow("pass-through host") << 2;
}

void TestMainWindowTls::interceptsWssThroughTheProxy()
{
    QFETCH(int, variant);
    auto server = startWssServer(*m_world.serverCa, QStringLiteral("127.0.0.1"));
    QVERIFY(server);

    RelayOptions o;
    if (variant == 0)
        o.upstreamCaFile = m_world.serverCaFile();
    if (variant == 1)
        o.insecureUpstream = true;
    if (variant == 2)
        o.passThrough = {QStringLiteral("127.0.0.?")};
    o.save();

    MainWindow window;
    window.show();
    auto *state = window.findChild<QLabel *>(QStringLiteral("statusRelay"));
    QVERIFY(state);
    const quint16 port = startWindowRelay(window); // HTTP proxy
    QVERIFY(port > 0);
    QVERIFY2(state->text().startsWith(QStringLiteral("Relay on http://127.0.0.1:")), qPrintable(state->text()));
    QVERIFY2(state->text().contains(QStringLiteral("wss intercepted")), qPrintable(state->text()));
    QCOMPARE(state->text().contains(QStringLiteral("NOT verified")), variant == 1);

    // The relay made (or loaded) the CA in the app data folder: trust it.
    tls::CertificateAuthority appCa{QString()};
    QVERIFY(appCa.loadOrCreate());
    endpoints::ClientOptions client;
    client.url = QUrl(QStringLiteral("wss://127.0.0.1:%1/secure").arg(server->serverPort()));
    client.proxyHost = QStringLiteral("127.0.0.1");
    client.proxyPort = port;
    client.useSystemCaCertificates = false;
    client.caCertificates = {variant == 2 ? m_world.serverCa->caCertificate() : appCa.caCertificate()};
    const QString problem = echoOnce(client, "through the window's relay");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    if (variant == 2) {
        // Untouched tunnel: no WebSocket connection recorded, and our CA is not what the client saw.
        QTest::qWait(300);
        for (int row = 0; row < window.connectionModel()->rowCount(); ++row)
            QVERIFY(!window.connectionModel()->info(row).url.startsWith(QStringLiteral("wss://")));
        client.caCertificates = {appCa.caCertificate()};
        QVERIFY(!echoOnce(client, "x").isEmpty());
    } else {
        QTRY_VERIFY_WITH_TIMEOUT(window.connectionModel()->rowCount() >= 1, 5000);
        const ConnectionInfo info = window.connectionModel()->info(0);
        QVERIFY2(info.url.startsWith(QStringLiteral("wss://127.0.0.1:")), qPrintable(info.url));
        QVERIFY(info.tls);
        QCOMPARE(info.insecureUpstream, variant == 1);
    }
    window.action(QStringLiteral("actionStopRelay"))->trigger();
}

void TestMainWindowTls::caNoticesInTheStatusBar()
{
    // The relay makes the CA in the (test mode) app data folder on its first
    // intercepted tunnel; the status bar says where and how to trust it. Next
    // time, a key readable by others is named with the chmod that fixes it.
    const QString caDir = tls::CertificateAuthority::defaultDirectory();
    QVERIFY(caDir.contains(QLatin1String("tst_mainwindow_tls")));
    QVERIFY(QDir(caDir).removeRecursively());
    auto server = startWssServer(*m_world.serverCa, QStringLiteral("127.0.0.1"));
    QVERIFY(server);
    const QByteArray authority = "127.0.0.1:" + QByteArray::number(server->serverPort());
    const QString keyPath = caDir + QStringLiteral("/wslens-ca.pem");
    const auto tunnelThroughWindow = [&](const QString &expected) -> QString {
        MainWindow window;
        window.show();
        const quint16 port = startWindowRelay(window);
        if (!port)
            return QStringLiteral("relay did not start");
        auto s = openTunnel(port, authority);
        if (!s)
            return QStringLiteral("no tunnel");
        QSslConfiguration any = QSslConfiguration::defaultConfiguration();
        any.setPeerVerifyMode(QSslSocket::VerifyNone); // the test only needs the relay to load its CA
        s->setSslConfiguration(any);
        s->startClientEncryption();
        if (!s->waitForEncrypted(5000))
            return s->errorString();
        if (!QTest::qWaitFor([&] { return window.statusBar()->currentMessage().contains(expected); }, 5000))
            return QStringLiteral("status bar: ") + window.statusBar()->currentMessage();
        window.action(QStringLiteral("actionStopRelay"))->trigger();
        return {};
    };

    QString problem = tunnelThroughWindow(QStringLiteral("Created a local CA for wss:// interception in ") + caDir);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(QFile::exists(keyPath));

    QCOMPARE(::chmod(QFile::encodeName(keyPath).constData(), 0644), 0);
    problem = tunnelThroughWindow(QStringLiteral("chmod 600 '%1'").arg(keyPath));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

QTEST_MAIN(TestMainWindowTls)
#include "tst_mainwindow_tls.moc"
