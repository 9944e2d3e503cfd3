// Composer gaps (issue 7 §3): templates by name, history (restore with undo,
// re-send), binary from a file, send M times every N ms with Stop, and the
// composer's client captured (into a sink, and into the main window's live
// capture).

#include "composer/composerentry.h"
#include "composer/composerhistorymodel.h"
#include "composer/composerpanel.h"
#include "data/memorycapture.h"
#include "endpoints/composermessage.h"
#include "endpoints/wsserver.h"
#include "mainwindow.h"
#include "models/connectionmodel.h"
#include "store/capturestore.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace wslens;
using namespace wslens::ui;

namespace {
const int kText = int(endpoints::ComposerFormat::Text);
const int kJson = int(endpoints::ComposerFormat::Json);
const int kHex = int(endpoints::ComposerFormat::Hex);

struct Widgets
{
    QLineEdit *url;
    QPushButton *connect;
    QPushButton *send;
    QPushButton *stop;
    QPlainTextEdit *body;
    QPlainTextEdit *log;
    QSpinBox *times;
    QSpinBox *interval;
    QComboBox *format;
    QLabel *status;
};

Widgets widgets(ComposerPanel &panel)
{
    return {panel.findChild<QLineEdit *>(QStringLiteral("composerUrl")),
            panel.findChild<QPushButton *>(QStringLiteral("composerConnect")),
            panel.findChild<QPushButton *>(QStringLiteral("composerSend")),
            panel.findChild<QPushButton *>(QStringLiteral("composerStop")),
            panel.findChild<QPlainTextEdit *>(QStringLiteral("composerBody")),
            panel.findChild<QPlainTextEdit *>(QStringLiteral("composerLog")),
            panel.findChild<QSpinBox *>(QStringLiteral("composerTimes")),
            panel.findChild<QSpinBox *>(QStringLiteral("composerInterval")),
            panel.findChild<QComboBox *>(QStringLiteral("composerFormat")),
            panel.findChild<QLabel *>(QStringLiteral("composerStatus"))};
}
} // namespace

class tst_Composer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void templates();
    void historyModel_data();
    void historyModel();
    void historyPersists();
    void restoreIsUndoable();
    void sendsFileStopsAndResends();
    void capturedIntoSink();
    void capturedIntoLiveSession();
    void cleanupTestCase();

private:
    endpoints::WsServer m_echo;
};

void tst_Composer::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wslens-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_ui_composer"));
    QVERIFY(m_echo.listen(endpoints::ServerOptions()));
}

void tst_Composer::init()
{
    QSettings().clear();
}

void tst_Composer::templates()
{
    ComposerTemplates t;
    QVERIFY(t.names().isEmpty());
    QVERIFY(t.save(QStringLiteral("login"), {kJson, QStringLiteral("{\"user\":\"{{uuid}}\"}")}));
    QVERIFY(t.save(QStringLiteral("Alpha"), {kText, QStringLiteral("a")}));
    QVERIFY(!t.save(QStringLiteral("  "), {kText, QStringLiteral("x")}));
    QCOMPARE(t.names(), (QStringList{QStringLiteral("Alpha"), QStringLiteral("login")}));
    QCOMPARE(t.load(QStringLiteral("login")), (ComposerEntry{kJson, QStringLiteral("{\"user\":\"{{uuid}}\"}")}));
    QVERIFY(t.save(QStringLiteral("login"), {kText, QStringLiteral("replaced")}));
    QCOMPARE(ComposerTemplates().load(QStringLiteral("login")).body, QStringLiteral("replaced"));
    t.remove(QStringLiteral("Alpha"));
    QCOMPARE(t.names(), QStringList{QStringLiteral("login")});

    // Through the panel: save, change, load back.
    ComposerPanel panel;
    const Widgets w = widgets(panel);
    auto *combo = panel.findChild<QComboBox *>(QStringLiteral("composerTemplates"));
    w.format->setCurrentIndex(w.format->findData(kHex));
    w.body->setPlainText(QStringLiteral("00ff"));
    QVERIFY(panel.saveTemplate(QStringLiteral("bytes")));
    QCOMPARE(combo->currentText(), QStringLiteral("bytes"));
    w.format->setCurrentIndex(w.format->findData(kText));
    w.body->setPlainText(QStringLiteral("other"));
    QVERIFY(panel.loadTemplate(QStringLiteral("bytes")));
    QCOMPARE(panel.currentEntry(), (ComposerEntry{kHex, QStringLiteral("00ff")}));
    QVERIFY(!panel.loadTemplate(QStringLiteral("nope")));
    panel.deleteTemplate(QStringLiteral("bytes"));
    QCOMPARE(combo->findText(QStringLiteral("bytes")), -1);
}

