#include "relay/hostpattern.h"

namespace wslens::relay {

namespace {

// "[::1]" -> "::1", "example.com:443" -> "example.com", "Example.COM." -> "example.com".
QString normalizedHost(const QString &text)
{
    QString h = text.trimmed().toLower();
    if (h.startsWith(QLatin1Char('['))) {
        const qsizetype close = h.indexOf(QLatin1Char(']'));
        if (close > 0)
            h = h.mid(1, close - 1); // "[v6]" or "[v6]:port"
    } else if (h.count(QLatin1Char(':')) == 1) {
        const qsizetype colon = h.indexOf(QLatin1Char(':'));
        const QString port = h.mid(colon + 1);
        bool numeric = !port.isEmpty();
        for (const QChar c : port)
            numeric = numeric && c.isDigit();
        if (numeric || port == QLatin1String("*"))
            h.truncate(colon); // host:port: the port plays no part
    }
    if (h.endsWith(QLatin1Char('.')))
        h.chop(1);
    return h;
}

} // namespace

HostPatternList::HostPatternList(const QStringList &patterns)
{
    for (const QString &p : patterns) {
        const QString t = normalizedHost(p);
        if (!t.isEmpty())
            m_patterns.append(t);
    }
}

bool HostPatternList::matches(const QString &host) const
{
    const QString h = normalizedHost(host);
    for (const QString &p : m_patterns)
        if (globMatch(p, h))
            return true;
    return false;
}

QString HostPatternList::check(const QString &pattern)
{
    const QString t = pattern.trimmed();
    if (t.isEmpty())
        return QStringLiteral("empty pattern");
    const QString host = normalizedHost(t);
    if (host.isEmpty() || (host.count(QLatin1Char('*')) == host.size() && host.size() != t.size()))
        return QStringLiteral("'%1': ports are not matched, only host names; use e.g. *.example.com or '*' for "
                              "every host").arg(pattern);
    if (t.size() > 253)
        return QStringLiteral("pattern longer than 253 characters");
    for (const QChar c : t) {
        if (c.isSpace() || c == QLatin1Char('/') || c.unicode() < 0x20)
            return QStringLiteral("'%1' is not a host pattern (use e.g. *.example.com)").arg(pattern);
    }
    return {};
}

// Iterative glob with single backtracking point: linear-ish, no recursion.
bool HostPatternList::globMatch(const QString &pattern, const QString &text)
{
    qsizetype p = 0;
    qsizetype t = 0;
    qsizetype starP = -1;
    qsizetype starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern.at(p) == QLatin1Char('?') || pattern.at(p) == text.at(t))) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern.at(p) == QLatin1Char('*')) {
            starP = p++;
            starT = t;
        } else if (starP >= 0) {
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern.at(p) == QLatin1Char('*'))
        ++p;
    return p == pattern.size();
}

} // namespace wslens::relay
