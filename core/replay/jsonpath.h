#pragma once

// A small JSONPath subset for "ignore these fields" in replay comparisons:
// the root `$`, member access `.key` (also `['key']`), array index `[n]` and
// wildcard `[*]` / `.*`. Examples: `$.ts`, `$.items[*].id`, `$[0].meta`.

#include <QJsonValue>
#include <QList>
#include <QString>

namespace wslens::replay {

class JsonPath
{
public:
    struct Step
    {
        enum class Kind : quint8 { Key, Index, Wildcard };
        Kind kind = Kind::Key;
        QString key;
        qsizetype index = 0;
    };

    // Parses text; returns false with *error (one line) when it is not in the subset.
    static bool parse(const QString &text, JsonPath *out, QString *error = nullptr);

    QString text() const { return m_text; }
    const QList<Step> &steps() const { return m_steps; }

    // Removes every value the path selects from value (in place); returns how
    // many were removed. The root path `$` replaces the whole value by null.
    int removeFrom(QJsonValue &value) const;
    // Values the path selects, in document order.
    QList<QJsonValue> select(const QJsonValue &value) const;

private:
    QString m_text;
    QList<Step> m_steps;
};

} // namespace wslens::replay
