#include "relay/relaysettingsdialog.h"

#include "relay/hostpattern.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSslCertificate>
#include <QVBoxLayout>

namespace wslens::ui {

namespace {

QSpinBox *mibSpin(int value, QWidget *parent)
{
    auto *spin = new QSpinBox(parent);
    spin->setRange(1, 4096);
    spin->setSuffix(QStringLiteral(" MiB"));
    spin->setValue(value);
    return spin;
}

QStringList lines(const QString &text)
{
    QStringList out;
    for (const QString &line : text.split(QLatin1Char('\n'))) {
        const QString t = line.trimmed();
        if (!t.isEmpty() && !t.startsWith(QLatin1Char('#')))
            out << t;
    }
    return out;
}

} // namespace

RelaySettingsDialog::RelaySettingsDialog(const RelayOptions &o, QWidget *parent)
    : QDialog(parent)
    , m_interceptTls(new QCheckBox(QStringLiteral("&Intercept wss:// (TLS) of proxied connections"), this))
    , m_passThrough(new QPlainTextEdit(this))
    , m_upstreamCa(new QLineEdit(this))
    , m_insecure(new QCheckBox(QStringLiteral("I&gnore upstream certificate errors (insecure)"), this))
    , m_insecureWarning(new QLabel(this))
    , m_tlsListener(new QCheckBox(QStringLiteral("Clients connect with wss:// (&TLS listener, reverse proxy)"), this))
    , m_strict(new QCheckBox(QStringLiteral("&Strict: close the side that breaks a protocol rule"), this))
    , m_maxFrame(mibSpin(o.maxFrameMiB, this))
    , m_maxMessage(mibSpin(o.maxMessageMiB, this))
    , m_maxDecompressed(mibSpin(o.maxDecompressedMiB, this))
    , m_status(new QLabel(this))
{
    setWindowTitle(QStringLiteral("Relay settings"));
    m_interceptTls->setChecked(o.interceptTls);
    m_interceptTls->setToolTip(QStringLiteral(
        "The relay answers CONNECT tunnels with a certificate from the local CA so it can record wss:// traffic. "
        "Clients must trust the CA (Tools → CA Certificate…; docs/TLS.md)."));
    m_passThrough->setPlainText(o.passThrough.join(QLatin1Char('\n')));
    m_passThrough->setPlaceholderText(QStringLiteral("One host pattern per line, e.g.\n*.google.com\naccounts.example.com"));
    m_passThrough->setToolTip(QStringLiteral("Hosts whose tunnels are forwarded untouched (not intercepted, not recorded)"));
    m_passThrough->setMaximumHeight(m_passThrough->fontMetrics().height() * 6);
    m_upstreamCa->setObjectName(QStringLiteral("upstreamCaFile"));
    m_upstreamCa->setText(o.upstreamCaFile);
    m_upstreamCa->setPlaceholderText(QStringLiteral("PEM or DER file; empty: the system's CAs only"));
    m_insecure->setChecked(o.insecureUpstream);
    m_insecureWarning->setObjectName(QStringLiteral("insecureWarning"));
    m_insecureWarning->setWordWrap(true);
    m_tlsListener->setChecked(o.tlsListener);
    m_strict->setChecked(o.strict);
    m_strict->setToolTip(QStringLiteral("Off (default): violations are recorded and forwarded as they are, to see how the peer reacts"));
    m_status->setObjectName(QStringLiteral("relaySettingsStatus"));
    m_status->setWordWrap(true);

    auto *browse = new QPushButton(QStringLiteral("&Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Upstream CA certificate"), QString(),
                                                          QStringLiteral("Certificates (*.pem *.crt *.cer *.der);;All files (*)"));
        if (!path.isEmpty())
            m_upstreamCa->setText(path);
    });
    auto *caRow = new QHBoxLayout;
    caRow->addWidget(m_upstreamCa, 1);
    caRow->addWidget(browse);

    auto *tls = new QGroupBox(QStringLiteral("TLS"), this);
    auto *tlsForm = new QFormLayout(tls);
    tlsForm->addRow(m_interceptTls);
    tlsForm->addRow(QStringLiteral("&Pass-through hosts"), m_passThrough);
    tlsForm->addRow(QStringLiteral("Extra &upstream CA"), caRow);
    tlsForm->addRow(m_insecure);
    tlsForm->addRow(m_insecureWarning);
    tlsForm->addRow(m_tlsListener);

    auto *limits = new QGroupBox(QStringLiteral("Protocol and limits"), this);
    auto *limitsForm = new QFormLayout(limits);
    limitsForm->addRow(m_strict);
    limitsForm->addRow(QStringLiteral("Largest &frame"), m_maxFrame);
    limitsForm->addRow(QStringLiteral("Largest &message"), m_maxMessage);
    limitsForm->addRow(QStringLiteral("Largest &decompressed message"), m_maxDecompressed);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &RelaySettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this, [this] {
        const RelayOptions d;
        m_interceptTls->setChecked(d.interceptTls);
        m_passThrough->clear();
        m_upstreamCa->clear();
        m_insecure->setChecked(d.insecureUpstream);
        m_tlsListener->setChecked(d.tlsListener);
        m_strict->setChecked(d.strict);
        m_maxFrame->setValue(d.maxFrameMiB);
        m_maxMessage->setValue(d.maxMessageMiB);
        m_maxDecompressed->setValue(d.maxDecompressedMiB);
    });

    auto *note = new QLabel(QStringLiteral("Changes apply the next time the relay starts."), this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tls);
    layout->addWidget(limits);
    layout->addWidget(m_status);
    layout->addWidget(note);
    layout->addWidget(buttons);

    connect(m_insecure, &QCheckBox::toggled, this, &RelaySettingsDialog::updateWarnings);
    updateWarnings();
}

