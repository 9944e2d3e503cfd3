// The replay UI: JSON-aware diff, handshake edits, the result model, and the
// dialog replaying a recorded session against our echo server (live session,
// read-only file copied first, cancel).

#include "replay/handshakeedit.h"
#include "replay/messagediff.h"
#include "replay/messagediffview.h"
#include "replay/mockserverdialog.h"
#include "data/storecapture.h"
#include "endpoints/wsclient.h"
#include "mainwindow.h"
#include "models/connectionmodel.h"
#include "replay/replaydialog.h"
#include "replay/replayresultmodel.h"
#include "endpoints/wsserver.h"
#include "store/capturestore.h"
#include "uitestdata.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QTcpSocket>
#include <QAction>
#include <QApplication>
#include <QListWidget>
#include <QTimer>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace wslens;
using namespace wslens::ui;

namespace {

// A recorded conversation: client messages and what the server answered.
quint64 record(CaptureSink &sink, const QString &url, const QList<QPair<QByteArray, QByteArray>> &exchange,
               qint64 gapUs = 1000)
{
    ConnectionInfo info = uitest::connection(url);
    info.mode = ConnectionMode::ReverseProxy;
    const QUrl parsed(url);
    info.requestTarget = (parsed.path().isEmpty() ? QStringLiteral("/") : parsed.path()).toLatin1()
                         + (parsed.hasQuery() ? "?" + parsed.query().toLatin1() : QByteArray());
    info.requestHeaders.append({QByteArrayLiteral("Cookie"), QByteArrayLiteral("sid=1")});
    info.requestHeaders.append({QByteArrayLiteral("X-Trace"), QByteArrayLiteral("abc")});
    const quint64 id = sink.openConnection(info);
    qint64 t = info.handshakeDoneUs;
    for (const auto &[sent, answer] : exchange) {
        sink.appendFrame(uitest::frame(id, Direction::ClientToServer, Opcode::Text, sent, t += gapUs));
        if (!answer.isNull())
            sink.appendFrame(uitest::frame(id, Direction::ServerToClient, Opcode::Text, answer, t += 10));
    }
    return id;
}

replay::MessageResult result(int index, replay::Verdict verdict, const QByteArray &expected, const QByteArray &received)
{
    replay::MessageResult m;
    m.index = index;
    m.verdict = verdict;
    if (!expected.isNull())
        m.expected = {Opcode::Text, expected};
    if (!received.isNull())
        m.received = {Opcode::Text, received};
    return m;
}

} // namespace

class tst_Replay : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void diff_data();
    void diff();
    void jsonPaths_data();
    void jsonPaths();
    void handshakeEdit();
    void resultModel();
    void diffView();
    void replayLiveSession();
    void replayReadOnlyCopiesFirst();
    void cancel();
    void invalidOptionsAreReported();
    void mockServer();
    void mainWindowTools();
    void cleanupTestCase();

private:
    endpoints::WsServer m_echo;
};

void tst_Replay::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wslens-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_ui_replay"));
    QVERIFY(m_echo.listen(endpoints::ServerOptions()));
}

