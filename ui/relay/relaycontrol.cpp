#include "relay/relaycontrol.h"

#include <QHostAddress>
#include <QSettings>

namespace wslens::ui {

RelayOptions RelayOptions::load()
{
    const QSettings settings;
    RelayOptions o;
    o.interceptTls = settings.value(QStringLiteral("relay/interceptTls"), o.interceptTls).toBool();
    o.passThrough = settings.value(QStringLiteral("relay/passThrough")).toStringList();
    o.upstreamCaFile = settings.value(QStringLiteral("relay/upstreamCaFile")).toString();
    o.insecureUpstream = settings.value(QStringLiteral("relay/insecureUpstream"), o.insecureUpstream).toBool();
    o.tlsListener = settings.value(QStringLiteral("relay/tlsListener"), o.tlsListener).toBool();
    o.strict = settings.value(QStringLiteral("relay/strict"), o.strict).toBool();
    o.maxFrameMiB = qBound(1, settings.value(QStringLiteral("relay/maxFrameMiB"), o.maxFrameMiB).toInt(), 4096);
    o.maxMessageMiB = qBound(1, settings.value(QStringLiteral("relay/maxMessageMiB"), o.maxMessageMiB).toInt(), 4096);
    o.maxDecompressedMiB =
        qBound(1, settings.value(QStringLiteral("relay/maxDecompressedMiB"), o.maxDecompressedMiB).toInt(), 4096);
    return o;
}

void RelayOptions::save() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("relay/interceptTls"), interceptTls);
    settings.setValue(QStringLiteral("relay/passThrough"), passThrough);
    settings.setValue(QStringLiteral("relay/upstreamCaFile"), upstreamCaFile);
    settings.setValue(QStringLiteral("relay/insecureUpstream"), insecureUpstream);
    settings.setValue(QStringLiteral("relay/tlsListener"), tlsListener);
    settings.setValue(QStringLiteral("relay/strict"), strict);
    settings.setValue(QStringLiteral("relay/maxFrameMiB"), maxFrameMiB);
    settings.setValue(QStringLiteral("relay/maxMessageMiB"), maxMessageMiB);
    settings.setValue(QStringLiteral("relay/maxDecompressedMiB"), maxDecompressedMiB);
}

bool RelayOptions::operator==(const RelayOptions &o) const
{
    return interceptTls == o.interceptTls && passThrough == o.passThrough && upstreamCaFile == o.upstreamCaFile
        && insecureUpstream == o.insecureUpstream && tlsListener == o.tlsListener && strict == o.strict
        && maxFrameMiB == o.maxFrameMiB && maxMessageMiB == o.maxMessageMiB
        && maxDecompressedMiB == o.maxDecompressedMiB;
}

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
    return (options.tlsListener ? QStringLiteral("wss://") : QStringLiteral("ws://")) % host % QLatin1Char('/');
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