void tst_Composer::historyModel_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("adds");
    QTest::addColumn<int>("rows");
    QTest::newRow("below capacity") << 5 << 3 << 3;
    QTest::newRow("at capacity") << 5 << 5 << 5;
    QTest::newRow("over capacity") << 5 << 12 << 5;
    QTest::newRow("capacity one") << 1 << 4 << 1;
}

void tst_Composer::historyModel()
{
    QFETCH(int, capacity);
    QFETCH(int, adds);
    QFETCH(int, rows);
    ComposerHistoryModel model(nullptr, capacity);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < adds; ++i)
        model.add({kText, QStringLiteral("m%1").arg(i)});
    model.add({kText, QStringLiteral("m%1").arg(adds - 1)}); // the newest again: no new row
    QCOMPARE(model.rowCount(), rows);
    QCOMPARE(model.entry(0).body, QStringLiteral("m%1").arg(adds - 1)); // newest first
    QCOMPARE(model.entry(rows - 1).body, QStringLiteral("m%1").arg(adds - rows));
    QCOMPARE(model.index(0).data().toString(), QStringLiteral("[Text] m%1").arg(adds - 1));
    QCOMPARE(model.entry(rows), ComposerEntry());
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void tst_Composer::historyPersists()
{
    {
        ComposerHistoryModel model;
        model.add({kText, QStringLiteral("first")});
        model.add({kJson, QStringLiteral("{}")});
        model.save();
    }
    ComposerHistoryModel loaded;
    QAbstractItemModelTester tester(&loaded, QAbstractItemModelTester::FailureReportingMode::QtTest);
    loaded.load();
    QCOMPARE(loaded.rowCount(), 2);
    QCOMPARE(loaded.entry(0), (ComposerEntry{kJson, QStringLiteral("{}")}));
}

void tst_Composer::restoreIsUndoable()
{
    ComposerPanel panel;
    const Widgets w = widgets(panel);
    w.body->setPlainText(QStringLiteral("typed by hand"));
    panel.restoreEntry({kJson, QStringLiteral("{\"a\":1}")});
    QCOMPARE(w.body->toPlainText(), QStringLiteral("{\"a\":1}"));
    QCOMPARE(w.format->currentData().toInt(), kJson);
    QVERIFY(w.body->document()->isUndoAvailable());
    w.body->undo();
    QCOMPARE(w.body->toPlainText(), QStringLiteral("typed by hand"));
}

