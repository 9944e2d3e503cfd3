#include "intercept/rule.h"

namespace wslens::intercept {

QString actionName(RuleAction a)
{
    switch (a) {
    case RuleAction::Replace: return QStringLiteral("replace");
    case RuleAction::Drop: return QStringLiteral("drop");
    case RuleAction::Breakpoint: return QStringLiteral("breakpoint");
    }
    return QString();
}

bool actionFromName(const QString &name, RuleAction *out)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("replace"))
        *out = RuleAction::Replace;
    else if (n == QLatin1String("drop"))
        *out = RuleAction::Drop;
    else if (n == QLatin1String("breakpoint") || n == QLatin1String("hold"))
        *out = RuleAction::Breakpoint;
    else
        return false;
    return true;
}

QString handshakeName(HandshakeStage s)
{
    switch (s) {
    case HandshakeStage::None: return QString();
    case HandshakeStage::Request: return QStringLiteral("request");
    case HandshakeStage::Response: return QStringLiteral("response");
    }
    return QString();
}

bool handshakeFromName(const QString &name, HandshakeStage *out)
{
    const QString n = name.trimmed().toLower();
    if (n.isEmpty() || n == QLatin1String("none"))
        *out = HandshakeStage::None;
    else if (n == QLatin1String("request"))
        *out = HandshakeStage::Request;
    else if (n == QLatin1String("response"))
        *out = HandshakeStage::Response;
    else
        return false;
    return true;
}

QString directionName(RuleDirection d)
{
    switch (d) {
    case RuleDirection::ClientToServer: return QStringLiteral("c2s");
    case RuleDirection::ServerToClient: return QStringLiteral("s2c");
    case RuleDirection::Both: return QStringLiteral("both");
    }
    return QString();
}

bool directionFromName(const QString &name, RuleDirection *out)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("c2s"))
        *out = RuleDirection::ClientToServer;
    else if (n == QLatin1String("s2c"))
        *out = RuleDirection::ServerToClient;
    else if (n == QLatin1String("both"))
        *out = RuleDirection::Both;
    else
        return false;
    return true;
}

QString opcodeName(int opcode)
{
    switch (opcode) {
    case Opcode::Text: return QStringLiteral("text");
    case Opcode::Binary: return QStringLiteral("binary");
    case Opcode::Close: return QStringLiteral("close");
    case Opcode::Ping: return QStringLiteral("ping");
    case Opcode::Pong: return QStringLiteral("pong");
    default: return QString::number(opcode);
    }
}

bool opcodeFromName(const QString &name, int *out)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("text"))
        *out = Opcode::Text;
    else if (n == QLatin1String("binary"))
        *out = Opcode::Binary;
    else if (n == QLatin1String("close"))
        *out = Opcode::Close;
    else if (n == QLatin1String("ping"))
        *out = Opcode::Ping;
    else if (n == QLatin1String("pong"))
        *out = Opcode::Pong;
    else {
        bool ok = false;
        const int v = n.toInt(&ok, 0);
        if (!ok || v < 0 || v > 15)
            return false;
        *out = v;
    }
    return true;
}

namespace {
int hexDigit(QChar c)
{
    const ushort u = c.unicode();
    if (u >= '0' && u <= '9')
        return u - '0';
    if (u >= 'a' && u <= 'f')
        return u - 'a' + 10;
    if (u >= 'A' && u <= 'F')
        return u - 'A' + 10;
    return -1;
}
} // namespace

bool parseHexPattern(const QString &text, HexPattern *out, QString *error, bool allowWildcards)
{
    out->clear();
    QString s = text;
    s.replace(QLatin1String("0x"), QString(), Qt::CaseInsensitive);
    int pending = -1; // first digit of a byte, or -2 after a '?'
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        if (c.isSpace() || c == QLatin1Char(':') || c == QLatin1Char('-') || c == QLatin1Char(',')) {
            if (pending != -1) {
                if (error)
                    *error = QStringLiteral("odd number of hex digits before position %1").arg(i);
                return false;
            }
            continue;
        }
        if (c == QLatin1Char('?')) {
            if (!allowWildcards) {
                if (error)
                    *error = QStringLiteral("'?' wildcards are not allowed here");
                return false;
            }
            if (pending == -2) {
                out->push_back(-1);
                pending = -1;
            } else if (pending == -1) {
                pending = -2;
            } else {
                if (error)
                    *error = QStringLiteral("a wildcard byte is written as two question marks (position %1)").arg(i);
                return false;
            }
            continue;
        }
        const int d = hexDigit(c);
        if (d < 0 || pending == -2) {
            if (error)
                *error = QStringLiteral("'%1' at position %2 is not a hex digit").arg(c).arg(i);
            return false;
        }
        if (pending == -1) {
            pending = d;
        } else {
            out->push_back(pending * 16 + d);
            pending = -1;
        }
    }
    if (pending != -1) {
        if (error)
            *error = QStringLiteral("odd number of hex digits");
        return false;
    }
    return true;
}

bool parseHexBytes(const QString &text, QByteArray *out, QString *error)
{
    HexPattern p;
    if (!parseHexPattern(text, &p, error, false))
        return false;
    out->clear();
    out->reserve(qsizetype(p.size()));
    for (int b : p)
        out->append(char(b));
    return true;
}

} // namespace wslens::intercept
