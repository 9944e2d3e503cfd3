// The main window: menus, the first-run empty state, opening a fixture session
// written through the store API, rows, selection, the detail views, filters
// from the filter bar, and the layout kept in QSettings.
#include "detail/framedetailview.h"
#include "endpoints/wsclient.h"
#include "endpoints/wsserver.h"
#include "filter/filterrunner.h"
#include "mainwindow.h"
#include "models/connectionmodel.h"
#include "models/timelinemodel.h"
#include "store/capturestore.h"
#include "views/timelineview.h"
#include "widgets/emptystate.h"
#include "widgets/filterbar.h"

#include "../ui/uitestdata.h"
#include "windowtestsupport.h"

#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QHeaderView>
#include <QPushButton>
#include <QLineEdit>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

using namespace wslens;
using namespace wslens::ui;
using namespace wslens::test;

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void hasTopLevelMenus();
    void emptyStateShowsProxySettings();
    void opensFixtureSession();
    void filterBarFilters();
    void shortcutsExist();
    void layoutIsRemembered();
    void relayControlsCaptureLive();
    void plainHttpShowsInStatusBar();
    void opensHar();

private:
    QTemporaryDir m_dir;
    QString m_fixture;
};

void TestMainWindow::initTestCase()
{
    initWindowTest(QStringLiteral("tst_mainwindow"));
    QVERIFY(m_dir.isValid());
    m_fixture = m_dir.filePath(QStringLiteral("fixture.wslens"));
    CaptureStore store;
    QVERIFY2(store.create(m_fixture), qPrintable(store.errorString()));
    uitest::fill(store);
    store.close();
}

void TestMainWindow::hasTopLevelMenus()
{
    MainWindow window;
    window.show();
    QStringList titles;
    const auto actions = window.menuBar()->actions();
    for (const QAction *a : actions)
        titles << a->text().remove(QLatin1Char('&'));
    QCOMPARE(titles, (QStringList{QStringLiteral("File"), QStringLiteral("Edit"), QStringLiteral("Capture"),
                                  QStringLiteral("Intercept"), QStringLiteral("View"), QStringLiteral("Tools"),
                                  QStringLiteral("Help")}));
}

void TestMainWindow::emptyStateShowsProxySettings()
{
    MainWindow window;
    window.show();
    QVERIFY(window.isShowingEmptyState());
    const QString text = window.emptyState()->instructionsText();
    QVERIFY2(text.contains(QStringLiteral("--proxy-server=http://127.0.0.1:8080")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("Manual proxy configuration")));
    QVERIFY(window.findChild<QPushButton *>(QStringLiteral("emptyDemo")));
    auto *address = window.findChild<QLineEdit *>(QStringLiteral("relayClientAddress"));
    QVERIFY(address);
    QCOMPARE(address->text(), QStringLiteral("http://127.0.0.1:8080"));
    QCOMPARE(window.windowTitle(), QStringLiteral("wslens"));
}

void TestMainWindow::opensFixtureSession()
{
    MainWindow window;
    window.show();
    window.openFile(m_fixture);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(window.timelineModel()->rowCount(), uitest::kFrames, 5000);
    QVERIFY(!window.isShowingEmptyState());
    QVERIFY2(window.windowTitle().startsWith(QStringLiteral("fixture.wslens")), qPrintable(window.windowTitle()));
    QCOMPARE(window.connectionModel()->rowCount(), 2);

    // first frame: JSON text from the client
    window.selectRow(0);
    FrameDetailView *detail = window.detailView();
    QCOMPARE(detail->textView()->toPlainText(), QStringLiteral("{\"hello\":\"world\",\"n\":[1,2]}"));
    QVERIFY(detail->jsonView()->toPlainText().contains(QStringLiteral("\"hello\": \"world\"")));
    QCOMPARE(detail->jsonTree()->topLevelItemCount(), 1);
    QCOMPARE(detail->jsonTree()->topLevelItem(0)->childCount(), 2);
    QVERIFY(detail->hexView()->toPlainText().startsWith(QStringLiteral("00000000  7b 22 68 65")));
    QVERIFY(detail->handshakeView()->toPlainText().startsWith(QStringLiteral("GET /chat HTTP/1.1\nHost: 127.0.0.1:9001")));
    QVERIFY(detail->handshakeView()->toPlainText().contains(QStringLiteral("HTTP/1.1 101 Switching Protocols")));

    // the frame with a violation names the rule; the Frame tab has every header field
    window.selectRow(5);
    QCOMPARE(window.timelineView()->selectionModel()->selectedRows().size(), 1);
    QStringList fields;
    QString violation;
    QTreeWidget *tree = detail->frameFields();
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        fields << tree->topLevelItem(i)->text(0);
        if (tree->topLevelItem(i)->text(0) == QLatin1String("Violation"))
            violation = tree->topLevelItem(i)->text(1);
    }
    for (const char *f : {"FIN", "RSV1", "RSV2", "RSV3", "Opcode", "Masked", "Mask key", "Payload length",
                          "Length encoding", "Header length"})
        QVERIFY2(fields.contains(QLatin1String(f)), f);
    QVERIFY2(violation.startsWith(QStringLiteral("reserved-bits-set — RFC 6455 5.2")), qPrintable(violation));

    // close frame text; edited frame shows the original
    window.selectRow(11);
    QCOMPARE(detail->textView()->toPlainText(), QStringLiteral("Close: 1000 normal: bye"));
    window.selectRow(6);
    QVERIFY(detail->textView()->toPlainText().contains(QStringLiteral("Original")));
    QCOMPARE(detail->jsonView()->toPlainText(), QString());
}

