#pragma once

// Options… of the Server dock: subprotocols, permessage-deflate, allowed
// Origins. OK checks every entry and keeps the dialog open with the reason
// when one is wrong.

#include "server/handshakesettings.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace wslens::ui {

class ServerOptionsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ServerOptionsDialog(const HandshakeSettings &settings, QWidget *parent = nullptr);

    // What the fields say now (lists split at commas and spaces, not checked).
    HandshakeSettings settings() const;
    QLabel *errorLabel() const { return m_error; }

    void accept() override;

private:
    void restoreDefaults();

    QLineEdit *m_subprotocols;
    QCheckBox *m_deflate;
    QLineEdit *m_origins;
    QLabel *m_error;
};

} // namespace wslens::ui