void tst_Replay::diff_data()
{
    QTest::addColumn<quint8>("leftOpcode");
    QTest::addColumn<QByteArray>("left");
    QTest::addColumn<quint8>("rightOpcode");
    QTest::addColumn<QByteArray>("right");
    QTest::addColumn<bool>("json");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("changed");

    const quint8 text = Opcode::Text;
    const quint8 binary = Opcode::Binary;
    // pretty JSON: {, "a": 1, "b": 2, } = 4 lines
    QTest::newRow("json equal, other spacing and key order")
        << text << QByteArray(R"({"b":2,"a":1})") << text << QByteArray(R"({ "a": 1,  "b": 2 })") << true << 4 << 0;
    QTest::newRow("json one value differs") << text << QByteArray(R"({"a":1,"b":2})") << text << QByteArray(R"({"a":1,"b":3})")
                                            << true << 4 << 1;
    QTest::newRow("json member added") << text << QByteArray(R"({"a":1})") << text << QByteArray(R"({"a":1,"z":0})")
                                       << true << 4 << 2; // "a": 1 -> "a": 1, (comma) and the new line
    QTest::newRow("text lines") << text << QByteArray("one\ntwo\nthree") << text << QByteArray("one\nTWO\nthree")
                                << false << 3 << 1;
    QTest::newRow("text line inserted") << text << QByteArray("a\nc") << text << QByteArray("a\nb\nc") << false << 3 << 1;
    QTest::newRow("missing side") << text << QByteArray("gone") << quint8(0) << QByteArray() << false << 1 << 1;
    QTest::newRow("binary hex dump") << binary << QByteArray(20, 'x') << binary << QByteArray(20, 'x') + 'y' << false << 2 << 1;
    QTest::newRow("json vs text") << text << QByteArray(R"({"a":1})") << text << QByteArray("{broken") << false << 3 << 3;
}

void tst_Replay::diff()
{
    QFETCH(quint8, leftOpcode);
    QFETCH(QByteArray, left);
    QFETCH(quint8, rightOpcode);
    QFETCH(QByteArray, right);
    QFETCH(bool, json);
    QFETCH(int, rows);
    QFETCH(int, changed);
    const MessageDiff d = diffMessages(leftOpcode, left, rightOpcode, right);
    QCOMPARE(d.json, json);
    QCOMPARE(d.rows.size(), rows);
    QCOMPARE(d.changedRows(), changed);
    for (const DiffRow &r : d.rows) {
        if (!r.changed) {
            QCOMPARE(r.left, r.right);
            QVERIFY(r.hasLeft && r.hasRight);
        }
    }
}

void tst_Replay::jsonPaths_data()
{
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<QByteArray>("received");
    QTest::addColumn<QStringList>("paths");

    QTest::newRow("equal") << QByteArray(R"({"a":[1,2]})") << QByteArray(R"({"a":[1,2]})") << QStringList();
    QTest::newRow("member") << QByteArray(R"({"ts":1,"x":"y"})") << QByteArray(R"({"ts":2,"x":"y"})")
                            << QStringList{QStringLiteral("$.ts")};
    QTest::newRow("nested array ids")
        << QByteArray(R"({"items":[{"id":1,"v":0},{"id":2,"v":0}]})")
        << QByteArray(R"({"items":[{"id":7,"v":0},{"id":8,"v":0}]})")
        << QStringList{QStringLiteral("$.items[0].id"), QStringLiteral("$.items[1].id")};
    QTest::newRow("added and removed") << QByteArray(R"({"a":1})") << QByteArray(R"({"b":1})")
                                       << QStringList{QStringLiteral("$.a"), QStringLiteral("$.b")};
    QTest::newRow("longer array") << QByteArray(R"([1])") << QByteArray(R"([1,2])") << QStringList{QStringLiteral("$[1]")};
    QTest::newRow("quoted key") << QByteArray(R"({"a b":1})") << QByteArray(R"({"a b":2})") << QStringList{QStringLiteral("$['a b']")};
    QTest::newRow("type change") << QByteArray(R"({"a":{"b":1}})") << QByteArray(R"({"a":[1]})") << QStringList{QStringLiteral("$.a")};
    QTest::newRow("not json") << QByteArray("x") << QByteArray(R"({"a":1})") << QStringList();
}

void tst_Replay::jsonPaths()
{
    QFETCH(QByteArray, expected);
    QFETCH(QByteArray, received);
    QFETCH(QStringList, paths);
    QCOMPARE(differingJsonPaths(expected, received), paths);
}

