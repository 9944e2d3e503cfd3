#pragma once

#include <QDialog>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace wslens::intercept {
class Interceptor;
}

namespace wslens::ui {

// Sends a message of our own into a live relayed connection, toward the
// server or toward the client: text, binary (hex), ping, or close with a code
// and reason. The message goes at the next frame boundary and is captured as
// injected. The dialog stays open for more.
class InjectDialog : public QDialog
{
    Q_OBJECT
public:
    InjectDialog(intercept::Interceptor *interceptor, std::function<QString(quint64)> namer, QWidget *parent = nullptr);

    void refreshConnections();
    // Builds and injects the message; false with the reason shown in the dialog.
    bool send();
    QString status() const;

    QComboBox *connectionCombo() const { return m_connection; }
    QComboBox *directionCombo() const { return m_direction; }
    QComboBox *typeCombo() const { return m_type; }
    QPlainTextEdit *payloadEdit() const { return m_payload; }
    QSpinBox *closeCodeSpin() const { return m_code; }

private:
    void updateFields();

    intercept::Interceptor *m_interceptor;
    std::function<QString(quint64)> m_namer;
    QComboBox *m_connection;
    QComboBox *m_direction;
    QComboBox *m_type;
    QPlainTextEdit *m_payload;
    QSpinBox *m_code;
    QLabel *m_status;
};

} // namespace wslens::ui