void RelaySettingsDialog::updateWarnings()
{
    m_insecureWarning->setText(m_insecure->isChecked()
        ? QStringLiteral("<span style='color:#c0392b'><b>Insecure:</b> any server certificate is accepted, so "
                         "a machine in the middle could read the traffic. Each connection records that it was not "
                         "verified.</span>")
        : QString());
    m_insecureWarning->setVisible(m_insecure->isChecked());
}

RelayOptions RelaySettingsDialog::options() const
{
    RelayOptions o;
    o.interceptTls = m_interceptTls->isChecked();
    o.passThrough = lines(m_passThrough->toPlainText());
    o.upstreamCaFile = m_upstreamCa->text().trimmed();
    o.insecureUpstream = m_insecure->isChecked();
    o.tlsListener = m_tlsListener->isChecked();
    o.strict = m_strict->isChecked();
    o.maxFrameMiB = m_maxFrame->value();
    o.maxMessageMiB = m_maxMessage->value();
    o.maxDecompressedMiB = m_maxDecompressed->value();
    return o;
}

QString RelaySettingsDialog::problem() const
{
    const RelayOptions o = options();
    for (const QString &pattern : o.passThrough) {
        const QString p = relay::HostPatternList::check(pattern);
        if (!p.isEmpty())
            return QStringLiteral("Pass-through host '%1': %2").arg(pattern, p);
    }
    if (!o.upstreamCaFile.isEmpty()) {
        if (!QFileInfo(o.upstreamCaFile).isFile())
            return QStringLiteral("The upstream CA file %1 does not exist.").arg(o.upstreamCaFile);
        if (QSslCertificate::fromPath(o.upstreamCaFile, QSsl::Pem).isEmpty()
            && QSslCertificate::fromPath(o.upstreamCaFile, QSsl::Der).isEmpty())
            return QStringLiteral("%1 holds no PEM or DER certificate.").arg(o.upstreamCaFile);
    }
    if (o.maxMessageMiB < o.maxFrameMiB)
        return QStringLiteral("The largest message cannot be smaller than the largest frame.");
    return {};
}

void RelaySettingsDialog::accept()
{
    const QString p = problem();
    if (!p.isEmpty()) {
        m_status->setText(QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(p.toHtmlEscaped()));
        return;
    }
    options().save();
    QDialog::accept();
}

} // namespace wslens::ui
