#pragma once

#include "relay/relaycontrol.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace wslens::ui {

// Capture → Relay Settings…: TLS interception and pass-through hosts, upstream
// trust (extra CA, insecure), the TLS listener of reverse mode, strict mode and
// size limits. Checked before it closes; applies to the next relay start.
class RelaySettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit RelaySettingsDialog(const RelayOptions &options, QWidget *parent = nullptr);

    RelayOptions options() const;
    // Empty when the options can be used; otherwise what to fix.
    QString problem() const;

    void accept() override;

private:
    void updateWarnings();

    QCheckBox *m_interceptTls;
    QPlainTextEdit *m_passThrough;
    QLineEdit *m_upstreamCa;
    QCheckBox *m_insecure;
    QLabel *m_insecureWarning;
    QCheckBox *m_tlsListener;
    QCheckBox *m_strict;
    QSpinBox *m_maxFrame;
    QSpinBox *m_maxMessage;
    QSpinBox *m_maxDecompressed;
    QLabel *m_status;
};

} // namespace wslens::ui
