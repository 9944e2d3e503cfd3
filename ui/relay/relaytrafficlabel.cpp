#include "relay/relaytrafficlabel.h"

namespace wslens::ui {

RelayTrafficLabel::RelayTrafficLabel(QWidget *parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("statusRelayTraffic"));
    setContentsMargins(6, 0, 6, 0);
    hide();
}

void RelayTrafficLabel::addLine(const QString &line)
{
    if (line.startsWith(QLatin1String("http ")))
        ++m_http;
    else if (line.startsWith(QLatin1String("tunnel ")) && !line.contains(QLatin1String(" closed: ")))
        ++m_tunnels;
    m_recent.append(line);
    while (m_recent.size() > kRecentLines)
        m_recent.removeFirst();
    refresh();
}

void RelayTrafficLabel::reset()
{
    m_http = 0;
    m_tunnels = 0;
    m_recent.clear();
    refresh();
}

void RelayTrafficLabel::refresh()
{
    setVisible(m_http > 0 || m_tunnels > 0);
    setText(tr("HTTP %1 · tunnels %2").arg(m_http).arg(m_tunnels));
    setToolTip(tr("Traffic through the relay that is not a WebSocket (not in the connection list):\n")
               + m_recent.join(QLatin1Char('\n')));
}

} // namespace wslens::ui
