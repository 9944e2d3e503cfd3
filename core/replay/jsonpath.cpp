#include "replay/jsonpath.h"

#include <QJsonArray>
#include <QJsonObject>

namespace wslens::replay {

namespace {

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

bool isKeyChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('-') || c == QLatin1Char('$')
        || c == QLatin1Char('@');
}

// Removes what steps[at...] select inside value; returns the count.
int removeSteps(QJsonValue &value, const QList<JsonPath::Step> &steps, qsizetype at)
{
    using Kind = JsonPath::Step::Kind;
    const JsonPath::Step &step = steps.at(at);
    const bool last = at + 1 == steps.size();
    int removed = 0;
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        if (step.kind == Kind::Index)
            return 0;
        const QStringList keys = step.kind == Kind::Key ? QStringList{step.key} : object.keys();
        for (const QString &key : keys) {
            auto it = object.find(key);
            if (it == object.end())
                continue;
            if (last) {
                object.erase(it);
                ++removed;
            } else {
                QJsonValue child = it.value();
                const int n = removeSteps(child, steps, at + 1);
                if (n > 0) {
                    object.insert(key, child);
                    removed += n;
                }
            }
        }
        if (removed > 0)
            value = object;
    } else if (value.isArray()) {
        QJsonArray array = value.toArray();
        if (step.kind == Kind::Key)
            return 0;
        qsizetype first = 0;
        qsizetype end = array.size();
        if (step.kind == Kind::Index) {
            const qsizetype i = step.index < 0 ? array.size() + step.index : step.index;
            if (i < 0 || i >= array.size())
                return 0;
            first = i;
            end = i + 1;
        }
        if (last) {
            // Removing shifts later elements; go backwards.
            for (qsizetype i = end - 1; i >= first; --i) {
                array.removeAt(i);
                ++removed;
            }
        } else {
            for (qsizetype i = first; i < end; ++i) {
                QJsonValue child = array.at(i);
                const int n = removeSteps(child, steps, at + 1);
                if (n > 0) {
                    array.replace(i, child);
                    removed += n;
                }
            }
        }
        if (removed > 0)
            value = array;
    }
    return removed;
}

void selectSteps(const QJsonValue &value, const QList<JsonPath::Step> &steps, qsizetype at, QList<QJsonValue> *out)
{
    using Kind = JsonPath::Step::Kind;
    if (at == steps.size()) {
        out->append(value);
        return;
    }
    const JsonPath::Step &step = steps.at(at);
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        if (step.kind == Kind::Key) {
            if (object.contains(step.key))
                selectSteps(object.value(step.key), steps, at + 1, out);
        } else if (step.kind == Kind::Wildcard) {
            for (auto it = object.begin(); it != object.end(); ++it)
                selectSteps(it.value(), steps, at + 1, out);
        }
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        if (step.kind == Kind::Index) {
            const qsizetype i = step.index < 0 ? array.size() + step.index : step.index;
            if (i >= 0 && i < array.size())
                selectSteps(array.at(i), steps, at + 1, out);
        } else if (step.kind == Kind::Wildcard) {
            for (const QJsonValue &child : array)
                selectSteps(child, steps, at + 1, out);
        }
    }
}

} // namespace

bool JsonPath::parse(const QString &text, JsonPath *out, QString *error)
{
    JsonPath path;
    path.m_text = text;
    const qsizetype n = text.size();
    if (n == 0 || text.at(0) != QLatin1Char('$'))
        return fail(error, QStringLiteral("JSON path '%1' must start with $").arg(text));
    qsizetype i = 1;
    while (i < n) {
        const QChar c = text.at(i);
        Step step;
        if (c == QLatin1Char('.')) {
            ++i;
            if (i < n && text.at(i) == QLatin1Char('*')) {
                step.kind = Step::Kind::Wildcard;
                ++i;
            } else {
                const qsizetype start = i;
                while (i < n && isKeyChar(text.at(i)))
                    ++i;
                if (i == start)
                    return fail(error, QStringLiteral("JSON path '%1': a name must follow '.' at position %2")
                                           .arg(text).arg(start));
                step.key = text.mid(start, i - start);
            }
        } else if (c == QLatin1Char('[')) {
            const qsizetype close = text.indexOf(QLatin1Char(']'), i + 1);
            if (close < 0)
                return fail(error, QStringLiteral("JSON path '%1': '[' at position %2 is not closed").arg(text).arg(i));
            const QString inner = text.mid(i + 1, close - i - 1).trimmed();
            if (inner == QLatin1String("*")) {
                step.kind = Step::Kind::Wildcard;
            } else if (inner.size() >= 2
                       && ((inner.startsWith(QLatin1Char('\'')) && inner.endsWith(QLatin1Char('\'')))
                           || (inner.startsWith(QLatin1Char('"')) && inner.endsWith(QLatin1Char('"'))))) {
                step.key = inner.mid(1, inner.size() - 2);
            } else {
                bool ok = false;
                step.index = inner.toLongLong(&ok);
                if (!ok)
                    return fail(error, QStringLiteral("JSON path '%1': '[%2]' is not an index, * or a quoted name")
                                           .arg(text, inner));
                step.kind = Step::Kind::Index;
            }
            i = close + 1;
        } else {
            return fail(error, QStringLiteral("JSON path '%1': unexpected '%2' at position %3")
                                   .arg(text, QString(c)).arg(i));
        }
        path.m_steps.append(step);
    }
    *out = path;
    return true;
}

int JsonPath::removeFrom(QJsonValue &value) const
{
    if (m_steps.isEmpty()) {
        value = QJsonValue(QJsonValue::Null);
        return 1;
    }
    return removeSteps(value, m_steps, 0);
}

QList<QJsonValue> JsonPath::select(const QJsonValue &value) const
{
    QList<QJsonValue> out;
    selectSteps(value, m_steps, 0, &out);
    return out;
}

} // namespace wslens::replay
