#include "relay/sessionutil.h"

namespace wslens::relay::sessionutil {

QString endpointString(const QHostAddress &address, quint16 port)
{
    QHostAddress a = address;
    bool isV4 = false;
    const quint32 v4 = a.toIPv4Address(&isV4);
    if (isV4)
        a = QHostAddress(v4);
    if (a.protocol() == QAbstractSocket::IPv6Protocol)
        return QLatin1Char('[') + a.toString() + QStringLiteral("]:") + QString::number(port);
    return a.toString() + QLatin1Char(':') + QString::number(port);
}

QByteArray authorityString(const QByteArray &host, quint16 port, quint16 defaultPort)
{
    QByteArray h = host.contains(':') ? '[' + host + ']' : host;
    if (port != defaultPort)
        h += ':' + QByteArray::number(port);
    return h;
}

bool parseAuthority(const QByteArray &authority, QByteArray &host, quint16 &port)
{
    qsizetype colon = authority.lastIndexOf(':');
    if (colon <= 0)
        return false;
    bool ok = false;
    const uint p = authority.mid(colon + 1).toUInt(&ok);
    if (!ok || p == 0 || p > 65535)
        return false;
    host = authority.left(colon);
    if (host.startsWith('[') && host.endsWith(']'))
        host = host.mid(1, host.size() - 2);
    port = quint16(p);
    return !host.isEmpty();
}

QByteArray pathAndQuery(const QUrl &url)
{
    QByteArray p = url.path(QUrl::FullyEncoded).toLatin1();
    if (p.isEmpty())
        p = "/";
    if (url.hasQuery())
        p += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    return p;
}

bool isHttp10(const HttpHead &head)
{
    return head.versionMajor == 1 && head.versionMinor == 0;
}

HttpLimits headLimits(const RelayConfig &cfg)
{
    HttpLimits limits;
    limits.maxHeaderBytes = std::size_t(cfg.maxHeadBytes);
    limits.maxHeaderLines = cfg.maxHeadLines;
    return limits;
}

bool looksLikeHttpMethod(char c)
{
    return c >= 'A' && c <= 'Z';
}

QString hostText(const QHostAddress &address)
{
    QHostAddress a = address;
    bool isV4 = false;
    const quint32 v4 = a.toIPv4Address(&isV4);
    if (isV4)
        a = QHostAddress(v4);
    return a.toString();
}

} // namespace wslens::relay::sessionutil
