// The CA dialog: shows the CA, exports PEM or DER, regenerates only after confirmation.

#include "ca/cadialog.h"
#include "tls/certificateauthority.h"

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace wslens;
using namespace wslens::ui;

class tst_Ca : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wantsDer_data();
    void wantsDer();
    void exportBothFormats();
    void regenerate();
};

void tst_Ca::wantsDer_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("filter"); // 0 PEM filter, 1 DER filter
    QTest::addColumn<bool>("der");
    QTest::newRow("pem suffix") << QStringLiteral("/x/ca.pem") << 1 << false;
    QTest::newRow("crt suffix") << QStringLiteral("/x/ca.crt") << 1 << false;
    QTest::newRow("der suffix") << QStringLiteral("/x/ca.der") << 0 << true;
    QTest::newRow("cer suffix") << QStringLiteral("/x/CA.CER") << 0 << true;
    QTest::newRow("no suffix, PEM filter") << QStringLiteral("/x/ca") << 0 << false;
    QTest::newRow("no suffix, DER filter") << QStringLiteral("/x/ca") << 1 << true;
}

void tst_Ca::wantsDer()
{
    QFETCH(QString, path);
    QFETCH(int, filter);
    QFETCH(bool, der);
    const QString filterText = filter ? CaDialog::tr("DER certificate (*.der *.cer)") : CaDialog::tr("PEM certificate (*.pem *.crt)");
    QCOMPARE(CaDialog::wantsDer(path, filterText), der);
}

void tst_Ca::exportBothFormats()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    CaDialog dialog(dir.filePath(QStringLiteral("ca")));
    QVERIFY(dialog.authority()->isReady());
    auto *info = dialog.findChild<QLabel *>(QStringLiteral("caInfo"));
    QVERIFY(info->text().contains(QStringLiteral("SHA-256")));
    QVERIFY(CaDialog::trustHelpText().contains(QStringLiteral("docs/TLS.md")));

    const QString pem = dir.filePath(QStringLiteral("out.pem"));
    QVERIFY(dialog.exportTo(pem, false));
    QFile p(pem);
    QVERIFY(p.open(QIODevice::ReadOnly));
    const QByteArray pemBytes = p.readAll();
    QVERIFY(pemBytes.startsWith("-----BEGIN CERTIFICATE-----"));

    const QString der = dir.filePath(QStringLiteral("out.der"));
    QVERIFY(dialog.exportTo(der, true));
    QFile d(der);
    QVERIFY(d.open(QIODevice::ReadOnly));
    const QByteArray derBytes = d.readAll();
    QCOMPARE(quint8(derBytes.at(0)), quint8(0x30)); // ASN.1 SEQUENCE
    QCOMPARE(QSslCertificate(derBytes, QSsl::Der), QSslCertificate(pemBytes, QSsl::Pem));
    QCOMPARE(QSslCertificate(derBytes, QSsl::Der), dialog.authority()->caCertificate());

    if (qEnvironmentVariableIsSet("WSLENS_SCREENSHOT_DIR")) {
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.grab().save(qEnvironmentVariable("WSLENS_SCREENSHOT_DIR") + QStringLiteral("/ca-dialog.png"));
    }
    QVERIFY(!dialog.exportTo(dir.filePath(QStringLiteral("no/such/folder/ca.pem")), false));
    QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("caStatus"))->text().startsWith(QStringLiteral("Export failed")));
}

void tst_Ca::regenerate()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    CaDialog dialog(dir.filePath(QStringLiteral("ca")));
    const QSslCertificate before = dialog.authority()->caCertificate();
    QVERIFY(!before.isNull());

    // The confirmation says trust must be replaced; Cancel keeps the CA.
    QString shownText;
    auto answer = [&shownText](bool confirm) {
        QTimer::singleShot(0, qApp, [&shownText, confirm] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box)
                return;
            shownText = box->informativeText();
            for (QAbstractButton *b : box->buttons())
                if ((confirm && box->buttonRole(b) == QMessageBox::DestructiveRole)
                    || (!confirm && box->buttonRole(b) == QMessageBox::RejectRole))
                    b->click();
        });
    };
    answer(false);
    QVERIFY(!dialog.regenerateWithConfirmation());
    QVERIFY(shownText.contains(QStringLiteral("imported there again")));
    QCOMPARE(dialog.authority()->caCertificate(), before);

    answer(true);
    QVERIFY(dialog.regenerateWithConfirmation());
    const QSslCertificate after = dialog.authority()->caCertificate();
    QVERIFY(!after.isNull());
    QVERIFY(after != before);
    // What is on disk is the new one.
    tls::CertificateAuthority reloaded(dir.filePath(QStringLiteral("ca")));
    QVERIFY(reloaded.loadOrCreate());
    QCOMPARE(reloaded.caCertificate(), after);
}

QTEST_MAIN(tst_Ca)
#include "tst_ca.moc"