void tst_Replay::handshakeEdit()
{
    const HttpHeaders shown = {{"Cookie", "sid=1"}, {"X-Trace", "abc"}, {"User-Agent", "ua"}};
    const HttpHeaders edited = {{"cookie", "sid=1"}, {"X-Trace", "def"}, {"X-New", "1"}};
    HandshakeEdit edit = HandshakeEdit::fromTables(shown, edited);
    QCOMPARE(edit.removed, QList<QByteArray>{"User-Agent"});
    QCOMPARE(edit.set, (HttpHeaders{{"X-Trace", "def"}, {"X-New", "1"}}));
    edit.subprotocols = QByteArrayLiteral("v2");
    edit.origin = QByteArray();
    edit.dropCookies = true;

    replay::RecordedConnection r;
    r.info.requestHeaders = {{"User-Agent", "ua"}, {"Sec-WebSocket-Protocol", "v1"}, {"X-Trace", "abc"}};
    QList<replay::RecordedConnection> recordings{r};
    replay::ClientReplayOptions options;
    applyHandshakeEdit(edit, &recordings, &options);
    QCOMPARE(recordings.constFirst().info.requestHeaders, (HttpHeaders{{"X-Trace", "abc"}, {"Sec-WebSocket-Protocol", "v2"}}));
    QCOMPARE(options.headers, edit.set);
    QVERIFY(options.origin.has_value());
    QVERIFY(options.origin->isEmpty());
    QVERIFY(options.dropCookies);
    // what the client will send, per core's rules
    const HttpHeaders sent = replay::replayHeaders(recordings.constFirst().info, options);
    QCOMPARE(headerValue(sent, "x-trace"), QByteArray("def"));
    QCOMPARE(headerValue(sent, "user-agent"), QByteArray());

    // Nothing edited: nothing removed or set.
    const HandshakeEdit none = HandshakeEdit::fromTables(shown, shown);
    QVERIFY(none.removed.isEmpty());
    QVERIFY(none.set.isEmpty());
}

void tst_Replay::resultModel()
{
    ReplayResultModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);

    replay::ReplayResult r;
    replay::ConnectionReplayResult a;
    a.recordedId = 1;
    a.replayId = 5;
    a.messages = {result(0, replay::Verdict::Matched, "x", "x"), result(1, replay::Verdict::Differing, "y", "z")};
    replay::ConnectionReplayResult b;
    b.recordedId = 2;
    b.messages = {result(0, replay::Verdict::Missing, "m", QByteArray()), result(1, replay::Verdict::Extra, QByteArray(), "e"),
                  result(2, replay::Verdict::Matched, "k", "k")};
    r.connections = {a, b};
    model.setResult(r);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.columnCount(), int(ReplayResultModel::ColumnCount));
    QCOMPARE(model.index(0, ReplayResultModel::ConnectionColumn).data().toString(), QStringLiteral("1 → 5"));
    QCOMPARE(model.index(1, ReplayResultModel::VerdictColumn).data().toString(), QStringLiteral("differing"));
    QCOMPARE(model.index(2, ReplayResultModel::ConnectionColumn).data().toString(), QStringLiteral("2"));
    QCOMPARE(model.index(2, ReplayResultModel::ReceivedColumn).data().toString(), QString());
    QCOMPARE(model.index(3, ReplayResultModel::ExpectedColumn).data().toString(), QString());
    QCOMPARE(model.index(3, ReplayResultModel::ReceivedColumn).data().toString(), QStringLiteral("e"));

    model.setDifferencesOnly(true);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.message(0)->verdict, replay::Verdict::Differing);
    QCOMPARE(model.connection(1)->recordedId, quint64(2));
    QCOMPARE(model.message(3), nullptr);
    model.setDifferencesOnly(false);
    QCOMPARE(model.rowCount(), 5);
    model.setResult(replay::ReplayResult());
    QCOMPARE(model.rowCount(), 0);
}

