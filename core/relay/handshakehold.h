#pragma once

#include "protocol/httpmessage.h"

#include <QByteArray>
#include <QString>

namespace wslens::relay {

// A handshake head as the user edited it at a breakpoint (docs/INTERCEPT.md):
// lines may end in LF or CRLF and the blank line may be missing. Returns the
// head with CRLF line ends and exactly one final blank line.
QByteArray normalizeEditedHead(const QByteArray &text);

// Parses an edited head (after normalizeEditedHead). Empty string: head is
// filled and wire holds the bytes to send. Else what is wrong, one line:
// not a request/response head, text after the blank line, or a response that
// is no longer 101 Switching Protocols.
QString parseEditedHead(const QByteArray &text, bool request, const HttpLimits &limits, HttpHead *head,
                        QByteArray *wire = nullptr);

} // namespace wslens::relay
