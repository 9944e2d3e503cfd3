#include "replay/messagediff.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSet>

#include <vector>

namespace wslens::ui {

namespace {

constexpr quint8 kText = 0x1;
constexpr int kHexPerLine = 16;

bool parseJson(const QByteArray &data, QJsonDocument *out)
{
    QJsonParseError error;
    *out = QJsonDocument::fromJson(data, &error);
    return error.error == QJsonParseError::NoError && !out->isNull();
}

QStringList hexDump(const QByteArray &data)
{
    QStringList lines;
    for (qsizetype off = 0; off < data.size(); off += kHexPerLine) {
        const QByteArray chunk = data.mid(off, kHexPerLine);
        QString ascii;
        for (char c : chunk)
            ascii += (c >= 0x20 && c < 0x7f) ? QChar::fromLatin1(c) : QLatin1Char('.');
        lines.append(QStringLiteral("%1  %2  %3")
                         .arg(off, 6, 16, QLatin1Char('0'))
                         .arg(QString::fromLatin1(chunk.toHex(' ')), -(kHexPerLine * 3 - 1))
                         .arg(ascii));
    }
    return lines;
}

QString keyStep(const QString &key)
{
    bool plain = !key.isEmpty() && !key.at(0).isDigit();
    for (QChar c : key)
        plain = plain && (c.isLetterOrNumber() || c == QLatin1Char('_'));
    if (plain)
        return QLatin1Char('.') + key;
    QString escaped = key;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1String("['") + escaped + QLatin1String("']");
}

void comparePaths(const QJsonValue &a, const QJsonValue &b, const QString &path, int max, QStringList *out)
{
    if (out->size() >= max)
        return;
    if (a.isObject() && b.isObject()) {
        const QJsonObject oa = a.toObject();
        const QJsonObject ob = b.toObject();
        QStringList keys = oa.keys();
        for (const QString &k : ob.keys())
            if (!oa.contains(k))
                keys.append(k);
        for (const QString &k : std::as_const(keys))
            comparePaths(oa.value(k), ob.value(k), path + keyStep(k), max, out);
        return;
    }
    if (a.isArray() && b.isArray()) {
        const QJsonArray aa = a.toArray();
        const QJsonArray ab = b.toArray();
        const qsizetype n = qMax(aa.size(), ab.size());
        for (qsizetype i = 0; i < n; ++i) {
            comparePaths(i < aa.size() ? aa.at(i) : QJsonValue(QJsonValue::Undefined),
                         i < ab.size() ? ab.at(i) : QJsonValue(QJsonValue::Undefined),
                         path + QLatin1Char('[') + QString::number(i) + QLatin1Char(']'), max, out);
        }
        return;
    }
    if (a != b)
        out->append(path);
}

// Aligns two line lists (LCS) into rows.
QList<DiffRow> align(const QStringList &left, const QStringList &right)
{
    QList<DiffRow> rows;
    const qsizetype n = left.size();
    const qsizetype m = right.size();
    if (n > MessageDiff::kMaxAlignedLines || m > MessageDiff::kMaxAlignedLines) {
        for (qsizetype i = 0; i < qMax(n, m); ++i) {
            DiffRow r;
            r.hasLeft = i < n;
            r.hasRight = i < m;
            r.left = r.hasLeft ? left.at(i) : QString();
            r.right = r.hasRight ? right.at(i) : QString();
            r.changed = !(r.hasLeft && r.hasRight && r.left == r.right);
            rows.append(r);
        }
        return rows;
    }
    // lcs[i][j]: LCS length of left[i..] and right[j..]
    std::vector<std::vector<int>> lcs(size_t(n + 1), std::vector<int>(size_t(m + 1), 0));
    for (qsizetype i = n - 1; i >= 0; --i)
        for (qsizetype j = m - 1; j >= 0; --j)
            lcs[size_t(i)][size_t(j)] = left.at(i) == right.at(j) ? lcs[size_t(i + 1)][size_t(j + 1)] + 1
                                                                   : qMax(lcs[size_t(i + 1)][size_t(j)], lcs[size_t(i)][size_t(j + 1)]);
    QStringList dels, ins;
    auto flush = [&rows, &dels, &ins] {
        for (qsizetype k = 0; k < qMax(dels.size(), ins.size()); ++k) {
            DiffRow r;
            r.hasLeft = k < dels.size();
            r.hasRight = k < ins.size();
            r.left = r.hasLeft ? dels.at(k) : QString();
            r.right = r.hasRight ? ins.at(k) : QString();
            r.changed = true;
            rows.append(r);
        }
        dels.clear();
        ins.clear();
    };
    qsizetype i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && left.at(i) == right.at(j)) {
            flush();
            rows.append(DiffRow{left.at(i), right.at(j), true, true, false});
            ++i;
            ++j;
        } else if (j >= m || (i < n && lcs[size_t(i + 1)][size_t(j)] >= lcs[size_t(i)][size_t(j + 1)])) {
            dels.append(left.at(i++));
        } else {
            ins.append(right.at(j++));
        }
    }
    flush();
    return rows;
}

} // namespace

int MessageDiff::changedRows() const
{
    int n = 0;
    for (const DiffRow &r : rows)
        n += r.changed ? 1 : 0;
    return n;
}

QStringList messageLines(quint8 opcode, const QByteArray &data, bool *isJson)
{
    if (isJson)
        *isJson = false;
    if (opcode == 0 && data.isEmpty())
        return {};
    if (opcode == kText) {
        QJsonDocument doc;
        if (parseJson(data, &doc)) {
            if (isJson)
                *isJson = true;
            QString pretty = QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
            if (pretty.endsWith(QLatin1Char('\n')))
                pretty.chop(1);
            return pretty.split(QLatin1Char('\n'));
        }
        return QString::fromUtf8(data).split(QLatin1Char('\n'));
    }
    return hexDump(data);
}

QStringList differingJsonPaths(const QByteArray &expected, const QByteArray &received, int max)
{
    QJsonDocument a, b;
    if (!parseJson(expected, &a) || !parseJson(received, &b))
        return {};
    const QJsonValue va = a.isArray() ? QJsonValue(a.array()) : QJsonValue(a.object());
    const QJsonValue vb = b.isArray() ? QJsonValue(b.array()) : QJsonValue(b.object());
    QStringList out;
    comparePaths(va, vb, QStringLiteral("$"), max, &out);
    return out;
}

MessageDiff diffMessages(quint8 expectedOpcode, const QByteArray &expected, quint8 receivedOpcode,
                         const QByteArray &received)
{
    MessageDiff diff;
    bool leftJson = false, rightJson = false;
    const QStringList left = messageLines(expectedOpcode, expected, &leftJson);
    const QStringList right = messageLines(receivedOpcode, received, &rightJson);
    diff.json = leftJson && rightJson;
    diff.rows = align(left, right);
    if (diff.json)
        diff.paths = differingJsonPaths(expected, received);
    return diff;
}

} // namespace wslens::ui