void TestMainWindow::filterBarFilters()
{
    MainWindow window;
    window.show();
    window.openFile(m_fixture);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(window.timelineModel()->rowCount(), uitest::kFrames, 5000);

    auto *violations = window.findChild<QToolButton *>(QStringLiteral("filterViolations"));
    QVERIFY(violations);
    violations->click();
    QTRY_COMPARE_WITH_TIMEOUT(window.timelineModel()->rowCount(), 1, 5000);
    QCOMPARE(window.timelineModel()->sourceIndex(0), 5);
    violations->click();
    QTRY_COMPARE_WITH_TIMEOUT(window.timelineModel()->rowCount(), uitest::kFrames, 5000);

    // typing is debounced, then the search applies
    QTest::keyClicks(window.filterBar()->searchEdit(), QStringLiteral("ping?"));
    QTRY_COMPARE_WITH_TIMEOUT(window.timelineModel()->rowCount(), 2, 5000);
    QCOMPARE(window.timelineModel()->sourceIndex(1), 4);
    // next / previous match walk the matching rows
    window.action(QStringLiteral("actionNextMatch"))->trigger();
    QCOMPARE(window.timelineView()->currentIndex().row(), 0);
    window.action(QStringLiteral("actionNextMatch"))->trigger();
    QCOMPARE(window.timelineView()->currentIndex().row(), 1);
    window.action(QStringLiteral("actionPrevMatch"))->trigger();
    QCOMPARE(window.timelineView()->currentIndex().row(), 0);
    QCOMPARE(window.detailView()->textView()->toPlainText(), QStringLiteral("ping?"));

    // selecting a connection filters to it
    window.filterBar()->searchEdit()->clear();
    QTRY_COMPARE_WITH_TIMEOUT(window.timelineModel()->rowCount(), uitest::kFrames, 5000);
    window.connectionView()->selectRow(1);
    QTRY_COMPARE_WITH_TIMEOUT(window.timelineModel()->rowCount(), 4, 5000);
}

void TestMainWindow::shortcutsExist()
{
    MainWindow window;
    const QList<QPair<QString, QKeySequence>> expected = {
        {QStringLiteral("actionFind"), QKeySequence(QKeySequence::Find)},
        {QStringLiteral("actionNextMatch"), QKeySequence(Qt::Key_F3)},
        {QStringLiteral("actionPrevMatch"), QKeySequence(Qt::SHIFT | Qt::Key_F3)},
        {QStringLiteral("actionClear"), QKeySequence(Qt::CTRL | Qt::Key_L)},
        {QStringLiteral("actionRelay"), QKeySequence(Qt::CTRL | Qt::Key_R)},
        {QStringLiteral("actionStopRelay"), QKeySequence(Qt::CTRL | Qt::Key_E)},
        {QStringLiteral("actionOpen"), QKeySequence(QKeySequence::Open)},
    };
    for (const auto &[name, key] : expected) {
        QAction *a = window.action(name);
        QVERIFY2(a, qPrintable(name));
        QCOMPARE(a->shortcut(), key);
    }
}

void TestMainWindow::layoutIsRemembered()
{
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.findChild<QDockWidget *>(QStringLiteral("dockTraffic"))->hide();
        window.timelineView()->horizontalHeader()->resizeSection(TimelineModel::PreviewColumn, 333);
        window.timelineView()->horizontalHeader()->setStretchLastSection(false);
        window.timelineView()->horizontalHeader()->resizeSection(TimelineModel::TypeColumn, 77);
        window.close();
    }
    MainWindow again;
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QVERIFY(!again.findChild<QDockWidget *>(QStringLiteral("dockTraffic"))->isVisible());
    QCOMPARE(again.timelineView()->horizontalHeader()->sectionSize(TimelineModel::TypeColumn), 77);
}

