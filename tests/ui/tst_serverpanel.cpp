// The Server dock: our test server started from the window (port 0) with a
// real client over loopback: echo, the open-connections list (under
// QAbstractItemModelTester), its frames in the window's timeline, the
// composer sending into a server connection (message and raw frame), Close
// connection, Stop; a bad script file shows an error and does not start; a
// good one runs. Options… (subprotocols, permessage-deflate, allowed Origins):
// checked entries, kept in QSettings, negotiated with QWebSocket and
// python3-websockets clients, an Origin not allowed refused (403) and logged;
// the Stop button gives those peers a close 1001.
#include "composer/composerentry.h"
#include "composer/composerpanel.h"
#include "endpoints/composermessage.h"
#include "endpoints/wsclient.h"
#include "mainwindow.h"
#include "models/timelinemodel.h"
#include "server/serverconnectionmodel.h"
#include "server/serveroptionsdialog.h"
#include "server/serverpanel.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPlainTextEdit>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>
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

// Options… → the dialog, as a user opens it.
ServerOptionsDialog *openOptions(ServerPanel *panel)
{
    auto *button = panel->findChild<QPushButton *>(QStringLiteral("serverOptions"));
    if (!button || !button->isEnabled())
        return nullptr;
    button->click();
    return panel->findChild<ServerOptionsDialog *>(QStringLiteral("serverOptionsDialog"));
}

// Fills the dialog in and presses OK; true when it accepted (and closed).
bool setOptions(ServerOptionsDialog *dialog, const QString &subprotocols, bool deflate, const QString &origins)
{
    dialog->findChild<QLineEdit *>(QStringLiteral("serverSubprotocols"))->setText(subprotocols);
    dialog->findChild<QCheckBox *>(QStringLiteral("serverDeflate"))->setChecked(deflate);
    dialog->findChild<QLineEdit *>(QStringLiteral("serverOrigins"))->setText(origins);
    dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    return dialog->result() == QDialog::Accepted;
}

enum class Client2 { QtWebSocket, Python };

} // namespace

Q_DECLARE_METATYPE(Client2)

class TestServerPanel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void connectionModel();
    void windowServer();
    void windowClosesWhileServing();
    void badScript_data();
    void badScript();
    void goodScript();
    void badListenAddress();
    void optionsDialog_data();
    void optionsDialog();
    void optionsEditedByHand();
    void negotiation_data();
    void negotiation();
};

void TestServerPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wslens-tests"));
    // Settings of its own: another run of this test at the same time must not
    // change the options under it.
    QCoreApplication::setApplicationName(QStringLiteral("tst_ui_serverpanel-%1").arg(QCoreApplication::applicationPid()));
    QSettings().clear();
}

void TestServerPanel::cleanupTestCase()
{
    const QString file = QSettings().fileName();
    QSettings().clear();
    QFile::remove(file);
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
    // The columns fit what came in (the peer is not cut to "12…").
    auto *table = panel->findChild<QTableView *>(QStringLiteral("serverConnections"));
    const QString peer = connections->rows().front().peer;
    QVERIFY2(table->columnWidth(ServerConnectionModel::PeerColumn) > table->fontMetrics().horizontalAdvance(peer),
             qPrintable(QString::number(table->columnWidth(ServerConnectionModel::PeerColumn))));

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
    QVERIFY(!panel->isListening()); // not since Stop
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isStopping(), 5000);
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

void TestServerPanel::optionsDialog_data()
{
    QTest::addColumn<QString>("subprotocols");
    QTest::addColumn<QString>("origins");
    QTest::addColumn<QString>("error"); // empty: accepted
    QTest::addColumn<QStringList>("savedProtocols");
    QTest::addColumn<QStringList>("savedOrigins");
    QTest::newRow("defaults") << QString() << QString() << QString() << QStringList() << QStringList();
    QTest::newRow("lists") << QStringLiteral(" chat,  v2.chat  chat") << QStringLiteral("https://app.example, http://localhost:3000/")
                           << QString() << QStringList{QStringLiteral("chat"), QStringLiteral("v2.chat"), QStringLiteral("chat")}
                           << QStringList{QStringLiteral("https://app.example"), QStringLiteral("http://localhost:3000/")};
    QTest::newRow("slash in a subprotocol") << QStringLiteral("chat, chat/1") << QString()
                                            << QStringLiteral("Subprotocols: subprotocol \"chat/1\" is not a valid name")
                                            << QStringList() << QStringList();
    QTest::newRow("Origin without scheme") << QString() << QStringLiteral("app.example")
                                           << QStringLiteral("Allowed Origins: Origin \"app.example\" must look like https://")
                                           << QStringList() << QStringList();
    QTest::newRow("Origin with a path") << QString() << QStringLiteral("https://app.example/index.html")
                                        << QStringLiteral("(scheme://host[:port], no path)") << QStringList() << QStringList();
}

