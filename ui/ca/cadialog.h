#pragma once

// Tools → CA Certificate…: what the local CA is (subject, fingerprint,
// validity, folder), Export… (PEM or DER, chosen by the file filter),
// Regenerate… (after a confirmation saying that existing trust must be
// replaced) and a short "how to trust it" summary of docs/TLS.md.

#include <QDialog>

#include <memory>

class QLabel;
class QPushButton;

namespace wslens::tls {
class CertificateAuthority;
}

namespace wslens::ui {

class CaDialog : public QDialog
{
    Q_OBJECT
public:
    // directory: the CA folder (empty: the default one). The CA is loaded (or
    // created) when the dialog opens.
    explicit CaDialog(const QString &directory = QString(), QWidget *parent = nullptr);
    ~CaDialog() override;

    tls::CertificateAuthority *authority() const { return m_ca.get(); }

    // Writes the certificate to path; DER when the name ends in .der/.cer or
    // derFilter is true, PEM otherwise. Shows errors; returns success.
    bool exportTo(const QString &path, bool derFilter);
    // Without confirmation (the buttons ask first).
    bool regenerateNow();

    // The dialogs behind the buttons.
    // True when exported / regenerated (false also when cancelled).
    bool exportWithDialog();
    bool regenerateWithConfirmation();

    // Format from a file name and the file filter chosen in the save dialog.
    static bool wantsDer(const QString &path, const QString &selectedFilter);
    static QString trustHelpText();

private:
    void refresh();

    std::unique_ptr<tls::CertificateAuthority> m_ca;
    QLabel *m_info;
    QLabel *m_status;
    QPushButton *m_export;
    QPushButton *m_regenerate;
};

} // namespace wslens::ui
