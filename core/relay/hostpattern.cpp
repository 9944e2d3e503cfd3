#include "relay/hostpattern.h"

namespace wslens::relay {

HostPatternList::HostPatternList(const QStringList &patterns)
{
    for (const QString &p : patterns) {
        const QString t = p.trimmed().toLower();
        if (!t.isEmpty())
            m_patterns.append(t);
    }
}

bool HostPatternList::matches(const QString &host) const
{
    QString h = host.toLower();
    if (h.endsWith(QLatin1Char('.')))
        h.chop(1);
    if (h.startsWith(QLatin1Char('[')) && h.endsWith(QLatin1Char(']')))
        h = h.mid(1, h.size() - 2);
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