void TestServerPanel::optionsDialog()
{
    QFETCH(QString, subprotocols);
    QFETCH(QString, origins);
    QFETCH(QString, error);
    QFETCH(QStringList, savedProtocols);
    QFETCH(QStringList, savedOrigins);
    QSettings().clear();
    ServerPanel panel;
    auto *summary = panel.findChild<QLabel *>(QStringLiteral("serverOptionsSummary"));
    QCOMPARE(summary->text(), QStringLiteral("no subprotocol · deflate on · any Origin"));
    ServerOptionsDialog *dialog = openOptions(&panel);
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->isModal());
    // Defaults as `wslens serve` has them: no subprotocol, deflate on, any Origin.
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("serverSubprotocols"))->text(), QString());
    QVERIFY(dialog->findChild<QCheckBox *>(QStringLiteral("serverDeflate"))->isChecked());
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("serverOrigins"))->text(), QString());
    QVERIFY(!dialog->findChild<QLineEdit *>(QStringLiteral("serverSubprotocols"))->toolTip().isEmpty());

    const bool accepted = setOptions(dialog, subprotocols, false, origins);
    if (!error.isEmpty()) {
        QVERIFY(!accepted);
        QVERIFY(dialog->isVisible()); // stays open to fix it
        QVERIFY2(dialog->errorLabel()->text().contains(error), qPrintable(dialog->errorLabel()->text()));
        QVERIFY(!dialog->errorLabel()->isHidden());
        QVERIFY(!QSettings().contains(QStringLiteral("server/deflate")));
        dialog->reject();
        return;
    }
    QVERIFY(accepted);
    QVERIFY(!dialog->isVisible());
    QSettings settings;
    QCOMPARE(settings.value(QStringLiteral("server/subprotocols")).toStringList(), savedProtocols);
    QCOMPARE(settings.value(QStringLiteral("server/deflate")).toBool(), false);
    QCOMPARE(settings.value(QStringLiteral("server/allowedOrigins")).toStringList(), savedOrigins);
    QVERIFY(summary->text().contains(QStringLiteral("deflate off")));
    // A new panel (next run of the app) starts from them.
    ServerPanel next;
    QCOMPARE(next.handshakeSettings(), panel.handshakeSettings());
    QCOMPARE(next.findChild<QLabel *>(QStringLiteral("serverOptionsSummary"))->text(), summary->text());
    // Restore Defaults in the dialog.
    ServerOptionsDialog *again = openOptions(&next);
    QVERIFY(again);
    again->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::RestoreDefaults)->click();
    again->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(next.handshakeSettings(), HandshakeSettings());
    QCOMPARE(QSettings().value(QStringLiteral("server/deflate")).toBool(), true);
}

void TestServerPanel::optionsEditedByHand()
{
    // Settings that never went through the dialog are checked at Start.
    QSettings().clear();
    QSettings().setValue(QStringLiteral("server/allowedOrigins"), QStringList{QStringLiteral("ftp//x")});
    ServerPanel panel;
    setBehaviour(&panel, ServerPanel::Behaviour::Echo);
    panel.findChild<QLineEdit *>(QStringLiteral("serverListen"))->setText(QStringLiteral("127.0.0.1:0"));
    QVERIFY(!panel.start());
    QVERIFY(!panel.isListening());
    const QString status = panel.statusLabel()->text();
    QVERIFY2(status.startsWith(QStringLiteral("Options: Origin \"ftp//x\" must look like")), qPrintable(status));
    QVERIFY2(status.endsWith(QStringLiteral("Fix it in Options…")), qPrintable(status));
    QCOMPARE(panel.statusLabel()->property("error").toBool(), true);
    QSettings().clear();
}