void tst_Replay::diffView()
{
    MessageDiffView view;
    view.resize(700, 300);
    view.showMessage(result(3, replay::Verdict::Differing, R"({"id":1,"ts":10,"name":"a"})", R"({"id":1,"ts":11,"name":"a"})"));
    // pretty-printed, aligned, one marked line per side
    QCOMPARE(view.expectedEdit()->document()->blockCount(), view.receivedEdit()->document()->blockCount());
    QVERIFY(view.expectedEdit()->toPlainText().contains(QStringLiteral("\"ts\": 10")));
    QVERIFY(view.receivedEdit()->toPlainText().contains(QStringLiteral("\"ts\": 11")));
    QCOMPARE(view.expectedEdit()->extraSelections().size(), 1);
    QCOMPARE(view.receivedEdit()->extraSelections().size(), 1);
    QVERIFY(view.summaryLabel()->text().contains(QStringLiteral("$.ts")));

    view.showMessage(result(4, replay::Verdict::Missing, "only recorded", QByteArray()));
    QVERIFY(view.summaryLabel()->text().contains(QStringLiteral("not received")));
    QCOMPARE(view.receivedEdit()->extraSelections().size(), 1); // the gap
}

void tst_Replay::replayLiveSession()
{
    CaptureStore store;
    QVERIFY(store.createTemporary());
    const QString url = m_echo.url() + QStringLiteral("/feed?x=1");
    const quint64 id = record(store, url, {{"hello", "hello"}, {R"({"n":1,"ts":5})", R"({"n":1,"ts":6})"}});
    record(store, url, {{"other", "other"}});
    store.flush();

    ReplayDialog dialog(&store, &store);
    dialog.setSelectedConnections({id});
    QCOMPARE(dialog.selectedConnections(), QList<quint64>{id});
    auto *ignore = dialog.findChild<QPlainTextEdit *>(QStringLiteral("replayIgnore"));
    auto *run = dialog.findChild<QPushButton *>(QStringLiteral("replayRun"));
    auto *headers = dialog.findChild<QTableWidget *>(QStringLiteral("replayHeaders"));
    QVERIFY(ignore && run && headers);
    ignore->clear();
    // Recorded headers the client does not build itself are shown for editing.
    QVERIFY(headers->findItems(QStringLiteral("X-Trace"), Qt::MatchExactly).size() == 1);
    QVERIFY(headers->findItems(QStringLiteral("Sec-WebSocket-Key"), Qt::MatchExactly).isEmpty());
    // Edits can be taken back.
    const int rows = headers->rowCount();
    headers->removeRow(0);
    dialog.findChild<QLineEdit *>(QStringLiteral("replayOrigin"))->setText(QStringLiteral("http://elsewhere"));
    dialog.findChild<QPushButton *>(QStringLiteral("replayResetHeaders"))->click();
    QCOMPARE(headers->rowCount(), rows);
    QCOMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("replayOrigin"))->text(), QString());

    QSignalSpy finished(&dialog, &ReplayDialog::runFinished);
    run->click();
    QVERIFY(dialog.isRunning());
    QVERIFY(finished.wait(10000));
    // The echo answers the client's ts 5 where 6 was recorded.
    QCOMPARE(dialog.resultModel()->rowCount(), 2);
    QCOMPARE(dialog.resultModel()->message(1)->verdict, replay::Verdict::Differing);
    QVERIFY2(dialog.summaryLabel()->text().contains(QStringLiteral("Matched 1 · differing 1")), qPrintable(dialog.summaryLabel()->text()));
    QCOMPARE(dialog.resultView()->currentIndex().row(), 1); // the first difference is shown
    QVERIFY(dialog.diffView()->summaryLabel()->text().contains(QStringLiteral("$.ts")));
    QCOMPARE(run->text(), QStringLiteral("Re-&run"));

    // The run was captured as a new connection linked to the recorded one.
    store.flush();
    const QList<ConnectionInfo> all = store.connections();
    QCOMPARE(all.size(), 3);
    QCOMPARE(all.last().mode, ConnectionMode::Replay);
    QCOMPARE(all.last().replayOf, id);
    QCOMPARE(dialog.resultModel()->connection(0)->replayId, all.last().id);

    // Re-run, ignoring $.ts: everything matches.
    ignore->setPlainText(QStringLiteral("$.ts"));
    run->click();
    QVERIFY(finished.wait(10000));
    QVERIFY2(dialog.summaryLabel()->text().startsWith(QStringLiteral("Everything matched")), qPrintable(dialog.summaryLabel()->text()));
    store.flush();
    QCOMPARE(store.connections().size(), 4);

    if (qEnvironmentVariableIsSet("WSLENS_SCREENSHOT_DIR")) {
        dialog.resize(1000, 700);
        ignore->clear();
        run->click();
        QVERIFY(finished.wait(10000));
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.grab().save(qEnvironmentVariable("WSLENS_SCREENSHOT_DIR") + QStringLiteral("/replay-result.png"));
        dialog.findChild<QTabWidget *>()->setCurrentIndex(0);
        dialog.grab().save(qEnvironmentVariable("WSLENS_SCREENSHOT_DIR") + QStringLiteral("/replay-setup.png"));
    }
}

