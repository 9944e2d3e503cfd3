#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace wslens::ui {

// Shown while there is no capture: how to point a browser at the relay
// (the exact Chromium flag and Firefox setting) and a Demo button.
class EmptyState : public QWidget
{
    Q_OBJECT
public:
    explicit EmptyState(QWidget *parent = nullptr);

    // host:port the relay listens on (or will listen on).
    void setProxyAddress(const QString &host, quint16 port, bool running);
    void setDemoAvailable(bool available, const QString &reason = QString());
    QString instructionsText() const;

signals:
    void startRelayRequested();
    void demoRequested();
    void openRequested();

private:
    void rebuild();

    QLabel *m_text;    // heading, state, proxy address (above the buttons)
    QLabel *m_details; // per-browser steps (below them)
    QPushButton *m_start;
    QPushButton *m_demo;
    QPushButton *m_open;
    QString m_host = QStringLiteral("127.0.0.1");
    quint16 m_port = 8080;
    bool m_running = false;
};

} // namespace wslens::ui