void TestServerPanel::negotiation_data()
{
    QTest::addColumn<Client2>("client");
    QTest::addColumn<QString>("subprotocols"); // as typed into Options…
    QTest::addColumn<bool>("deflate");
    QTest::addColumn<QString>("origins");
    QTest::addColumn<QStringList>("offered");  // the client's subprotocols
    QTest::addColumn<QString>("origin");       // the client's Origin (empty: none)
    QTest::addColumn<QString>("expectProtocol");
    QTest::addColumn<bool>("expectDeflate");   // python offers deflate in every row
    QTest::addColumn<bool>("refused");

    const QStringList v1v2{QStringLiteral("v1"), QStringLiteral("v2")};
    const QString app = QStringLiteral("https://app.example");
    const QString evil = QStringLiteral("https://evil.example");
    QTest::newRow("QWebSocket: our preference wins")
        << Client2::QtWebSocket << QStringLiteral("v2, v1") << true << QString() << v1v2 << QString() << QStringLiteral("v2") << false << false;
    QTest::newRow("QWebSocket: no common subprotocol")
        << Client2::QtWebSocket << QStringLiteral("v3") << true << QString() << v1v2 << QString() << QString() << false << false;
    QTest::newRow("QWebSocket: allowed Origin")
        << Client2::QtWebSocket << QString() << true << app << QStringList() << app << QString() << false << false;
    QTest::newRow("QWebSocket: Origin not allowed")
        << Client2::QtWebSocket << QString() << true << app << QStringList() << evil << QString() << false << true;
    QTest::newRow("python: subprotocol and deflate")
        << Client2::Python << QStringLiteral("chat") << true << QString() << QStringList{QStringLiteral("x"), QStringLiteral("chat")}
        << QString() << QStringLiteral("chat") << true << false;
    QTest::newRow("python: deflate off")
        << Client2::Python << QStringLiteral("chat") << false << QString() << QStringList{QStringLiteral("chat")} << QString()
        << QStringLiteral("chat") << false << false;
    QTest::newRow("python: allowed Origin (typed with /)")
        << Client2::Python << QString() << true << QStringLiteral("http://localhost:3000/, https://app.example")
        << QStringList() << QStringLiteral("http://localhost:3000") << QString() << true << false;
    QTest::newRow("python: allowed Origin (typed with case and default port)")
        << Client2::Python << QString() << false << QStringLiteral("HTTPS://App.Example:443") << QStringList() << app
        << QString() << false << false;
    QTest::newRow("python: Origin not allowed")
        << Client2::Python << QString() << true << app << QStringList() << evil << QString() << false << true;
}

