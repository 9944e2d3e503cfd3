// Intercepting from the window: a breakpoint rule holds a message a real
// client sends through the window's relay to a real echo server; the Intercept
// dock shows it, the edit goes out, a dropped one never arrives, injection
// reaches the client, and the timeline marks what was edited.
#include "composer/composerpanel.h"
#include "endpoints/wsclient.h"
#include "endpoints/wsserver.h"
#include "intercept/heldmessagemodel.h"
#include "intercept/injectdialog.h"
#include "intercept/interceptor.h"
#include "intercept/interceptpanel.h"
#include "intercept/payloadeditor.h"
#include "mainwindow.h"
#include "models/timelinemodel.h"
#include "windowtestsupport.h"

#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QStandardPaths>
#include <QtTest>

using namespace wslens;
using namespace wslens::ui;
using namespace wslens::test;

class TestMainWindowIntercept : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void menuAndShortcuts();
    void holdEditDropInject();
};

void TestMainWindowIntercept::initTestCase()
{
    initWindowTest(QStringLiteral("tst_mainwindow_intercept"));
}

void TestMainWindowIntercept::menuAndShortcuts()
{
    MainWindow window;
    QMenu *menu = window.findChild<QMenu *>(QStringLiteral("menuIntercept"));
    QVERIFY(menu);
    const QHash<QString, QKeySequence> expected{
        {QStringLiteral("interceptToggle"), QKeySequence(Qt::CTRL | Qt::Key_I)},
        {QStringLiteral("interceptForward"), QKeySequence(Qt::Key_F8)},
        {QStringLiteral("interceptDrop"), QKeySequence(Qt::SHIFT | Qt::Key_F8)},
        {QStringLiteral("interceptForwardAll"), QKeySequence(Qt::CTRL | Qt::Key_F8)},
        {QStringLiteral("interceptRules"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I)},
        {QStringLiteral("interceptInject"), QKeySequence(Qt::CTRL | Qt::Key_J)},
    };
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        QAction *a = window.action(it.key());
        QVERIFY2(a, qPrintable(it.key()));
        QCOMPARE(a->shortcut(), it.value());
        QVERIFY(menu->actions().contains(a));
    }
    // No other action of the window uses the same keys.
    QHash<QKeySequence, QString> seen;
    for (QAction *a : window.findChildren<QAction *>()) {
        for (const QKeySequence &k : a->shortcuts()) {
            if (seen.contains(k) && seen.value(k) != a->objectName())
                QFAIL(qPrintable(QStringLiteral("%1 is used by %2 and %3").arg(k.toString(), seen.value(k), a->objectName())));
            seen.insert(k, a->objectName());
        }
    }
}

