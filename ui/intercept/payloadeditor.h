#pragma once

#include <QByteArray>
#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;

namespace wslens::ui {

// Edits one message payload as text, JSON (pretty-printed, checked as you
// type) or hex. Switching views converts what is there; undo/redo is the text
// editor's own (Ctrl+Z / Ctrl+Shift+Z).
class PayloadEditor : public QWidget
{
    Q_OBJECT
public:
    enum class View { Text, Json, Hex };

    explicit PayloadEditor(QWidget *parent = nullptr);

    // Shows payload; binary messages open in the hex view, text that is JSON in the JSON view.
    void setPayload(const QByteArray &payload, bool binary);
    void clear();
    // The edited bytes; false with *error when the hex or JSON does not parse.
    bool payload(QByteArray *out, QString *error) const;
    bool isModified() const;
    View view() const { return m_view; }
    void setView(View view);
    QPlainTextEdit *editor() const { return m_edit; }
    QString problem() const;

Q_SIGNALS:
    void edited();

private:
    void check();

    QComboBox *m_viewCombo;
    QPlainTextEdit *m_edit;
    QLabel *m_status;
    View m_view = View::Text;
    QByteArray m_original;
};

} // namespace wslens::ui
