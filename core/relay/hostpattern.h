#pragma once

#include <QString>
#include <QStringList>

namespace wslens::relay {

// Host-name globs for the TLS pass-through list: '*' matches any run of
// characters (dots included), '?' one character; case-insensitive; the whole
// host must match. "*.google.com" matches "www.google.com" (not "google.com").
// Patterns and hosts are compared without brackets, a trailing dot or a port:
// "[::1]" and "::1" are the same, "example.com:443" is "example.com".
class HostPatternList
{
public:
    HostPatternList() = default;
    explicit HostPatternList(const QStringList &patterns);

    bool isEmpty() const { return m_patterns.isEmpty(); }
    bool matches(const QString &host) const;

    // Empty when the pattern can be used, otherwise why not.
    static QString check(const QString &pattern);
    static bool globMatch(const QString &pattern, const QString &text);

private:
    QStringList m_patterns; // lower case
};

} // namespace wslens::relay
