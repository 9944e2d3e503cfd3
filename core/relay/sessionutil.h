#pragma once

#include "protocol/httpmessage.h"
#include "relay/relayconfig.h"

#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QUrl>

// Small helpers shared by the parts of a relay session (relaysession_*.cpp).
namespace wslens::relay::sessionutil {

constexpr qint64 kMaxChunk = qint64(1) << 20; // largest chunk read and forwarded at once

// "1.2.3.4:80" or "[::1]:80" (IPv4-mapped addresses shown as IPv4).
QString endpointString(const QHostAddress &address, quint16 port);
// host[:port] for a Host header or URL; the port is left out when it is defaultPort.
QByteArray authorityString(const QByteArray &host, quint16 port, quint16 defaultPort);
// "host:port" or "[v6]:port" (CONNECT authority-form).
bool parseAuthority(const QByteArray &authority, QByteArray &host, quint16 &port);
// Origin-form target of a URL ("/" when it has no path).
QByteArray pathAndQuery(const QUrl &url);
bool isHttp10(const HttpHead &head);
HttpLimits headLimits(const RelayConfig &cfg);
// First byte of an HTTP request (inside a CONNECT tunnel: HTTP or something else).
bool looksLikeHttpMethod(char c);
// An address as text for a certificate name (IPv4-mapped shown as IPv4).
QString hostText(const QHostAddress &address);

} // namespace wslens::relay::sessionutil
