// The Server dock: our test server started from the window (port 0) with a
// real client over loopback: echo, the open-connections list (under
// QAbstractItemModelTester), its frames in the window's timeline, the
// composer sending into a server connection (message and raw frame), Close
// connection, Stop; a bad script file shows an error and does not start; a
// good one runs.
#include "composer/composerentry.h"
#include "composer/composerpanel.h"
#include "endpoints/composermessage.h"
#include "endpoints/wsclient.h"
#include "mainwindow.h"
#include "models/timelinemodel.h"
#include "server/serverconnectionmodel.h"
#include "server/serverpanel.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace wslens;
using namespace wslens::ui;

namespace {

// A client of ours with spies on what it sees.
struct Client
{
    endpoints::WsClient ws;
    QSignalSpy connected{&ws, &endpoints::WsClient::connected};
    QSignalSpy failed{&ws, &endpoints::WsClient::failed};
    QSignalSpy messages{&ws, &endpoints::WsClient::messageReceived};
    QSignalSpy closes{&ws, &endpoints::WsClient::closeReceived};
    QSignalSpy disconnected{&ws, &endpoints::WsClient::disconnected};

    bool open(const QString &url)
    {
        endpoints::ClientOptions options;
        options.url = QUrl(url);
        ws.open(options);
        return QTest::qWaitFor([this] { return !connected.isEmpty() || !failed.isEmpty(); }, 10000)
            && !connected.isEmpty();
    }
    QByteArray lastMessage() const { return messages.isEmpty() ? QByteArray() : messages.last().at(1).toByteArray(); }
};

int timelineRowsContaining(const TimelineModel *model, const QString &text)
{
    int found = 0;
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->index(row, TimelineModel::PreviewColumn).data().toString().contains(text))
            ++found;
    return found;
}

void setBehaviour(ServerPanel *panel, ServerPanel::Behaviour behaviour)
{
    auto *combo = panel->findChild<QComboBox *>(QStringLiteral("serverBehaviour"));
    QVERIFY(combo);
    combo->setCurrentIndex(combo->findData(int(behaviour)));
}

} // namespace

class TestServerPanel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void connectionModel();
    void windowServer();
    void windowClosesWhileServing();
    void badScript_data();
    void badScript();
    void goodScript();
    void badListenAddress();
};

void TestServerPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wslens-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_ui_serverpanel"));
    QSettings().clear();
}

