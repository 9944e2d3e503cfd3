#pragma once

#include <QHostAddress>
#include <QString>

namespace wslens::endpoints {

// "127.0.0.1:8080" or "[::1]:8080", as ConnectionInfo endpoints are written.
inline QString endpointOf(const QHostAddress &address, quint16 port)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return QStringLiteral("[%1]:%2").arg(address.toString()).arg(port);
    return QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

} // namespace wslens::endpoints
