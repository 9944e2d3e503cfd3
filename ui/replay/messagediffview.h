#pragma once

// Side by side: the expected (recorded) and the received message, pretty JSON
// when both are JSON, lines aligned, differing lines highlighted, differing
// JSON paths listed above. Both sides scroll together.

#include "replay/messagecompare.h"
#include "replay/messagediff.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace wslens::ui {

class MessageDiffView : public QWidget
{
    Q_OBJECT
public:
    explicit MessageDiffView(QWidget *parent = nullptr);

    void showMessage(const replay::MessageResult &message);
    void clear();

    const MessageDiff &diff() const { return m_diff; }
    QPlainTextEdit *expectedEdit() const { return m_left; }
    QPlainTextEdit *receivedEdit() const { return m_right; }
    QLabel *summaryLabel() const { return m_summary; }

private:
    void fill(QPlainTextEdit *edit, bool left);

    QLabel *m_summary;
    QLabel *m_leftTitle;
    QLabel *m_rightTitle;
    QPlainTextEdit *m_left;
    QPlainTextEdit *m_right;
    MessageDiff m_diff;
};

} // namespace wslens::ui