void TestServerPanel::negotiation()
{
    QFETCH(Client2, client);
    QFETCH(QString, subprotocols);
    QFETCH(bool, deflate);
    QFETCH(QString, origins);
    QFETCH(QStringList, offered);
    QFETCH(QString, origin);
    QFETCH(QString, expectProtocol);
    QFETCH(bool, expectDeflate);
    QFETCH(bool, refused);
    QSettings().clear();
    ServerPanel panel;
    QAbstractItemModelTester tester(panel.connections(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    setBehaviour(&panel, ServerPanel::Behaviour::Echo);
    panel.findChild<QLineEdit *>(QStringLiteral("serverListen"))->setText(QStringLiteral("127.0.0.1:0"));
    ServerOptionsDialog *dialog = openOptions(&panel);
    QVERIFY(dialog);
    QVERIFY(setOptions(dialog, subprotocols, deflate, origins));
    QVERIFY2(panel.start(), qPrintable(panel.statusLabel()->text()));
    // Running: the options cannot change (and say why).
    auto *optionsButton = panel.findChild<QPushButton *>(QStringLiteral("serverOptions"));
    QVERIFY(!optionsButton->isEnabled());
    QVERIFY(optionsButton->toolTip().startsWith(QStringLiteral("Stop the server")));
    const QString url = panel.url() + QStringLiteral("negotiate");

    QWebSocket socket(origin);
    test::ChildProcess python;
    QString gotProtocol;
    bool gotDeflate = false;
    if (client == Client2::QtWebSocket) {
        QSignalSpy connected(&socket, &QWebSocket::connected);
        QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
        QWebSocketHandshakeOptions handshake;
        handshake.setSubprotocols(offered);
        socket.open(QNetworkRequest(QUrl(url)), handshake);
        QVERIFY(QTest::qWaitFor([&] { return !connected.isEmpty() || !disconnected.isEmpty(); }, 5000));
        QCOMPARE(connected.isEmpty(), refused);
        if (refused)
            QVERIFY2(socket.errorString().contains(QStringLiteral("403")), qPrintable(socket.errorString()));
        gotProtocol = socket.subprotocol();
    } else {
        QStringList args{url, QStringLiteral("--deflate"), QStringLiteral("--wait-close")};
        if (!offered.isEmpty())
            args << QStringLiteral("--subprotocols") << offered.join(QLatin1Char(','));
        if (!origin.isEmpty())
            args << QStringLiteral("--origin") << origin;
        QVERIFY(python.start(test::debianPython(),
                             QStringList{test::testDataPath(QStringLiteral("endpoints/peers/py_handshake_client.py"))} + args));
        const QByteArray line = python.waitForLine("{", 10000);
        QVERIFY2(!line.isEmpty(), qPrintable(python.errorString()));
        const QJsonObject result = QJsonDocument::fromJson("{" + line).object();
        if (refused) {
            QCOMPARE(result.value(QLatin1String("status")).toInt(), 403);
        } else {
            QVERIFY2(!result.contains(QLatin1String("status")), line.constData());
            gotProtocol = result.value(QLatin1String("subprotocol")).toString();
            gotDeflate = result.value(QLatin1String("extensions")).toArray().contains(QStringLiteral("permessage-deflate"));
        }
    }

    QPlainTextEdit *log = panel.log();
    if (refused) {
        const QString expected = QStringLiteral("refused: 403, Origin %1 is not in the allow-list (%2)").arg(origin, origins);
        QTRY_VERIFY2_WITH_TIMEOUT(log->toPlainText().contains(expected), qPrintable(log->toPlainText()), 5000);
        QCOMPARE(panel.connections()->rowCount(), 0);
        panel.stop();
        QVERIFY(!panel.isListening());
        return;
    }
    QCOMPARE(gotProtocol, expectProtocol);
    QCOMPARE(gotDeflate, expectDeflate);
    QTRY_COMPARE_WITH_TIMEOUT(panel.connections()->rowCount(), 1, 5000);
    if (!expectProtocol.isEmpty())
        QTRY_VERIFY2_WITH_TIMEOUT(log->toPlainText().contains(QStringLiteral(", subprotocol ") + expectProtocol),
                                  qPrintable(log->toPlainText()), 5000);

    // The Stop button: "Stopping…" without waiting, the client gets 1001, then Stopped.
    QSignalSpy listening(&panel, &ServerPanel::listeningChanged);
    panel.findChild<QPushButton *>(QStringLiteral("serverStop"))->click();
    QVERIFY(panel.isStopping());
    QVERIFY(panel.statusLabel()->text().startsWith(QStringLiteral("Stopping")));
    QVERIFY(!panel.findChild<QPushButton *>(QStringLiteral("serverStart"))->isEnabled());
    QVERIFY(!optionsButton->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(listening.size(), 1, 3000);
    QCOMPARE(listening.first().first().toBool(), false);
    QVERIFY(!panel.isListening());
    QCOMPARE(panel.statusLabel()->text(), QStringLiteral("Stopped"));
    QVERIFY(optionsButton->isEnabled());
    if (client == Client2::QtWebSocket) {
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(int(socket.closeCode()), 1001);
    } else {
        const QByteArray line = python.waitForLine("{\"close_code\"", 5000);
        QCOMPARE(QJsonDocument::fromJson("{\"close_code\"" + line).object().value(QLatin1String("close_code")).toInt(), 1001);
    }
    QVERIFY2(log->toPlainText().contains(QStringLiteral("#1 closed, client sent 1001, server sent 1001")),
             qPrintable(log->toPlainText()));
}

QTEST_MAIN(TestServerPanel)
#include "tst_serverpanel.moc"
