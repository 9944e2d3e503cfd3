// Filter logic (data-driven over a fixed capture) and the off-thread runner.
#include "data/memorycapture.h"
#include "filter/filterrunner.h"
#include "filter/framefilter.h"
#include "uitestdata.h"

#include <QtTest>

using namespace wslens;
using namespace wslens::ui;

Q_DECLARE_METATYPE(wslens::ui::FilterCriteria)

class TestFrameFilter : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void matches_data();
    void matches();
    void invalidRegex();
    void runnerFullAndIncremental();
    void runnerDebouncesAndCancels();
    void runnerClears();

private:
    QList<int> matching(const FilterCriteria &c) const;
    MemoryCapture m_capture;
};

void TestFrameFilter::initTestCase()
{
    uitest::fill(m_capture);
    m_capture.flush();
    QCOMPARE(m_capture.frameCount(), uitest::kFrames);
}

QList<int> TestFrameFilter::matching(const FilterCriteria &c) const
{
    const FrameMatcher matcher(c);
    QList<int> out;
    for (int i = 0; i < m_capture.frameCount(); ++i)
        if (matcher.matches(m_capture, i))
            out << i;
    return out;
}

void TestFrameFilter::matches_data()
{
    QTest::addColumn<FilterCriteria>("criteria");
    QTest::addColumn<QList<int>>("rows");
    FilterCriteria c;
    QTest::newRow("everything") << c << QList<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    c = {};
    c.connections = {2};
    QTest::newRow("connection 2") << c << QList<int>{7, 8, 9, 10};
    c.connections = {1, 2};
    QTest::newRow("connections 1+2") << c << QList<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    c = {};
    c.direction = FilterCriteria::Directions::ServerToClient;
    QTest::newRow("server to client") << c << QList<int>{1, 4, 6, 10};
    c = {};
    c.showControl = false;
    QTest::newRow("no control") << c << QList<int>{0, 1, 2, 5, 6, 7, 8, 9, 10};
    c = {};
    c.hidePingPong = true;
    QTest::newRow("hide ping/pong") << c << QList<int>{0, 1, 2, 5, 6, 7, 8, 9, 10, 11};
    c = {};
    c.showText = false;
    QTest::newRow("no text (continuations stay with binary)") << c << QList<int>{2, 3, 4, 8, 9, 10, 11};
    c = {};
    c.showText = false;
    c.showBinary = false;
    QTest::newRow("control only") << c << QList<int>{3, 4, 11};
    c = {};
    c.violationsOnly = true;
    QTest::newRow("violations") << c << QList<int>{5};
    c = {};
    c.editedOnly = true;
    QTest::newRow("edited") << c << QList<int>{6};
    c = {};
    c.search = QStringLiteral("chat");
    QTest::newRow("substring ignores case") << c << QList<int>{1};
    c.caseSensitive = true;
    QTest::newRow("substring with case") << c << QList<int>{};
    c.search = QStringLiteral("Chat");
    QTest::newRow("substring with case hit") << c << QList<int>{1};
    c = {};
    c.search = QStringLiteral("fragmented");
    QTest::newRow("decoded message searched") << c << QList<int>{9};
    c = {};
    c.search = QStringLiteral("ping?");
    QTest::newRow("control payload searched") << c << QList<int>{3, 4};
    c = {};
    c.search = QStringLiteral("^(welcome|bad)");
    c.regex = true;
    QTest::newRow("regex ignores case") << c << QList<int>{1, 5};
    c.caseSensitive = true;
    QTest::newRow("regex with case") << c << QList<int>{5};
    c = {};
    c.search = QStringLiteral("\"n\":\\[1,2\\]");
    c.regex = true;
    c.direction = FilterCriteria::Directions::ClientToServer;
    QTest::newRow("regex and direction") << c << QList<int>{0};
    c = {};
    c.search = QStringLiteral("wélcome");
    QTest::newRow("non-ascii needle") << c << QList<int>{};
}

void TestFrameFilter::matches()
{
    QFETCH(FilterCriteria, criteria);
    QFETCH(QList<int>, rows);
    QCOMPARE(matching(criteria), rows);
}