void TestMainWindow::relayControlsCaptureLive()
{
    EchoThroughRelay echo;
    QVERIFY(echo.listen());

    MainWindow window;
    window.show();
    auto *listen = window.findChild<QLineEdit *>(QStringLiteral("relayListen"));
    auto *state = window.findChild<QLabel *>(QStringLiteral("statusRelay"));
    QVERIFY(listen && state);
    const quint16 relayPort = startWindowRelay(window, echo.server.url()); // reverse proxy
    QVERIFY(relayPort > 0);
    QVERIFY2(state->text().startsWith(QStringLiteral("Relay on ws://127.0.0.1:")), qPrintable(state->text()));
    QVERIFY(!listen->isEnabled());

    QVERIFY(echo.connectThrough(relayPort, QStringLiteral("/live?x=1")));
    echo.client.sendText(QStringLiteral("hello through the relay"));
    QTRY_COMPARE_WITH_TIMEOUT(echo.echoed.size(), 1, 10000);

    // the connection and both frames appear live
    QTRY_COMPARE_WITH_TIMEOUT(window.connectionModel()->rowCount(), 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(window.timelineModel()->rowCount() >= 2, 10000);
    QVERIFY(!window.isShowingEmptyState());
    QVERIFY(window.connectionModel()->info(0).url.endsWith(QStringLiteral("/live?x=1")));
    QCOMPARE(window.timelineModel()->index(0, TimelineModel::PreviewColumn).data().toString(),
             QStringLiteral("hello through the relay"));
    QCOMPARE(window.timelineModel()->index(1, TimelineModel::DirectionColumn).data().toString(), QStringLiteral("←"));

    window.action(QStringLiteral("actionStopRelay"))->trigger();
    QCOMPARE(state->text(), QStringLiteral("Relay stopped"));
    QVERIFY(listen->isEnabled());
}

// A browser's plain HTTP through the window's proxy has no connection row;
// the status bar counts it (and names it in the tooltip), so the user can see
// the browser really goes through the relay.
void TestMainWindow::plainHttpShowsInStatusBar()
{
    QTcpServer http;
    QVERIFY(http.listen(QHostAddress::LocalHost, 0));
    connect(&http, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *s = http.nextPendingConnection();
        s->setParent(&http);
        connect(s, &QTcpSocket::readyRead, s, [s] { s->readAll(); s->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"); });
    });
    MainWindow window;
    window.show();
    auto *traffic = window.findChild<QLabel *>(QStringLiteral("statusRelayTraffic"));
    QVERIFY(traffic);
    QVERIFY(!traffic->isVisibleTo(&window));
    const quint16 proxyPort = startWindowRelay(window); // HTTP proxy
    QVERIFY(proxyPort > 0);
    const QByteArray authority = "127.0.0.1:" + QByteArray::number(http.serverPort());
    for (int i = 0; i < 2; ++i) {
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, proxyPort);
        QVERIFY(client.waitForConnected(5000));
        client.write("GET http://" + authority + "/page" + QByteArray::number(i) + " HTTP/1.1\r\nHost: " + authority
                     + "\r\nConnection: close\r\n\r\n");
        QByteArray got;
        QTRY_VERIFY_WITH_TIMEOUT((got += client.readAll()).endsWith("ok"), 5000);
    }
    QTRY_COMPARE_WITH_TIMEOUT(traffic->text(), QStringLiteral("HTTP 2 · tunnels 0"), 5000);
    QVERIFY(traffic->isVisibleTo(&window));
    QVERIFY2(traffic->toolTip().contains(QStringLiteral("http GET http://") + QString::fromLatin1(authority)
                                         + QStringLiteral("/page1 from 127.0.0.1:")),
             qPrintable(traffic->toolTip()));
    QCOMPARE(window.connectionModel()->rowCount(), 0); // no WebSocket, no row
    window.action(QStringLiteral("actionStopRelay"))->trigger();
    QVERIFY(startWindowRelay(window) > 0); // a new run counts from zero
    QVERIFY(!traffic->isVisibleTo(&window));
    window.action(QStringLiteral("actionStopRelay"))->trigger();
}

void TestMainWindow::opensHar()
{
    const QString path = m_dir.filePath(QStringLiteral("chrome.har"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[],"entries":[
      {"startedDateTime":"2024-05-01T10:00:00.000Z","time":1.5,"_resourceType":"document",
       "request":{"method":"GET","url":"http://example.test/","headers":[]},"response":{"status":200,"headers":[]}},
      {"startedDateTime":"2024-05-01T10:00:01.000Z","time":2,"_resourceType":"websocket",
       "request":{"method":"GET","url":"ws://example.test/socket","httpVersion":"HTTP/1.1",
                  "headers":[{"name":"Upgrade","value":"websocket"}]},
       "response":{"status":101,"statusText":"Switching Protocols","headers":[{"name":"Upgrade","value":"websocket"}]},
       "_webSocketMessages":[
         {"type":"send","time":1714557601.5,"opcode":1,"data":"hello from chrome"},
         {"type":"receive","time":1714557601.6,"opcode":2,"data":"AAEC"}]}]}})");
    file.close();

    MainWindow window;
    window.show();
    window.openFile(path);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isLoading(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(window.timelineModel()->rowCount(), 2, 5000);
    QVERIFY2(window.windowTitle().startsWith(QStringLiteral("chrome.har")), qPrintable(window.windowTitle()));
    QCOMPARE(window.timelineModel()->index(0, TimelineModel::PreviewColumn).data().toString(), QStringLiteral("hello from chrome"));
    QCOMPARE(window.timelineModel()->index(1, TimelineModel::PreviewColumn).data().toString(), QStringLiteral("00 01 02"));
    QTRY_COMPARE_WITH_TIMEOUT(window.connectionModel()->rowCount(), 1, 5000);
    QCOMPARE(window.connectionModel()->info(0).url, QStringLiteral("ws://example.test/socket"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