void TestMainWindowIntercept::holdEditDropInject()
{
    EchoThroughRelay echo;
    QVERIFY(echo.listen());
    endpoints::WsClient &client = echo.client;
    QSignalSpy &echoed = echo.echoed;
    QString error;

    MainWindow window;
    window.show();
    intercept::Rule hold;
    hold.action = intercept::RuleAction::Breakpoint;
    hold.direction = intercept::RuleDirection::ClientToServer;
    hold.match = QStringLiteral("^hold");
    QVERIFY2(window.interceptor()->setRules({hold}, &error), qPrintable(error));

    const quint16 relayPort = startWindowRelay(window, echo.server.url()); // reverse proxy
    QVERIFY(relayPort > 0);
    QVERIFY(echo.connectThrough(relayPort, QStringLiteral("/chat")));

    // Held: the dock comes up with the message in its editor.
    InterceptPanel *panel = window.interceptPanel();
    client.sendText(QStringLiteral("hold me"));
    QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 1, 10000);
    auto *dock = window.findChild<QDockWidget *>(QStringLiteral("dockIntercept"));
    QVERIFY(dock);
    QCOMPARE(dock->windowTitle(), QStringLiteral("Intercept (1 held)"));
    QCOMPARE(panel->editor()->editor()->toPlainText(), QStringLiteral("hold me"));
    QTest::qWait(200);
    QCOMPARE(echoed.size(), 0); // nothing got through

    // Edit and forward (F8): the server echoes the edited text.
    panel->editor()->editor()->selectAll();
    panel->editor()->editor()->insertPlainText(QStringLiteral("edited in the queue"));
    QTest::keyClick(&window, Qt::Key_F8);
    QTRY_COMPARE_WITH_TIMEOUT(echoed.size(), 1, 10000);
    QCOMPARE(echoed.at(0).at(1).toByteArray(), QByteArray("edited in the queue"));
    QCOMPARE(panel->model()->rowCount(), 0);
    QCOMPARE(dock->windowTitle(), QStringLiteral("Intercept"));

    // Dropped (Shift+F8): never reaches the server; later messages flow.
    client.sendText(QStringLiteral("hold and drop"));
    QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 1, 10000);
    QTest::keyClick(&window, Qt::Key_F8, Qt::ShiftModifier);
    QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 0, 5000);
    client.sendText(QStringLiteral("plain"));
    QTRY_COMPARE_WITH_TIMEOUT(echoed.size(), 2, 10000);
    QCOMPARE(echoed.at(1).at(1).toByteArray(), QByteArray("plain"));

    // Inject toward the client through the dialog the menu opens.
    InjectDialog inject(window.interceptor(), nullptr);
    QCOMPARE(inject.connectionCombo()->count(), 1);
    inject.directionCombo()->setCurrentIndex(1); // to the client
    inject.payloadEdit()->setPlainText(QStringLiteral("from wslens"));
    QVERIFY2(inject.send(), qPrintable(inject.status()));
    QTRY_COMPARE_WITH_TIMEOUT(echoed.size(), 3, 10000);
    QCOMPARE(echoed.at(2).at(1).toByteArray(), QByteArray("from wslens"));

    // The composer sends into the relayed connection toward the server; the echo comes back.
    ComposerPanel *composer = window.composer();
    composer->refreshTargets();
    QCOMPARE(composer->targetCombo()->count(), 3); // own, #1 → server, #1 → client
    composer->targetCombo()->setCurrentIndex(1);
    QVERIFY(composer->targetCombo()->currentText().endsWith(QStringLiteral("→ server")));
    composer->findChild<QPlainTextEdit *>(QStringLiteral("composerBody"))->setPlainText(QStringLiteral("composed {{counter}}"));
    composer->findChild<QSpinBox *>(QStringLiteral("composerTimes"))->setValue(1);
    composer->startSending();
    QTRY_COMPARE_WITH_TIMEOUT(echoed.size(), 4, 10000);
    QCOMPARE(echoed.at(3).at(1).toByteArray(), QByteArray("composed 1"));

    // Intercept off (Ctrl+I): a matching message is not held.
    QTest::keyClick(&window, Qt::Key_I, Qt::ControlModifier);
    QVERIFY(!window.interceptor()->isEnabled());
    client.sendText(QStringLiteral("hold? not now"));
    QTRY_COMPARE_WITH_TIMEOUT(echoed.size(), 5, 10000);
    QCOMPARE(panel->model()->rowCount(), 0);

    // The timeline marks the edited, dropped and injected frames: 5 from the
    // client side (one edited, one dropped, one composed), 5 toward it (4 echoes, one injected).
    QTRY_COMPARE_WITH_TIMEOUT(window.timelineModel()->rowCount(), 10, 10000);
    int marked = 0;
    for (int row = 0; row < window.timelineModel()->rowCount(); ++row)
        if (window.timelineModel()->index(row, TimelineModel::MarkColumn).data().toString().contains(QChar(0x270E)))
            ++marked;
    QCOMPARE(marked, 4); // edited, dropped, injected, composed

    window.action(QStringLiteral("actionStopRelay"))->trigger();
}

QTEST_MAIN(TestMainWindowIntercept)
#include "tst_mainwindow_intercept.moc"