void TestFrameFilter::invalidRegex()
{
    FilterCriteria c;
    c.search = QStringLiteral("([unclosed");
    c.regex = true;
    const FrameMatcher m(c);
    QVERIFY(!m.isValid());
    QVERIFY(!m.errorString().isEmpty());

    FilterRunner runner(&m_capture);
    QSignalSpy invalid(&runner, &FilterRunner::invalidFilter);
    QSignalSpy applied(&runner, &FilterRunner::filterApplied);
    runner.applyNow(c);
    QCOMPARE(invalid.size(), 1);
    QTest::qWait(50);
    QCOMPARE(applied.size(), 0);
}

void TestFrameFilter::runnerFullAndIncremental()
{
    MemoryCapture capture;
    uitest::fill(capture);
    capture.flush();
    FilterRunner runner(&capture);
    std::vector<quint32> rows;
    qsizetype covered = -1;
    connect(&runner, &FilterRunner::filterApplied, this, [&](std::shared_ptr<FilterRunner::Rows> r, qsizetype c, qint64) {
        rows = *r;
        covered = c;
    });
    connect(&runner, &FilterRunner::rowsMatched, this, [&](std::shared_ptr<FilterRunner::Rows> r) {
        rows.insert(rows.end(), r->begin(), r->end());
    });
    connect(&capture, &CaptureSource::framesAppended, &runner, &FilterRunner::onFramesAppended);
    FilterCriteria c;
    c.violationsOnly = true;
    runner.applyNow(c);
    QVERIFY(runner.isActive());
    QTRY_COMPARE_WITH_TIMEOUT(covered, qsizetype(uitest::kFrames), 5000);
    QCOMPARE(rows, (std::vector<quint32>{5}));

    FrameRecord v = uitest::frame(1, Direction::ServerToClient, Opcode::Text, QByteArrayLiteral("late"));
    v.violation = Violation::InvalidUtf8;
    capture.appendFrame(uitest::frame(1, Direction::ServerToClient, Opcode::Text, QByteArrayLiteral("fine")));
    capture.appendFrame(std::move(v));
    QTRY_COMPARE_WITH_TIMEOUT(rows.size(), size_t(2), 5000);
    QCOMPARE(rows, (std::vector<quint32>{5, 13}));
}

void TestFrameFilter::runnerDebouncesAndCancels()
{
    FilterRunner runner(&m_capture);
    runner.setDebounceMs(100);
    QSignalSpy applied(&runner, &FilterRunner::filterApplied);
    FilterCriteria c;
    for (const char *typed : {"c", "ch", "cha", "chat"}) {
        c.search = QLatin1String(typed);
        runner.setCriteria(c);
        QTest::qWait(10);
    }
    QVERIFY(!runner.isActive()); // still waiting for typing to pause
    QTRY_COMPARE_WITH_TIMEOUT(applied.size(), 1, 5000);
    QCOMPARE(runner.criteria().search, QStringLiteral("chat"));
    const auto rows = applied.first().first().value<std::shared_ptr<FilterRunner::Rows>>();
    QVERIFY(rows);
    QCOMPARE(*rows, (std::vector<quint32>{1}));

    // Two quick applyNow: only the last result arrives.
    applied.clear();
    c.search = QStringLiteral("a");
    runner.applyNow(c);
    c.search = QStringLiteral("bye");
    runner.applyNow(c);
    QTRY_COMPARE_WITH_TIMEOUT(applied.size(), 1, 5000);
    QTest::qWait(50);
    QCOMPARE(applied.size(), 1);
    QCOMPARE(*applied.first().first().value<std::shared_ptr<FilterRunner::Rows>>(), (std::vector<quint32>{11}));
}

void TestFrameFilter::runnerClears()
{
    FilterRunner runner(&m_capture);
    QSignalSpy cleared(&runner, &FilterRunner::filterCleared);
    FilterCriteria c;
    c.editedOnly = true;
    runner.applyNow(c);
    runner.applyNow(FilterCriteria());
    QCOMPARE(cleared.size(), 1);
    QVERIFY(!runner.isActive());
}

QTEST_GUILESS_MAIN(TestFrameFilter)
#include "tst_framefilter.moc"
