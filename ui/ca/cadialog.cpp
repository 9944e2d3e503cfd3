#include "ca/cadialog.h"

#include "tls/certificateauthority.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace wslens::ui {

namespace {
const char *const kPemFilter = QT_TRANSLATE_NOOP("wslens::ui::CaDialog", "PEM certificate (*.pem *.crt)");
const char *const kDerFilter = QT_TRANSLATE_NOOP("wslens::ui::CaDialog", "DER certificate (*.der *.cer)");
} // namespace

CaDialog::CaDialog(const QString &directory, QWidget *parent)
    : QDialog(parent)
    , m_ca(std::make_unique<tls::CertificateAuthority>(directory))
    , m_info(new QLabel(this))
    , m_status(new QLabel(this))
    , m_export(new QPushButton(tr("&Export…"), this))
    , m_regenerate(new QPushButton(tr("&Regenerate…"), this))
{
    setObjectName(QStringLiteral("caDialog"));
    setWindowTitle(tr("CA certificate"));
    resize(640, 560);
    m_info->setObjectName(QStringLiteral("caInfo"));
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_info->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("caStatus"));
    m_status->setWordWrap(true);
    m_export->setObjectName(QStringLiteral("caExport"));
    m_regenerate->setObjectName(QStringLiteral("caRegenerate"));

    auto *help = new QTextBrowser(this);
    help->setObjectName(QStringLiteral("caHelp"));
    help->setOpenExternalLinks(false);
    help->setHtml(trustHelpText());

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_export);
    buttons->addWidget(m_regenerate);
    buttons->addStretch(1);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addWidget(close);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_info);
    layout->addWidget(m_status);
    layout->addWidget(help, 1);
    layout->addLayout(buttons);

    connect(m_export, &QPushButton::clicked, this, &CaDialog::exportWithDialog);
    connect(m_regenerate, &QPushButton::clicked, this, &CaDialog::regenerateWithConfirmation);
    connect(close, &QDialogButtonBox::rejected, this, &CaDialog::reject);

    QString error;
    if (!m_ca->loadOrCreate(&error))
        m_status->setText(tr("The CA could not be loaded or created: %1").arg(error));
    else if (!m_ca->warnings().isEmpty())
        m_status->setText(m_ca->warnings().join(QLatin1Char('\n'))); // each names the path and the chmod
    else if (m_ca->wasCreated())
        m_status->setText(tr("A new CA was created for this user in %1. Its private key is 0600 in a 0700 folder: "
                             "never share it. Export the certificate and trust it as described below.")
                              .arg(m_ca->directory()));
    refresh();
}

CaDialog::~CaDialog() = default;

void CaDialog::refresh()
{
    const QSslCertificate cert = m_ca->caCertificate();
    m_export->setEnabled(!cert.isNull());
    if (cert.isNull()) {
        m_info->setText(tr("No CA certificate."));
        return;
    }
    const QString fingerprint = QString::fromLatin1(cert.digest(QCryptographicHash::Sha256).toHex(':')).toUpper();
    m_info->setText(tr("<b>%1</b><br>SHA-256 %2<br>valid %3 to %4<br>folder %5")
                        .arg(cert.subjectDisplayName().toHtmlEscaped(), fingerprint,
                             QLocale().toString(cert.effectiveDate().date(), QLocale::ShortFormat),
                             QLocale().toString(cert.expiryDate().date(), QLocale::ShortFormat),
                             m_ca->directory().toHtmlEscaped()));
}

bool CaDialog::wantsDer(const QString &path, const QString &selectedFilter)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("der") || suffix == QLatin1String("cer"))
        return true;
    if (suffix == QLatin1String("pem") || suffix == QLatin1String("crt"))
        return false;
    return selectedFilter == tr(kDerFilter);
}

bool CaDialog::exportTo(const QString &path, bool der)
{
    QString error;
    if (!m_ca->exportCertificateToFile(path, der ? tls::CertificateAuthority::Format::Der : tls::CertificateAuthority::Format::Pem, &error)) {
        m_status->setText(tr("Export failed: %1").arg(error));
        return false;
    }
    m_status->setText(tr("Exported the CA certificate (%1) to %2. Import it as a trusted authority as described below.")
                          .arg(der ? QStringLiteral("DER") : QStringLiteral("PEM"), path));
    return true;
}

bool CaDialog::exportWithDialog()
{
    QString filter = tr(kPemFilter);
    const QString start = QStandardPaths::writableLocation(QStandardPaths::HomeLocation) + QStringLiteral("/wslens-ca.pem");
    const QString path = QFileDialog::getSaveFileName(this, tr("Export CA certificate"), start,
                                                      tr(kPemFilter) + QStringLiteral(";;") + tr(kDerFilter), &filter);
    return !path.isEmpty() && exportTo(path, wantsDer(path, filter));
}

bool CaDialog::regenerateNow()
{
    QString error;
    if (!m_ca->regenerate(&error)) {
        m_status->setText(tr("Regenerating failed: %1").arg(error));
        return false;
    }
    m_status->setText(tr("A new CA was made. Export it and import it wherever the old one was trusted; "
                         "remove the old one there. Restart the relay so it signs with the new CA."));
    refresh();
    return true;
}

bool CaDialog::regenerateWithConfirmation()
{
    QMessageBox box(QMessageBox::Warning, tr("Regenerate CA"),
                    tr("Make a new CA key and certificate and replace the current ones?"), QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("caRegenerateConfirm"));
    box.setInformativeText(tr("Every browser and certificate store that trusts the current CA stops accepting "
                              "intercepted wss:// connections: the new certificate must be imported there again, "
                              "and the old one should be removed. This cannot be undone."));
    QPushButton *yes = box.addButton(tr("Regenerate"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == yes && regenerateNow();
}

QString CaDialog::trustHelpText()
{
    return tr("<h4>How to trust it</h4>"
              "<p>Export the certificate (PEM), then import it as a trusted <i>authority</i> for web sites. "
              "The full steps, also for removing it again, are in <tt>docs/TLS.md</tt> (\"Trusting the CA\").</p>"
              "<p><b>Chromium / Chrome (Linux)</b>: Settings → Privacy and security → Security → Manage certificates → "
              "Authorities → Import, tick \"Trust this certificate for identifying websites\"; or with Chromium closed:<br>"
              "<tt>certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n wslens -i wslens-ca.pem</tt></p>"
              "<p><b>Firefox</b> (each profile): Settings → Privacy &amp; Security → Certificates → View Certificates → "
              "Authorities → Import, tick \"Trust this CA to identify websites\".</p>"
              "<p><b>Debian system store</b> (curl, Python, OpenSSL programs):<br>"
              "<tt>sudo cp wslens-ca.pem /usr/local/share/ca-certificates/wslens-ca.crt &amp;&amp; sudo update-ca-certificates</tt></p>"
              "<p><b>Removing it</b>: <tt>certutil -d sql:$HOME/.pki/nssdb -D -n wslens</tt> (Chromium), the same in each "
              "Firefox profile, and delete the .crt and run <tt>update-ca-certificates --fresh</tt> for the system store.</p>"
              "<p>Keep the private key (in the CA folder, mode 0600) to yourself: anyone holding it can impersonate "
              "any site to a browser that trusts this CA.</p>");
}

} // namespace wslens::ui
