#pragma once

#include "store/capturerecords.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTabWidget;
class QTreeWidget;

namespace wslens::ui {

// The detail pane for one frame: Text, JSON (pretty and tree), Hex, Frame
// (every header field) and Handshake (request and response headers).
class FrameDetailView : public QWidget
{
    Q_OBJECT
public:
    enum Tab { TextTab, JsonTab, HexTab, FrameTab, HandshakeTab };

    explicit FrameDetailView(QWidget *parent = nullptr);

    void showFrame(const FrameRecord &frame, const ConnectionInfo &connection);
    void showConnection(const ConnectionInfo &connection); // handshake only
    void clear();

    QTabWidget *tabs() const { return m_tabs; }
    QPlainTextEdit *textView() const { return m_text; }
    QPlainTextEdit *jsonView() const { return m_json; }
    QTreeWidget *jsonTree() const { return m_jsonTree; }
    QPlainTextEdit *hexView() const { return m_hex; }
    QTreeWidget *frameFields() const { return m_fields; }
    QPlainTextEdit *handshakeView() const { return m_handshake; }

    // Limits that keep a huge payload from freezing the pane.
    static constexpr qsizetype kMaxTextBytes = 1 << 20;
    static constexpr qsizetype kMaxHexBytes = 256 << 10;

    static QString handshakeText(const ConnectionInfo &connection);

private:
    void fillFrameFields(const FrameRecord &frame, const ConnectionInfo &connection);
    void fillJson(const QByteArray &bytes);

    QTabWidget *m_tabs;
    QPlainTextEdit *m_text;
    QPlainTextEdit *m_json;
    QTreeWidget *m_jsonTree;
    QLabel *m_jsonStatus;
    QPlainTextEdit *m_hex;
    QTreeWidget *m_fields;
    QPlainTextEdit *m_handshake;
};

} // namespace wslens::ui
