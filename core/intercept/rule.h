#pragma once

#include "protocol/frame.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <vector>

namespace wslens::intercept {

// What a rule does to a message it matches.
enum class RuleAction : quint8 {
    Replace = 0,    // regex (text) or hex (bytes) replacement; later rules see the result
    Drop = 1,       // the message is not forwarded
    Breakpoint = 2, // the message is held until the user forwards, edits or drops it
};

// A breakpoint on the WebSocket handshake instead of on messages: hold the
// upgrade request before it goes to the server, or the 101 response before
// it goes to the client.
enum class HandshakeStage : quint8 { None = 0, Request = 1, Response = 2 };

// Which stream a rule watches.
enum class RuleDirection : quint8 { ClientToServer = 0, ServerToClient = 1, Both = 2 };

// One rule as the user wrote it (rules file, settings, UI editor). Plain data:
// compile a list with RuleSet::compile() to use it.
struct Rule
{
    QString name;                       // optional label
    RuleAction action = RuleAction::Breakpoint;
    RuleDirection direction = RuleDirection::Both;
    QString match;      // regex on the payload as UTF-8 text; only text messages (and control frames) match
    QString replace;    // Replace + match: replacement with \1..\99 capture references
    QString hex;        // hex pattern on the payload bytes of any message ("de ad ?? ef"; ?? = any byte)
    QString replaceHex; // Replace + hex: the bytes that replace each occurrence
    int opcode = -1;    // -1: data messages (text and binary); else 0..15 (9 = ping, 10 = pong, 8 = close)
    QString url;        // regex on the connection URL; empty: any
    QString host;       // host name pattern with * and ? wildcards (case-insensitive); empty: any
    bool enabled = true;
    HandshakeStage handshake = HandshakeStage::None; // != None: a handshake breakpoint (match: regex on the head text)

    bool appliesTo(Direction d) const
    {
        return direction == RuleDirection::Both
            || (direction == RuleDirection::ClientToServer) == (d == Direction::ClientToServer);
    }
    bool operator==(const Rule &o) const
    {
        return name == o.name && action == o.action && direction == o.direction && match == o.match
            && replace == o.replace && hex == o.hex && replaceHex == o.replaceHex && opcode == o.opcode
            && url == o.url && host == o.host && enabled == o.enabled && handshake == o.handshake;
    }
    bool operator!=(const Rule &o) const { return !(*this == o); }
};

using RuleList = QList<Rule>;

// Names used by the rules file and the UI.
QString actionName(RuleAction a);        // "replace", "drop", "breakpoint"
bool actionFromName(const QString &name, RuleAction *out); // also accepts "hold"
QString directionName(RuleDirection d);  // "c2s", "s2c", "both"
bool directionFromName(const QString &name, RuleDirection *out);
QString opcodeName(int opcode);          // "text", "binary", "close", "ping", "pong", or the number
bool opcodeFromName(const QString &name, int *out);
QString handshakeName(HandshakeStage s); // "", "request", "response"
bool handshakeFromName(const QString &name, HandshakeStage *out); // "request"/"response" ("" or "none": None)

// A hex byte pattern: each element is a byte value, or -1 for "any byte".
using HexPattern = std::vector<int>;
// Parses "de ad ?? ef" / "dead??ef" / "0xde 0xad" (whitespace, ':' and '-' separators are ignored).
// Returns false with *error on odd digit counts or bad characters. Wildcards only with allowWildcards.
bool parseHexPattern(const QString &text, HexPattern *out, QString *error, bool allowWildcards = true);
// Parses hex bytes without wildcards.
bool parseHexBytes(const QString &text, QByteArray *out, QString *error);

} // namespace wslens::intercept