void tst_Composer::sendsFileStopsAndResends()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("payload.bin"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromHex("deadbeef00"));
    }
    ComposerPanel panel;
    const Widgets w = widgets(panel);
    QVERIFY(w.stop);
    w.url->setText(m_echo.url());
    w.connect->click();
    QTRY_VERIFY_WITH_TIMEOUT(w.send->isEnabled(), 5000);

    // A file's bytes as one binary message.
    panel.restoreEntry({ComposerEntry::kFileFormat, path});
    w.send->click();
    QTRY_VERIFY_WITH_TIMEOUT(w.log->toPlainText().contains(QStringLiteral("← binary de ad be ef 00")), 5000);
    QCOMPARE(panel.history()->entry(0), (ComposerEntry{ComposerEntry::kFileFormat, path}));
    panel.restoreEntry({ComposerEntry::kFileFormat, dir.filePath(QStringLiteral("missing"))});
    w.send->click();
    QVERIFY(w.status->text().contains(QStringLiteral("no such file")));

    // Every 50 ms, 1000 times: Stop ends it.
    panel.restoreEntry({kText, QStringLiteral("tick {{counter}}")});
    w.times->setValue(1000);
    w.interval->setValue(50);
    w.send->click();
    QVERIFY(panel.isSending());
    QVERIFY(w.stop->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(w.log->toPlainText().count(QStringLiteral("← text tick")) >= 3, 5000);
    w.stop->click();
    QVERIFY(!panel.isSending());
    QVERIFY(!w.stop->isEnabled());
    const int sent = int(w.log->toPlainText().count(QStringLiteral("→ tick")));
    QVERIFY(sent >= 3 && sent < 1000);
    QTest::qWait(200);
    QCOMPARE(int(w.log->toPlainText().count(QStringLiteral("→ tick"))), sent);
    QVERIFY(w.log->toPlainText().contains(QStringLiteral("stopped after %1 of 1000").arg(sent)));
    // One history entry for the whole run, variables unexpanded.
    QCOMPARE(panel.history()->entry(0), (ComposerEntry{kText, QStringLiteral("tick {{counter}}")}));

    // Re-send an older history row without touching the editor.
    w.times->setValue(1);
    panel.restoreEntry({kText, QStringLiteral("editor text")});
    panel.resend(1); // the file
    QTRY_COMPARE_WITH_TIMEOUT(int(w.log->toPlainText().count(QStringLiteral("← binary de ad be ef 00"))), 2, 5000);
    QCOMPARE(w.body->toPlainText(), QStringLiteral("editor text"));
}

void tst_Composer::capturedIntoSink()
{
    MemoryCapture capture;
    ComposerPanel panel;
    panel.setCaptureProvider([&capture]() -> CaptureSink * { return &capture; });
    const Widgets w = widgets(panel);
    w.url->setText(m_echo.url() + QStringLiteral("/captured"));
    w.connect->click();
    QTRY_VERIFY_WITH_TIMEOUT(w.send->isEnabled(), 5000);
    panel.restoreEntry({kText, QStringLiteral("recorded")});
    w.send->click();
    QTRY_VERIFY_WITH_TIMEOUT(capture.frameCount() >= 2, 5000);
    QCOMPARE(capture.connections().size(), 1);
    QCOMPARE(capture.connections().constFirst().mode, ConnectionMode::LocalClient);
    QCOMPARE(capture.frame(0)->message, QByteArray("recorded"));
    QCOMPARE(capture.frame(1)->direction, Direction::ServerToClient);
    panel.dropConnection();
    QVERIFY(!panel.isConnected());
    QVERIFY(!w.send->isEnabled());
}

void tst_Composer::capturedIntoLiveSession()
{
    MainWindow window;
    ComposerPanel *panel = window.composer();
    QVERIFY(panel);
    const Widgets w = widgets(*panel);
    w.url->setText(m_echo.url() + QStringLiteral("/live"));
    w.connect->click();
    QTRY_VERIFY_WITH_TIMEOUT(w.send->isEnabled(), 5000);
    panel->restoreEntry({kText, QStringLiteral("hello live")});
    w.send->click();
    QTRY_COMPARE_WITH_TIMEOUT(window.connectionModel()->rowCount(), 1, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(window.capture()->frameCount() >= 2, 5000);
    QVERIFY(window.capture()->connections().constFirst().url.endsWith(QStringLiteral("/live")));
    if (qEnvironmentVariableIsSet("WSLENS_SCREENSHOT_DIR")) {
        window.findChild<QDockWidget *>(QStringLiteral("dockComposer"))->raise();
        window.resize(1280, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::qWait(300);
        window.grab().save(qEnvironmentVariable("WSLENS_SCREENSHOT_DIR") + QStringLiteral("/composer.png"));
    }
    // Replacing the capture ends the composer's connection first.
    window.setCapture(nullptr);
    QVERIFY(!panel->isConnected());
}

void tst_Composer::cleanupTestCase()
{
    QSettings().clear();
    // The main window's live capture went to the (test-mode) default capture folder.
    QDir(CaptureStore::defaultCaptureDirectory()).removeRecursively();
}

QTEST_MAIN(tst_Composer)
#include "tst_composer.moc"
