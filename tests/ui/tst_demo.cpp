// The first-run demo runs real peers: our echo server, a relay in front of it
// and two of our clients; the traffic lands in the capture, including one
// malformed frame that the relay records as a violation.
#include "data/memorycapture.h"
#include "demo/demorunner.h"

#include <QtTest>

using namespace wslens;
using namespace wslens::ui;

class TestDemo : public QObject
{
    Q_OBJECT
private slots:
    void demoCapturesTraffic();
};

void TestDemo::demoCapturesTraffic()
{
    MemoryCapture capture;
    DemoRunner demo;
    demo.setIntervalMs(5);
    demo.setSteps(12);
    QSignalSpy finished(&demo, &DemoRunner::finished);
    QSignalSpy failed(&demo, &DemoRunner::failed);
    QVERIFY2(demo.start(&capture), qPrintable(demo.errorString()));
    QVERIFY(demo.relayAddress().startsWith(QStringLiteral("127.0.0.1:")));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
    QCOMPARE(failed.size(), 0);
    // the close handshakes and the violation reach the capture shortly after
    QTRY_VERIFY_WITH_TIMEOUT(capture.frameCount() >= 12 * 4, 5000);
    bool violation = false;
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
        capture.flush();
        for (qsizetype i = 0; i < capture.frameCount(); ++i)
            violation = violation || capture.summary(i).violation == Violation::ReservedBitsSet;
        return violation;
    }()), 5000);
    const QList<ConnectionInfo> connections = capture.connections();
    QCOMPARE(connections.size(), 2);
    QVERIFY(connections[0].url.startsWith(QStringLiteral("ws://127.0.0.1:")));
    QCOMPARE(connections[0].mode, ConnectionMode::ReverseProxy);
    demo.stop();
    QVERIFY(!demo.isRunning());
}

QTEST_GUILESS_MAIN(TestDemo)
#include "tst_demo.moc"
