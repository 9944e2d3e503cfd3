#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace wslens {

// One parameter of a WebSocket extension: "name" or "name=value".
struct ExtensionParam
{
    QByteArray name;
    QByteArray value; // unquoted
    bool hasValue = false;

    bool operator==(const ExtensionParam &o) const
    {
        return name == o.name && value == o.value && hasValue == o.hasValue;
    }
};

// One element of Sec-WebSocket-Extensions (RFC 6455 9.1).
struct WebSocketExtension
{
    QByteArray name;
    QList<ExtensionParam> params;

    // "name; p1; p2=v"
    QByteArray toBytes() const;
};

// Parses a Sec-WebSocket-Extensions value (several header fields can be
// joined with ", " first). Grammar of RFC 6455 9.1: extension names and
// parameter names are tokens; a value is a token or a quoted string whose
// content is a token. Returns false and sets *error on the first problem.
bool parseExtensionList(const QByteArray &value, QList<WebSocketExtension> *out, QString *error = nullptr);

// "a; x=1, b"
QByteArray formatExtensionList(const QList<WebSocketExtension> &extensions);

} // namespace wslens
