#include "relay/relaycontrol.h"

#include <QHostAddress>

namespace wslens::ui {

QString RelaySettings::listenAddress() const
{
    const bool v6 = listenHost.contains(QLatin1Char(':'));
    const QString host = v6 ? QString(QLatin1Char('[') % listenHost % QLatin1Char(']')) : listenHost;
    return host % QLatin1Char(':') % QString::number(listenPort);
}

bool RelaySettings::setListenAddress(const QString &input)
{
    const QString text = input.trimmed();
    const int colon = int(text.lastIndexOf(QLatin1Char(':')));
    if (colon < 0)
        return false;
    QString host = text.left(colon);
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535)
        return false;
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (host.isEmpty())
        host = QStringLiteral("127.0.0.1");
    if (host != QLatin1String("localhost") && QHostAddress(host).isNull())
        return false;
    listenHost = host;
    listenPort = quint16(port);
    return true;
}

QString RelaySettings::clientAddress(quint16 actualPort) const
{
    RelaySettings s = *this;
    if (actualPort)
        s.listenPort = actualPort;
    QString host = s.listenAddress();
    if (listenHost == QLatin1String("0.0.0.0"))
        host = QStringLiteral("127.0.0.1:%1").arg(s.listenPort);
    if (mode == Mode::ExplicitProxy)
        return QStringLiteral("http://") % host;
    return QStringLiteral("ws://") % host % QLatin1Char('/');
}

QString RelaySettings::validate() const
{
    if (mode == Mode::ReverseProxy) {
        if (!upstream.startsWith(QLatin1String("ws://")) && !upstream.startsWith(QLatin1String("wss://")))
            return QObject::tr("The upstream must be a ws:// or wss:// URL.");
    }
    return QString();
}

void RelayControl::setState(State state, quint16 port, const QString &error)
{
    m_state = state;
    m_port = port;
    m_error = error;
    emit stateChanged(state);
}

} // namespace wslens::ui
