// The timeline and connection models under QAbstractItemModelTester, batching
// of appends, filtered rows, display roles, and the view's tail following.
#include "data/memorycapture.h"
#include "models/connectionmodel.h"
#include "models/timelinemodel.h"
#include "uitestdata.h"
#include "views/timelineview.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QScrollBar>
#include <QtTest>

using namespace wslens;
using namespace wslens::ui;

class TestModels : public QObject
{
    Q_OBJECT
private slots:
    void timelineRowsAndText();
    void timelineBatchesAppends();
    void timelineFilteredRows();
    void timelineReset();
    void connectionModel();
    void viewFollowsTailOnlyAtBottom();
};

void TestModels::timelineRowsAndText()
{
    MemoryCapture capture;
    uitest::fill(capture);
    capture.flush();
    TimelineModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSource(&capture);
    QCOMPARE(model.rowCount(), uitest::kFrames);
    QCOMPARE(model.columnCount(), int(TimelineModel::ColumnCount));

    auto text = [&model](int row, int col) { return model.index(row, col).data().toString(); };
    QCOMPARE(text(0, TimelineModel::SeqColumn), QStringLiteral("1"));
    QCOMPARE(text(0, TimelineModel::DirectionColumn), QStringLiteral("→"));
    QCOMPARE(text(1, TimelineModel::DirectionColumn), QStringLiteral("←"));
    QCOMPARE(text(0, TimelineModel::TypeColumn), QStringLiteral("text"));
    QCOMPARE(text(2, TimelineModel::TypeColumn), QStringLiteral("binary"));
    QCOMPARE(text(0, TimelineModel::PreviewColumn), QStringLiteral("{\"hello\":\"world\",\"n\":[1,2]}"));
    QCOMPARE(text(2, TimelineModel::PreviewColumn), QStringLiteral("00 ff 10 20 41 42"));
    QCOMPARE(text(11, TimelineModel::PreviewColumn), QStringLiteral("1000 normal: bye"));
    QCOMPARE(text(5, TimelineModel::FlagsColumn), QStringLiteral("FIN RSV2"));
    QCOMPARE(text(7, TimelineModel::FlagsColumn), QStringLiteral("—"));
    QCOMPARE(text(5, TimelineModel::MarkColumn), QStringLiteral("⚠"));
    QCOMPARE(text(6, TimelineModel::MarkColumn), QStringLiteral("✎"));
    QCOMPARE(text(0, TimelineModel::MarkColumn), QString());
    QCOMPARE(text(10, TimelineModel::LengthColumn), QStringLiteral("300"));
    QVERIFY(model.index(5, TimelineModel::MarkColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("RFC 6455 5.2")));
    // control frames are dimmed, data frames use the palette's text colour
    QVERIFY(model.index(3, TimelineModel::PreviewColumn).data(Qt::ForegroundRole).isValid());
    QVERIFY(!model.index(0, TimelineModel::PreviewColumn).data(Qt::ForegroundRole).isValid());
    QVERIFY(model.index(5, TimelineModel::PreviewColumn).data(Qt::BackgroundRole).isValid());
    QCOMPARE(model.index(4, 0).data(TimelineModel::SourceIndexRole).toLongLong(), 4);
}

void TestModels::timelineBatchesAppends()
{
    MemoryCapture capture;
    TimelineModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSource(&capture);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    const quint64 conn = capture.openConnection(uitest::connection(QStringLiteral("ws://x/")));
    for (int i = 0; i < 1000; ++i)
        capture.appendFrame(uitest::frame(conn, Direction::ServerToClient, Opcode::Text, QByteArray::number(i)));
    QCOMPARE(model.rowCount(), 0); // nothing until the batch is flushed
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1000, 2000);
    QCOMPARE(inserted.size(), 1); // one insert for the whole batch
    QCOMPARE(inserted.first().at(1).toInt(), 0);
    QCOMPARE(inserted.first().at(2).toInt(), 999);
    for (int i = 0; i < 10; ++i)
        capture.appendFrame(uitest::frame(conn, Direction::ServerToClient, Opcode::Text, QByteArrayLiteral("more")));
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1010, 2000);
    QCOMPARE(inserted.size(), 2);
    QCOMPARE(inserted.last().at(1).toInt(), 1000);
    QCOMPARE(inserted.last().at(2).toInt(), 1009);
}

