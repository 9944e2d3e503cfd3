#include "detail/formatting.h"

#include "protocol/closecode.h"

#include <QDateTime>
#include <QLocale>

namespace wslens::ui::fmt {

QString opcodeName(quint8 opcode)
{
    switch (opcode) {
    case Opcode::Continuation: return QStringLiteral("cont");
    case Opcode::Text: return QStringLiteral("text");
    case Opcode::Binary: return QStringLiteral("binary");
    case Opcode::Close: return QStringLiteral("close");
    case Opcode::Ping: return QStringLiteral("ping");
    case Opcode::Pong: return QStringLiteral("pong");
    default: return QStringLiteral("0x%1").arg(opcode, 0, 16);
    }
}

QString directionArrow(Direction d)
{
    return d == Direction::ClientToServer ? QString(QChar(0x2192)) : QString(QChar(0x2190));
}

QString directionName(Direction d)
{
    return d == Direction::ClientToServer ? QStringLiteral("client → server")
                                          : QStringLiteral("server → client");
}

QString flagsText(bool fin, quint8 rsv)
{
    QString s = fin ? QStringLiteral("FIN") : QStringLiteral("—");
    if (rsv & Rsv::Rsv1)
        s += QStringLiteral(" RSV1");
    if (rsv & Rsv::Rsv2)
        s += QStringLiteral(" RSV2");
    if (rsv & Rsv::Rsv3)
        s += QStringLiteral(" RSV3");
    return s;
}

QString bytes(qint64 n)
{
    if (n < 1024)
        return QStringLiteral("%1 B").arg(n);
    const char *units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = double(n);
    int u = -1;
    while (v >= 1024.0 && u < 3) {
        v /= 1024.0;
        ++u;
    }
    return QStringLiteral("%1 %2").arg(v, 0, 'f', v < 10 ? 1 : 0).arg(QLatin1String(units[u]));
}

QString timeOfDay(qint64 epochUs)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(epochUs / 1000);
    return t.toString(QStringLiteral("HH:mm:ss.zzz")) % QStringLiteral("%1").arg(int(epochUs % 1000), 3, 10, QLatin1Char('0'));
}

QString dateTime(qint64 epochUs)
{
    if (epochUs <= 0)
        return QStringLiteral("—");
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(epochUs / 1000);
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) % QStringLiteral("%1").arg(int(epochUs % 1000), 3, 10, QLatin1Char('0'));
}

QString duration(qint64 us)
{
    if (us < 0)
        return QString();
    if (us < 1000)
        return QStringLiteral("%1 µs").arg(us);
    if (us < 1000000)
        return QStringLiteral("%1 ms").arg(double(us) / 1000.0, 0, 'f', 1);
    const double s = double(us) / 1e6;
    if (s < 60)
        return QStringLiteral("%1 s").arg(s, 0, 'f', 2);
    const qint64 secs = us / 1000000;
    if (secs < 3600)
        return QStringLiteral("%1 min %2 s").arg(secs / 60).arg(secs % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min").arg(secs / 3600).arg((secs % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString connectionModeName(ConnectionMode mode)
{
    switch (mode) {
    case ConnectionMode::ReverseProxy: return QStringLiteral("reverse");
    case ConnectionMode::ExplicitProxy: return QStringLiteral("proxy");
    case ConnectionMode::LocalServer: return QStringLiteral("server");
    case ConnectionMode::LocalClient: return QStringLiteral("client");
    case ConnectionMode::Replay: return QStringLiteral("replay");
    case ConnectionMode::Imported: return QStringLiteral("imported");
    }
    return QStringLiteral("?");
}

QString editName(EditMark edit)
{
    switch (edit) {
    case EditMark::None: return QString();
    case EditMark::Replaced: return QStringLiteral("replaced");
    case EditMark::Dropped: return QStringLiteral("dropped");
    case EditMark::Injected: return QStringLiteral("injected");
    }
    return QString();
}

QString text(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes);
}

static QString oneLine(const QByteArray &bytes)
{
    QString s = QString::fromUtf8(bytes);
    for (QChar &c : s) {
        const ushort u = c.unicode();
        if (u == '\n' || u == '\r' || u == '\t')
            c = QLatin1Char(' ');
        else if (u < 0x20 || u == 0x7f)
            c = QChar(0xB7); // middle dot
    }
    return s;
}

QString hexBytes(const QByteArray &bytes, int maxBytes)
{
    const QByteArray head = bytes.left(maxBytes);
    QString s = QString::fromLatin1(head.toHex(' '));
    if (bytes.size() > maxBytes)
        s += QStringLiteral(" …");
    return s;
}

static bool looksPrintable(const QByteArray &bytes)
{
    for (char ch : bytes) {
        const uchar c = uchar(ch);
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
            return false;
    }
    return true;
}

QString closeSummary(const QByteArray &payload)
{
    if (payload.isEmpty())
        return QStringLiteral("no status");
    if (payload.size() == 1)
        return QStringLiteral("malformed (1 byte)");
    const quint16 code = quint16((uchar(payload[0]) << 8) | uchar(payload[1]));
    QString s = QStringLiteral("%1 %2").arg(code).arg(QLatin1String(CloseCode::name(code)));
    if (payload.size() > 2)
        s += QStringLiteral(": ") % oneLine(payload.mid(2));
    return s;
}

QString preview(quint8 opcode, const QByteArray &bytes, qint64 totalLength)
{
    const bool truncated = totalLength > bytes.size();
    const QString more = truncated ? QStringLiteral(" …") : QString();
    switch (opcode) {
    case Opcode::Close:
        return closeSummary(bytes);
    case Opcode::Binary:
        return hexBytes(bytes, 24) + (truncated && bytes.size() <= 24 ? more : QString());
    case Opcode::Text:
        return oneLine(bytes) + more;
    default:
        if (bytes.isEmpty())
            return QString();
        if (looksPrintable(bytes))
            return oneLine(bytes) + more;
        return hexBytes(bytes, 24) + (truncated && bytes.size() <= 24 ? more : QString());
    }
}

QString hexDump(const QByteArray &bytes, qsizetype maxBytes)
{
    const qsizetype n = qMin(bytes.size(), maxBytes);
    static const char digits[] = "0123456789abcdef";
    QString out;
    out.reserve(int((n / 16 + 1) * 78));
    for (qsizetype off = 0; off < n; off += 16) {
        QString line = QStringLiteral("%1  ").arg(qulonglong(off), 8, 16, QLatin1Char('0'));
        QString ascii;
        for (int i = 0; i < 16; ++i) {
            if (off + i < n) {
                const uchar c = uchar(bytes[off + i]);
                line += QLatin1Char(digits[c >> 4]);
                line += QLatin1Char(digits[c & 15]);
                line += QLatin1Char(' ');
                ascii += (c >= 0x20 && c < 0x7f) ? QLatin1Char(char(c)) : QLatin1Char('.');
            } else {
                line += QStringLiteral("   ");
            }
            if (i == 7)
                line += QLatin1Char(' ');
        }
        out += line % QLatin1Char('|') % ascii % QStringLiteral("|\n");
    }
    if (bytes.size() > n)
        out += QStringLiteral("… %1 more bytes not shown\n").arg(bytes.size() - n);
    return out;
}

} // namespace wslens::ui::fmt
