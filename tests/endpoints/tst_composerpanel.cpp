// The composer panel against our echo server: connect, send with variables
// M times, a raw frame, invalid input reported.

#include "composer/composerpanel.h"
#include "endpoints/composermessage.h"
#include "endpoints/wsserver.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTest>

using namespace wslens;

class tst_ComposerPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sendsThroughOurClient();
};

void tst_ComposerPanel::sendsThroughOurClient()
{
    endpoints::WsServer server;
    QVERIFY(server.listen(endpoints::ServerOptions()));
    ui::ComposerPanel panel;
    auto *url = panel.findChild<QLineEdit *>(QStringLiteral("composerUrl"));
    auto *connectButton = panel.findChild<QPushButton *>(QStringLiteral("composerConnect"));
    auto *format = panel.findChild<QComboBox *>(QStringLiteral("composerFormat"));
    auto *body = panel.findChild<QPlainTextEdit *>(QStringLiteral("composerBody"));
    auto *times = panel.findChild<QSpinBox *>(QStringLiteral("composerTimes"));
    auto *interval = panel.findChild<QSpinBox *>(QStringLiteral("composerInterval"));
    auto *send = panel.findChild<QPushButton *>(QStringLiteral("composerSend"));
    auto *log = panel.findChild<QPlainTextEdit *>(QStringLiteral("composerLog"));
    auto *status = panel.findChild<QLabel *>(QStringLiteral("composerStatus"));
    QVERIFY(url);
    QVERIFY(connectButton);
    QVERIFY(format);
    QVERIFY(body);
    QVERIFY(times);
    QVERIFY(interval);
    QVERIFY(send);
    QVERIFY(log);
    QVERIFY(status);

    url->setText(server.url() + QStringLiteral("/composer"));
    QVERIFY(!send->isEnabled());
    connectButton->click();
    QTRY_VERIFY_WITH_TIMEOUT(send->isEnabled(), 5000);

    body->setPlainText(QStringLiteral("hello {{counter}}"));
    times->setValue(3);
    interval->setValue(20);
    send->click();
    QTRY_VERIFY_WITH_TIMEOUT(log->toPlainText().contains(QStringLiteral("\u2190 text hello 3")), 5000);
    QVERIFY(log->toPlainText().contains(QStringLiteral("\u2190 text hello 1")));

    format->setCurrentIndex(format->findData(int(endpoints::ComposerFormat::Json)));
    body->setPlainText(QStringLiteral("{\"broken\": }"));
    times->setValue(1);
    send->click();
    QVERIFY(status->text().contains(QLatin1String("invalid JSON")));

    // A crafted frame the server must refuse: it closes with 1002.
    format->setCurrentIndex(format->findData(int(endpoints::ComposerFormat::FrameSpec)));
    body->setPlainText(QStringLiteral("opcode=1,rsv=2,text=x"));
    send->click();
    QTRY_VERIFY_WITH_TIMEOUT(log->toPlainText().contains(QStringLiteral("\u2190 close 1002")), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!send->isEnabled(), 5000);
}

QTEST_MAIN(tst_ComposerPanel)
#include "tst_composerpanel.moc"