void tst_Replay::replayReadOnlyCopiesFirst()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("recorded.wslens"));
    quint64 recordedId = 0;
    {
        CaptureStore writer;
        QVERIFY(writer.create(path));
        recordedId = record(writer, m_echo.url() + QStringLiteral("/a"), {{"one", "one"}, {"two", "two"}});
        writer.close();
    }
    CaptureStore opened;
    QVERIFY(opened.open(path));
    QVERIFY(opened.isReadOnly());

    std::unique_ptr<CaptureStore> adopted;
    ReplayDialog dialog(&opened, nullptr);
    dialog.setAdoptCopy([&adopted](std::unique_ptr<CaptureStore> copy) { adopted = std::move(copy); });
    QSignalSpy finished(&dialog, &ReplayDialog::runFinished);
    QVERIFY(dialog.run());
    QVERIFY(finished.wait(10000));
    QVERIFY(adopted);
    QCOMPARE(dialog.store(), adopted.get());
    QVERIFY(dialog.summaryLabel()->text().startsWith(QStringLiteral("Everything matched")));
    QCOMPARE(opened.connections().size(), 1); // the file is untouched

    adopted->flush();
    const QList<ConnectionInfo> copy = adopted->connections();
    QCOMPARE(copy.size(), 2);
    QCOMPARE(copy.first().url, opened.connection(recordedId).url);
    QCOMPARE(copy.last().mode, ConnectionMode::Replay);
    QCOMPARE(copy.last().replayOf, copy.first().id);
    int runTextFrames = 0;
    for (quint64 row = 0; row < adopted->frameCount(); ++row) {
        const FrameSummary s = adopted->summary(row);
        runTextFrames += s.connectionId == copy.last().id && s.opcode == Opcode::Text ? 1 : 0;
    }
    QCOMPARE(runTextFrames, 4); // the run's 2 sent and 2 received messages
}

