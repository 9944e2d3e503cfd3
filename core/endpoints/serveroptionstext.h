#pragma once

// The server's handshake options as a user types them (Server dock, settings):
// lists separated by commas or white space, checked entry by entry, with
// errors that name the entry and say what is expected.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace wslens::endpoints {

// Splits "a, b c" into {"a", "b", "c"} (empty entries dropped).
QStringList splitOptionList(const QString &text);

// Subprotocol names, in preference order (RFC 6455 4.1: each an HTTP token).
// Duplicates are dropped. False with *error naming the first bad entry.
bool parseSubprotocols(const QStringList &entries, QList<QByteArray> *out, QString *error);

// Origins as browsers send them: scheme://host[:port] (a trailing "/" and a
// default port are dropped; host in ASCII/punycode), or "null". False with *error naming the
// first bad entry.
bool parseOrigins(const QStringList &entries, QList<QByteArray> *out, QString *error);

} // namespace wslens::endpoints