void TestModels::timelineFilteredRows()
{
    MemoryCapture capture;
    uitest::fill(capture);
    capture.flush();
    TimelineModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSource(&capture);
    model.setFilteredRows({1, 4, 6, 10}, uitest::kFrames);
    QVERIFY(model.isFiltered());
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.sourceIndex(2), 6);
    QCOMPARE(model.rowForSourceIndex(10), 3);
    QCOMPARE(model.rowForSourceIndex(5), -1);
    QCOMPARE(model.index(3, TimelineModel::SeqColumn).data().toString(), QStringLiteral("11"));
    // frames appended to the source do not show up while filtered...
    capture.appendFrame(uitest::frame(1, Direction::ServerToClient, Opcode::Text, QByteArrayLiteral("x")));
    capture.flush();
    model.flushPending();
    QCOMPARE(model.rowCount(), 4);
    // ...unless the filter runner says they match
    model.appendFilteredRows({12});
    model.flushPending();
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.sourceIndex(4), 12);
    model.clearFilter();
    QCOMPARE(model.rowCount(), uitest::kFrames + 1);
    QCOMPARE(model.sourceIndex(7), 7);
}

void TestModels::timelineReset()
{
    MemoryCapture capture;
    uitest::fill(capture);
    capture.flush();
    TimelineModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSource(&capture);
    capture.clear();
    QCOMPARE(model.rowCount(), 0);
    model.setSource(nullptr);
    QCOMPARE(model.rowCount(), 0);
}

void TestModels::connectionModel()
{
    MemoryCapture capture;
    ConnectionModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSource(&capture);
    uitest::fill(capture);
    capture.flush();
    model.flushPending();
    QCOMPARE(model.rowCount(), 2);
    auto text = [&model](int row, int col) { return model.index(row, col).data().toString(); };
    QCOMPARE(text(0, ConnectionModel::UrlColumn), QStringLiteral("ws://127.0.0.1:9001/chat"));
    QCOMPARE(text(0, ConnectionModel::FramesColumn), QStringLiteral("8"));
    QCOMPARE(text(1, ConnectionModel::FramesColumn), QStringLiteral("4"));
    QCOMPARE(text(1, ConnectionModel::BytesColumn), QStringLiteral("310 B"));
    QCOMPARE(text(0, ConnectionModel::StateColumn), QStringLiteral("open"));
    QCOMPARE(model.openConnections(), 2);

    ConnectionInfo closed = capture.connection(1).value();
    closed.closedUs = closed.openedUs + 2500000;
    closed.clientCloseCode = 1000;
    closed.serverCloseCode = 1000;
    capture.updateConnection(closed);
    ConnectionInfo failed = capture.connection(2).value();
    failed.error = QStringLiteral("upstream refused");
    capture.updateConnection(failed);
    capture.flush();
    model.flushPending();
    QCOMPARE(text(0, ConnectionModel::StateColumn), QStringLiteral("closed"));
    QCOMPARE(text(0, ConnectionModel::CloseColumn), QStringLiteral("1000 / 1000"));
    QCOMPARE(text(0, ConnectionModel::DurationColumn), QStringLiteral("2.50 s"));
    QCOMPARE(text(1, ConnectionModel::StateColumn), QStringLiteral("failed"));
    QCOMPARE(text(1, ConnectionModel::ErrorColumn), QStringLiteral("upstream refused"));
    QCOMPARE(model.openConnections(), 0);

    capture.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestModels::viewFollowsTailOnlyAtBottom()
{
    MemoryCapture capture;
    TimelineModel model;
    model.setSource(&capture);
    TimelineView view;
    view.setModel(&model);
    view.resize(600, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const quint64 conn = capture.openConnection(uitest::connection(QStringLiteral("ws://x/")));
    auto append = [&](int n) {
        for (int i = 0; i < n; ++i)
            capture.appendFrame(uitest::frame(conn, Direction::ServerToClient, Opcode::Text, QByteArrayLiteral("m")));
        capture.flush();
        model.flushPending();
        QCoreApplication::processEvents();
    };
    append(500);
    QScrollBar *bar = view.verticalScrollBar();
    QVERIFY(bar->maximum() > 0);
    QCOMPARE(bar->value(), bar->maximum()); // followed the tail from the start
    append(100);
    QCOMPARE(bar->value(), bar->maximum());

    // scrolled up: stays where the user put it
    bar->setValue(10);
    append(100);
    QCOMPARE(bar->value(), 10);

    // back at the bottom, but a frame is selected: no jump either
    bar->setValue(bar->maximum());
    view.selectRow(650);
    const int held = bar->value();
    append(100);
    QCOMPARE(bar->value(), held);
    QVERIFY(bar->value() < bar->maximum());

    // selection cleared and at the bottom again: follows
    view.clearSelection();
    view.scrollToBottom();
    append(50);
    QCOMPARE(bar->value(), bar->maximum());
    QCOMPARE(model.rowCount(), 850);
}

QTEST_MAIN(TestModels)
#include "tst_models.moc"