void tst_Replay::cancel()
{
    CaptureStore store;
    QVERIFY(store.createTemporary());
    // Ten seconds between messages at original timing.
    const quint64 id = record(store, m_echo.url(), {{"a", "a"}, {"b", "b"}, {"c", "c"}}, 10'000'000);
    store.flush();
    ReplayDialog dialog(&store, nullptr);
    dialog.setSelectedConnections({id});
    auto *timing = dialog.findChild<QComboBox *>(QStringLiteral("replayTiming"));
    timing->setCurrentIndex(timing->findData(int(replay::Timing::Original)));
    dialog.findChild<QDoubleSpinBox *>(QStringLiteral("replaySpeed"))->setValue(1.0);
    QSignalSpy finished(&dialog, &ReplayDialog::runFinished);
    QVERIFY(dialog.run());
    QTest::qWait(300);
    QVERIFY(dialog.isRunning());
    QElapsedTimer clock;
    clock.start();
    dialog.findChild<QPushButton *>(QStringLiteral("replayCancel"))->click();
    QVERIFY(finished.wait(5000));
    QVERIFY(clock.elapsed() < 4000);
    QVERIFY(!dialog.isRunning());
    QVERIFY2(dialog.summaryLabel()->text().startsWith(QStringLiteral("Cancelled")), qPrintable(dialog.summaryLabel()->text()));
    QCOMPARE(store.connections().size(), 1); // no live sink given: not captured

    // Closing while a run is in progress cancels it and closes when it stopped.
    dialog.show();
    QVERIFY(dialog.run());
    QTest::qWait(200);
    dialog.reject();
    QVERIFY(dialog.isVisible());
    QVERIFY(finished.wait(5000));
    QVERIFY(!dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
}

void tst_Replay::invalidOptionsAreReported()
{
    CaptureStore store;
    QVERIFY(store.createTemporary());
    record(store, m_echo.url(), {{"a", "a"}});
    store.flush();
    ReplayDialog dialog(&store, nullptr);
    auto *status = dialog.findChild<QLabel *>(QStringLiteral("replayStatus"));
    auto *target = dialog.findChild<QLineEdit *>(QStringLiteral("replayTarget"));
    auto *ignore = dialog.findChild<QPlainTextEdit *>(QStringLiteral("replayIgnore"));
    target->setText(QStringLiteral("http://example.com"));
    QVERIFY(!dialog.run());
    QVERIFY(status->text().contains(QStringLiteral("ws://")));
    target->clear();
    ignore->setPlainText(QStringLiteral("$..deep"));
    QVERIFY(!dialog.run());
    QVERIFY(status->text().contains(QStringLiteral("$..deep")));
    ignore->clear();
    dialog.setSelectedConnections({});
    QVERIFY(!dialog.run());
    QVERIFY(!dialog.isRunning());
}

void tst_Replay::mockServer()
{
    CaptureStore store;
    QVERIFY(store.createTemporary());
    const quint64 other = record(store, QStringLiteral("ws://example.invalid/other"), {{"x", "from other"}});
    const quint64 chat = record(store, QStringLiteral("ws://example.invalid/chat"), {{"hi", "hello"}, {"more", "done"}});
    store.flush();
    MockServerDialog dialog(&store);
    auto *connections = dialog.findChild<QListWidget *>(QStringLiteral("mockConnections"));
    auto *listen = dialog.findChild<QLineEdit *>(QStringLiteral("mockListen"));
    auto *matchPath = dialog.findChild<QCheckBox *>(QStringLiteral("mockMatchPath"));
    QVERIFY(connections && listen && matchPath);
    QCOMPARE(connections->count(), 2);
    listen->setText(QStringLiteral("nonsense"));
    QVERIFY(!dialog.start());
    QVERIFY(dialog.statusLabel()->text().contains(QStringLiteral("127.0.0.1:8080")));
    listen->setText(QStringLiteral("127.0.0.1:0"));
    matchPath->setChecked(true);
    QSignalSpy listening(&dialog, &MockServerDialog::listeningChanged);
    QVERIFY(dialog.start());
    QVERIFY(!dialog.start()); // already starting
    QTRY_COMPARE_WITH_TIMEOUT(listening.size(), 1, 5000);
    QVERIFY(dialog.port() != 0);
    QCOMPARE(dialog.statusLabel()->text(), QStringLiteral("listening on 127.0.0.1:%1").arg(dialog.port()));
    QVERIFY(dialog.log()->toPlainText().contains(QStringLiteral("#%1").arg(chat)));
    QVERIFY(dialog.log()->toPlainText().contains(QStringLiteral("#%1").arg(other)));

    struct Client
    {
        endpoints::WsClient ws;
        QList<QByteArray> received;
        int closeCode = -1;
    };
    auto open = [this, &dialog](Client &c, const QString &path) {
        connect(&c.ws, &endpoints::WsClient::messageReceived, this,
                [&c](quint8, const QByteArray &data) { c.received.append(data); });
        connect(&c.ws, &endpoints::WsClient::closeReceived, this, [&c](int code, const QString &) { c.closeCode = code; });
        endpoints::ClientOptions options;
        options.url = QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(dialog.port()).arg(path));
        QSignalSpy connected(&c.ws, &endpoints::WsClient::connected);
        c.ws.open(options);
        return connected.wait(5000);
    };
    // Each path gets its own recording.
    Client a;
    QVERIFY(open(a, QStringLiteral("/chat")));
    a.ws.sendText(QStringLiteral("hi"));
    QTRY_COMPARE_WITH_TIMEOUT(a.received, QList<QByteArray>{"hello"}, 5000);
    a.ws.sendText(QStringLiteral("bogus"));
    QTRY_VERIFY_WITH_TIMEOUT(dialog.log()->toPlainText().contains(QStringLiteral("unexpected client message #1")), 5000);
    QVERIFY(dialog.log()->toPlainText().contains(QStringLiteral("bogus")));
    Client b;
    QVERIFY(open(b, QStringLiteral("/other")));
    b.ws.sendText(QStringLiteral("x"));
    QTRY_COMPARE_WITH_TIMEOUT(b.received, QList<QByteArray>{"from other"}, 5000);
    // A path no recording has is refused.
    Client c;
    QVERIFY(open(c, QStringLiteral("/nowhere")));
    QTRY_COMPARE_WITH_TIMEOUT(c.closeCode, 1008, 5000);
    b.ws.abort();
    c.ws.abort();
    if (qEnvironmentVariableIsSet("WSLENS_SCREENSHOT_DIR")) {
        QTest::qWait(100);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.grab().save(qEnvironmentVariable("WSLENS_SCREENSHOT_DIR") + QStringLiteral("/mock-server.png"));
    }

    // A raw client on the GUI thread: it can only answer the close once Stop
    // has returned, so a blocking stop would hold the GUI for the whole grace
    // period (1 s) and then cut it off.
    QTcpSocket raw;
    raw.connectToHost(QHostAddress::LocalHost, dialog.port());
    QVERIFY(raw.waitForConnected(5000));
    raw.write("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray head;
    QTRY_VERIFY_WITH_TIMEOUT((head += raw.readAll()).contains("\r\n\r\n"), 5000);
    QVERIFY2(head.startsWith("HTTP/1.1 101"), head.constData());

    QElapsedTimer clock;
    clock.start();
    dialog.findChild<QPushButton *>(QStringLiteral("mockStop"))->click();
    QVERIFY2(clock.elapsed() < 300, qPrintable(QStringLiteral("Stop took %1 ms").arg(clock.elapsed())));
    QVERIFY(!dialog.isListening());
    QVERIFY(dialog.isStopping());
    QCOMPARE(dialog.statusLabel()->text(), QStringLiteral("Stopping… (closing the connections)"));
    QVERIFY(!dialog.findChild<QPushButton *>(QStringLiteral("mockStop"))->isEnabled());
    QVERIFY(!dialog.findChild<QPushButton *>(QStringLiteral("mockStart"))->isEnabled());
    QVERIFY(!dialog.start()); // not while stopping
    QCOMPARE(listening.size(), 1);
    // The raw client gets the close (1001 "server stopping") and answers it (masked, zero key).
    QByteArray frame = head.mid(head.indexOf("\r\n\r\n") + 4);
    QTRY_VERIFY_WITH_TIMEOUT((frame += raw.readAll()).size() >= 4, 5000);
    QCOMPARE(frame.left(4).toHex(), QByteArray("881103e9"));
    raw.write(QByteArray::fromHex("88820000000003e9"));
    QTRY_COMPARE_WITH_TIMEOUT(listening.size(), 2, 5000);
    QVERIFY2(clock.elapsed() < 800, qPrintable(QStringLiteral("stopped after %1 ms").arg(clock.elapsed())));
    QCOMPARE(listening.last().first().toBool(), false);
    QVERIFY(!dialog.isStopping());
    QCOMPARE(dialog.statusLabel()->text(), QStringLiteral("Not running"));
    QVERIFY(dialog.log()->toPlainText().endsWith(QStringLiteral("Stopped")));
    QTRY_COMPARE_WITH_TIMEOUT(a.closeCode, 1001, 5000); // the WebSocket client was closed the same way
    QVERIFY(dialog.findChild<QPushButton *>(QStringLiteral("mockStart"))->isEnabled());
    dialog.detachSession();
    QVERIFY(!dialog.start());
}

void tst_Replay::mainWindowTools()
{
    auto store = std::make_unique<CaptureStore>();
    QVERIFY(store->createTemporary());
    const quint64 id = record(*store, m_echo.url(), {{"a", "a"}});
    store->flush();
    StoreCapture capture(std::move(store));
    MainWindow window;
    window.setCapture(&capture);
    QTRY_COMPARE(window.connectionModel()->rowCount(), 1);

    QAction *replayAction = window.action(QStringLiteral("actionReplay"));
    QVERIFY(replayAction);
    QCOMPARE(replayAction->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    for (const char *name : {"actionMockServer", "actionCaCertificate", "actionExportCa", "actionRegenerateCa"})
        QVERIFY2(window.action(QLatin1String(name)), name);

    // The dialog opens over the shown session, runs, captures into it (writable), closes.
    bool ran = false;
    QTimer::singleShot(0, this, [&ran, id] {
        auto *dialog = qobject_cast<ReplayDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        QSignalSpy finished(dialog, &ReplayDialog::runFinished);
        ran = dialog->selectedConnections() == QList<quint64>{id} && dialog->run() && finished.wait(10000)
              && dialog->summaryLabel()->text().startsWith(QStringLiteral("Everything matched"));
        dialog->reject();
    });
    replayAction->trigger();
    QVERIFY(ran);
    QTRY_COMPARE(window.connectionModel()->rowCount(), 2);
    QTRY_COMPARE(window.connectionModel()->index(1, ConnectionModel::ModeColumn).data().toString(),
                 QStringLiteral("replay of #%1").arg(id));

    // The mock server captures its connections into the live capture (made
    // now, like for the relay: the window switches to it).
    window.action(QStringLiteral("actionMockServer"))->trigger();
    auto *mock = window.findChild<MockServerDialog *>();
    QVERIFY(mock);
    QVERIFY(mock->findChild<QCheckBox *>(QStringLiteral("mockCapture"))->isChecked());
    mock->findChild<QLineEdit *>(QStringLiteral("mockListen"))->setText(QStringLiteral("127.0.0.1:0"));
    QSignalSpy listening(mock, &MockServerDialog::listeningChanged);
    QVERIFY(mock->start());
    QTRY_COMPARE_WITH_TIMEOUT(listening.size(), 1, 5000);
    QVERIFY(window.capture() != &capture);
    endpoints::WsClient client;
    QList<QByteArray> received;
    connect(&client, &endpoints::WsClient::messageReceived, this,
            [&received](quint8, const QByteArray &data) { received.append(data); });
    endpoints::ClientOptions options;
    options.url = QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(mock->port()));
    QSignalSpy connected(&client, &endpoints::WsClient::connected);
    client.open(options);
    QVERIFY(connected.wait(5000));
    client.sendText(QStringLiteral("a"));
    QTRY_COMPARE_WITH_TIMEOUT(received, QList<QByteArray>{"a"}, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(window.connectionModel()->rowCount(), 1, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(window.capture()->frameCount() >= 2, 5000);
    client.abort();
    // Replacing the capture stops a mock server that records into it.
    window.setCapture(nullptr);
    QVERIFY(!mock->isListening());
}

void tst_Replay::cleanupTestCase()
{
    // Copies made by the dialog went to the (test-mode) default capture folder.
    QDir(CaptureStore::defaultCaptureDirectory()).removeRecursively();
}

QTEST_MAIN(tst_Replay)
#include "tst_replay.moc"
