#pragma once

#include <QLabel>
#include <QStringList>

namespace wslens::ui {

// Status-bar label for the relay traffic that has no connection record
// (Relay::traffic lines: plain HTTP requests, tunnels forwarded untouched):
// "HTTP 12 · tunnels 3", the latest lines in its tooltip. Hidden until the
// first line, so a user sees at a glance whether a browser really goes
// through the proxy.
class RelayTrafficLabel : public QLabel
{
    Q_OBJECT
public:
    static constexpr int kRecentLines = 15;

    explicit RelayTrafficLabel(QWidget *parent = nullptr);

    void addLine(const QString &line);
    void reset();
    int httpRequests() const { return m_http; }
    int tunnels() const { return m_tunnels; }

private:
    void refresh();

    int m_http = 0;
    int m_tunnels = 0;
    QStringList m_recent; // newest last
};

} // namespace wslens::ui