void TestServerPanel::connectionModel()
{
    ServerConnectionModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ConnectionInfo a;
    a.clientEndpoint = QStringLiteral("127.0.0.1:5000");
    a.requestTarget = QByteArrayLiteral("/a");
    a.url = QStringLiteral("ws://127.0.0.1:9001/a");
    ConnectionInfo b = a;
    b.requestTarget = QByteArrayLiteral("/b");
    model.add(7, a);
    model.add(9, b);
    model.add(7, a); // already there
    QCOMPARE(model.rowCount(), 2);
    model.countMessage(9);
    model.countMessage(9);
    model.countMessage(42); // unknown: ignored
    QCOMPARE(model.index(1, ServerConnectionModel::MessagesColumn).data().toString(), QStringLiteral("2"));
    QCOMPARE(model.index(1, ServerConnectionModel::PathColumn).data().toString(), QStringLiteral("/b"));
    QCOMPARE(model.index(0, ServerConnectionModel::PeerColumn).data().toString(), QStringLiteral("127.0.0.1:5000"));
    QCOMPARE(model.index(0, 0).data(ServerConnectionModel::IdRole).toULongLong(), 7ull);
    model.remove(7);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowOf(9), 0);
    QCOMPARE(model.rowOf(7), -1);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestServerPanel::windowServer()
{
    MainWindow window;
    window.show();
    ServerPanel *panel = window.serverPanel();
    QVERIFY(panel);
    QAbstractItemModelTester tester(panel->connections(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(window.findChild<QDockWidget *>(QStringLiteral("dockServer")));
    panel->findChild<QLineEdit *>(QStringLiteral("serverListen"))->setText(QStringLiteral("127.0.0.1:0"));
    setBehaviour(panel, ServerPanel::Behaviour::Echo);

    // Capture → Start Test Server…
    QAction *start = window.action(QStringLiteral("actionStartServer"));
    QVERIFY(start);
    start->trigger();
    QVERIFY2(panel->isListening(), qPrintable(panel->statusLabel()->text()));
    QVERIFY(panel->port() > 0);
    const QString url = QStringLiteral("ws://127.0.0.1:%1/").arg(panel->port());
    QCOMPARE(panel->url(), url);
    QCOMPARE(panel->statusLabel()->text(), QStringLiteral("listening on ") + url);
    start->trigger();
    QVERIFY(panel->isListening());

    // A real client: echo works, the connection is listed.
    Client client;
    QVERIFY(client.open(url + QStringLiteral("chat")));
    client.ws.sendText(QStringLiteral("hello server"));
    QTRY_COMPARE_WITH_TIMEOUT(client.messages.size(), 1, 10000);
    QCOMPARE(client.lastMessage(), QByteArrayLiteral("hello server"));
    ServerConnectionModel *connections = panel->connections();
    QTRY_COMPARE_WITH_TIMEOUT(connections->rowCount(), 1, 5000);
    QCOMPARE(connections->index(0, ServerConnectionModel::PathColumn).data().toString(), QStringLiteral("/chat"));
    QTRY_COMPARE_WITH_TIMEOUT(connections->index(0, ServerConnectionModel::MessagesColumn).data().toString(),
                              QStringLiteral("1"), 5000);
    const quint64 id = connections->rows().front().id;

    // Its frames are in the window's live capture: the message and its echo.
    QTRY_VERIFY_WITH_TIMEOUT(timelineRowsContaining(window.timelineModel(), QStringLiteral("hello server")) == 2, 10000);

    // The composer sends into the server connection, toward the client.
    ComposerPanel *composer = window.composer();
    composer->refreshTargets();
    const QString label = QStringLiteral("server #%1 %2chat → client").arg(id).arg(url);
    const int target = composer->targetCombo()->findText(label);
    QVERIFY2(target > 0, qPrintable(label));
    composer->targetCombo()->setCurrentIndex(target);
    composer->findChild<QSpinBox *>(QStringLiteral("composerTimes"))->setValue(1);
    composer->restoreEntry({int(endpoints::ComposerFormat::Text), QStringLiteral("composed {{counter}}")});
    composer->startSending();
    QTRY_COMPARE_WITH_TIMEOUT(client.messages.size(), 2, 10000);
    QCOMPARE(client.lastMessage(), QByteArrayLiteral("composed 1"));
    // A raw crafted frame goes out exactly as specified; unmasked by default, from a server.
    composer->restoreEntry({int(endpoints::ComposerFormat::FrameSpec), QStringLiteral("opcode=2,hex=beef")});
    composer->startSending();
    QTRY_COMPARE_WITH_TIMEOUT(client.messages.size(), 3, 10000);
    QCOMPARE(client.lastMessage(), QByteArrayLiteral("\xbe\xef"));
    QCOMPARE(client.messages.last().at(0).toInt(), 2);

    // Close connection: the client gets a close frame (1000); the row goes, and the composer target too.
    Client second;
    QVERIFY(second.open(url + QStringLiteral("second")));
    QTRY_COMPARE_WITH_TIMEOUT(connections->rowCount(), 2, 5000);
    auto *view = panel->findChild<QTableView *>(QStringLiteral("serverConnections"));
    view->selectRow(1);
    auto *close = panel->findChild<QPushButton *>(QStringLiteral("serverCloseConnection"));
    QVERIFY(close->isEnabled());
    close->click();
    QTRY_COMPARE_WITH_TIMEOUT(second.closes.size(), 1, 10000);
    QCOMPARE(second.closes.first().at(0).toInt(), 1000);
    QTRY_COMPARE_WITH_TIMEOUT(second.disconnected.size(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(connections->rowCount(), 1, 5000);
    QCOMPARE(connections->rows().front().id, id);

    // Stop: the client gets a close (1001, going away), the connection ends, the server stops.
    panel->findChild<QPushButton *>(QStringLiteral("serverStop"))->click();
    QTRY_COMPARE_WITH_TIMEOUT(client.closes.size(), 1, 10000);
    QCOMPARE(client.closes.first().at(0).toInt(), 1001);
    QTRY_COMPARE_WITH_TIMEOUT(client.disconnected.size(), 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isListening(), 5000);
    // The list empties, the composer falls back to its own connection.
    QCOMPARE(connections->rowCount(), 0);
    QCOMPARE(panel->statusLabel()->text(), QStringLiteral("Stopped"));
    QCOMPARE(composer->targetCombo()->currentIndex(), 0);

    // Replacing the capture stops a running server first.
    QVERIFY(panel->start());
    Client third;
    QVERIFY(third.open(panel->url()));
    window.setCapture(nullptr);
    QVERIFY(!panel->isListening());
    QTRY_COMPARE_WITH_TIMEOUT(third.disconnected.size(), 1, 10000);
}

void TestServerPanel::windowClosesWhileServing()
{
    // ~MainWindow stops the server before the live capture it writes into goes.
    auto window = std::make_unique<MainWindow>();
    ServerPanel *panel = window->serverPanel();
    setBehaviour(panel, ServerPanel::Behaviour::Echo);
    panel->findChild<QLineEdit *>(QStringLiteral("serverListen"))->setText(QStringLiteral("127.0.0.1:0"));
    QVERIFY2(panel->start(), qPrintable(panel->statusLabel()->text()));
    Client client;
    QVERIFY(client.open(panel->url()));
    for (int i = 0; i < 50; ++i)
        client.ws.sendText(QStringLiteral("busy %1").arg(i));
    QTRY_VERIFY_WITH_TIMEOUT(client.messages.size() >= 1, 10000);
    window.reset();
    QTRY_COMPARE_WITH_TIMEOUT(client.disconnected.size(), 1, 10000);
}

void TestServerPanel::badScript_data()
{
    QTest::addColumn<QByteArray>("content"); // empty: no file at all
    QTest::addColumn<QString>("expected");
    QTest::newRow("not json") << QByteArrayLiteral("{ nope") << QStringLiteral("Script error in");
    QTest::newRow("unknown key") << QByteArrayLiteral("{\"onConect\": []}") << QStringLiteral("Script error in");
    QTest::newRow("bad code") << QByteArrayLiteral("{\"onConnect\": {\"close\": {\"code\": \"x\"}}}")
                              << QStringLiteral("onConnect");
    QTest::newRow("missing file") << QByteArray() << QStringLiteral("Cannot read the script");
}

void TestServerPanel::badScript()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("script.json"));
    if (!content.isEmpty()) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }
    ServerPanel panel;
    QSignalSpy listening(&panel, &ServerPanel::listeningChanged);
    panel.findChild<QLineEdit *>(QStringLiteral("serverListen"))->setText(QStringLiteral("127.0.0.1:0"));
    setBehaviour(&panel, ServerPanel::Behaviour::Script);
    panel.findChild<QLineEdit *>(QStringLiteral("serverScript"))->setText(path);
    QVERIFY(!panel.start());
    QVERIFY(!panel.isListening());
    QCOMPARE(listening.size(), 0);
    QVERIFY2(panel.statusLabel()->text().contains(expected), qPrintable(panel.statusLabel()->text()));
    QCOMPARE(panel.statusLabel()->property("error").toBool(), true);
    QVERIFY(panel.findChild<QPushButton *>(QStringLiteral("serverStart"))->isEnabled());
}

void TestServerPanel::goodScript()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("script.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"onConnect": {"text": "welcome"}, "onMessage": [{"match": "^ping (\\d+)$", "reply": {"text": "pong $1"}}]})");
    file.close();

    ServerPanel panel;
    panel.findChild<QLineEdit *>(QStringLiteral("serverListen"))->setText(QStringLiteral("127.0.0.1:0"));
    setBehaviour(&panel, ServerPanel::Behaviour::Script);
    panel.findChild<QLineEdit *>(QStringLiteral("serverScript"))->setText(path);
    QVERIFY2(panel.start(), qPrintable(panel.statusLabel()->text()));
    QCOMPARE(panel.statusLabel()->property("error").toBool(), false);
    Client client;
    QVERIFY(client.open(panel.url()));
    QTRY_COMPARE_WITH_TIMEOUT(client.messages.size(), 1, 10000);
    QCOMPARE(client.lastMessage(), QByteArrayLiteral("welcome"));
    client.ws.sendText(QStringLiteral("ping 42"));
    QTRY_COMPARE_WITH_TIMEOUT(client.messages.size(), 2, 10000);
    QCOMPARE(client.lastMessage(), QByteArrayLiteral("pong 42"));
    panel.stop();
    QTRY_COMPARE_WITH_TIMEOUT(client.disconnected.size(), 1, 10000);
}

void TestServerPanel::badListenAddress()
{
    ServerPanel panel;
    setBehaviour(&panel, ServerPanel::Behaviour::Echo); // the last test left Script in the settings
    panel.findChild<QLineEdit *>(QStringLiteral("serverListen"))->setText(QStringLiteral("nowhere"));
    QVERIFY(!panel.start());
    QVERIFY(panel.statusLabel()->text().contains(QStringLiteral("127.0.0.1:9001")));
    // A port already taken is reported, not crashed on.
    ServerPanel first;
    setBehaviour(&first, ServerPanel::Behaviour::Silent);
    first.findChild<QLineEdit *>(QStringLiteral("serverListen"))->setText(QStringLiteral("127.0.0.1:0"));
    QVERIFY2(first.start(), qPrintable(first.statusLabel()->text()));
    panel.findChild<QLineEdit *>(QStringLiteral("serverListen"))->setText(QStringLiteral("127.0.0.1:%1").arg(first.port()));
    QVERIFY(!panel.start());
    QVERIFY2(panel.statusLabel()->text().startsWith(QStringLiteral("Cannot listen on")), qPrintable(panel.statusLabel()->text()));
}

QTEST_MAIN(TestServerPanel)
#include "tst_serverpanel.moc"
