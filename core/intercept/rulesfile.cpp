#include "intercept/rulesfile.h"

#include "intercept/ruleset.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace wslens::intercept {

namespace {

constexpr qint64 kMaxRulesFileSize = 16 << 20;

QString fieldError(int index, const QString &field, const QString &what)
{
    return QStringLiteral("rules[%1].%2: %3").arg(index).arg(field, what);
}

bool readString(const QJsonObject &o, const char *key, int index, QString *out, QString *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return true;
    if (!v.isString()) {
        *error = fieldError(index, QLatin1String(key), QStringLiteral("expected a string"));
        return false;
    }
    *out = v.toString();
    return true;
}

} // namespace

bool parseRules(const QByteArray &json, RuleList *out, QString *error)
{
    QString dummy;
    QString &err = error ? *error : dummy;
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError) {
        err = QStringLiteral("not valid JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset);
        return false;
    }
    if (!doc.isObject()) {
        err = QStringLiteral("expected an object like {\"rules\": [...]}");
        return false;
    }
    const QJsonObject root = doc.object();
    const QJsonValue rulesValue = root.value(QLatin1String("rules"));
    if (!rulesValue.isArray()) {
        err = rulesValue.isUndefined() ? QStringLiteral("missing \"rules\" (an array of rules)")
                                       : QStringLiteral("\"rules\" must be an array");
        return false;
    }
    static const QStringList known = {
        QStringLiteral("name"),  QStringLiteral("action"), QStringLiteral("direction"), QStringLiteral("match"),
        QStringLiteral("replace"), QStringLiteral("hex"), QStringLiteral("replaceHex"), QStringLiteral("opcode"),
        QStringLiteral("url"),   QStringLiteral("host"),   QStringLiteral("enabled"), QStringLiteral("handshake")};
    RuleList rules;
    const QJsonArray array = rulesValue.toArray();
    for (int i = 0; i < array.size(); ++i) {
        if (!array.at(i).isObject()) {
            err = QStringLiteral("rules[%1]: expected an object").arg(i);
            return false;
        }
        const QJsonObject o = array.at(i).toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            if (!known.contains(it.key())) {
                err = fieldError(i, it.key(), QStringLiteral("unknown field (known: %1)").arg(known.join(QStringLiteral(", "))));
                return false;
            }
        Rule r;
        const QJsonValue action = o.value(QLatin1String("action"));
        if (!action.isString()) {
            err = fieldError(i, QStringLiteral("action"),
                             action.isUndefined() ? QStringLiteral("missing (replace, drop or breakpoint)")
                                                  : QStringLiteral("expected a string: replace, drop or breakpoint"));
            return false;
        }
        if (!actionFromName(action.toString(), &r.action)) {
            err = fieldError(i, QStringLiteral("action"),
                             QStringLiteral("expected \"replace\", \"drop\" or \"breakpoint\", got \"%1\"").arg(action.toString()));
            return false;
        }
        const QJsonValue direction = o.value(QLatin1String("direction"));
        if (!direction.isUndefined()) {
            if (!direction.isString() || !directionFromName(direction.toString(), &r.direction)) {
                err = fieldError(i, QStringLiteral("direction"),
                                 QStringLiteral("expected \"c2s\", \"s2c\" or \"both\", got %1")
                                     .arg(direction.isString() ? QLatin1Char('"') + direction.toString() + QLatin1Char('"')
                                                               : QStringLiteral("a non-string")));
                return false;
            }
        }
        if (!readString(o, "name", i, &r.name, &err) || !readString(o, "match", i, &r.match, &err)
            || !readString(o, "replace", i, &r.replace, &err) || !readString(o, "hex", i, &r.hex, &err)
            || !readString(o, "replaceHex", i, &r.replaceHex, &err) || !readString(o, "url", i, &r.url, &err)
            || !readString(o, "host", i, &r.host, &err))
            return false;
        if (r.action == RuleAction::Replace && !r.match.isEmpty() && !o.contains(QLatin1String("replace"))) {
            err = fieldError(i, QStringLiteral("replace"),
                             QStringLiteral("missing: the replacement text (\\1 for a capture group; \"\" deletes the match)"));
            return false;
        }
        if (r.action == RuleAction::Replace && !r.hex.isEmpty() && !o.contains(QLatin1String("replaceHex"))) {
            err = fieldError(i, QStringLiteral("replaceHex"), QStringLiteral("missing: the replacement bytes in hex"));
            return false;
        }
        const QJsonValue opcode = o.value(QLatin1String("opcode"));
        if (!opcode.isUndefined() && !opcode.isNull()) {
            bool ok = false;
            if (opcode.isString())
                ok = opcodeFromName(opcode.toString(), &r.opcode);
            else if (opcode.isDouble()) {
                const double d = opcode.toDouble();
                ok = d >= 0 && d <= 15 && d == double(int(d));
                r.opcode = int(d);
            }
            if (!ok) {
                err = fieldError(i, QStringLiteral("opcode"),
                                 QStringLiteral("expected text, binary, close, ping, pong or a number 0-15"));
                return false;
            }
        }
        const QJsonValue handshake = o.value(QLatin1String("handshake"));
        if (!handshake.isUndefined()) {
            if (!handshake.isString() || !handshakeFromName(handshake.toString(), &r.handshake)) {
                err = fieldError(i, QStringLiteral("handshake"),
                                 QStringLiteral("expected \"request\" or \"response\", got %1")
                                     .arg(handshake.isString() ? QLatin1Char('"') + handshake.toString() + QLatin1Char('"')
                                                               : QStringLiteral("a non-string")));
                return false;
            }
        }
        const QJsonValue enabled = o.value(QLatin1String("enabled"));
        if (!enabled.isUndefined()) {
            if (!enabled.isBool()) {
                err = fieldError(i, QStringLiteral("enabled"), QStringLiteral("expected true or false"));
                return false;
            }
            r.enabled = enabled.toBool();
        }
        rules.append(r);
    }
    // Regexes, hex patterns and combinations: the same checks the engine makes.
    if (!RuleSet::compile(rules, &err))
        return false;
    *out = rules;
    return true;
}

bool loadRulesFile(const QString &path, RuleList *out, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return false;
    }
    if (f.size() > kMaxRulesFileSize) {
        if (error)
            *error = QStringLiteral("%1: too large for a rules file").arg(path);
        return false;
    }
    QString why;
    if (!parseRules(f.readAll(), out, &why)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, why);
        return false;
    }
    return true;
}

QByteArray rulesToJson(const RuleList &rules)
{
    QJsonArray array;
    for (const Rule &r : rules) {
        QJsonObject o;
        if (!r.name.isEmpty())
            o.insert(QLatin1String("name"), r.name);
        o.insert(QLatin1String("action"), actionName(r.action));
        o.insert(QLatin1String("direction"), directionName(r.direction));
        if (!r.match.isEmpty())
            o.insert(QLatin1String("match"), r.match);
        if (r.action == RuleAction::Replace && !r.match.isEmpty())
            o.insert(QLatin1String("replace"), r.replace);
        if (!r.hex.isEmpty())
            o.insert(QLatin1String("hex"), r.hex);
        if (r.action == RuleAction::Replace && !r.hex.isEmpty())
            o.insert(QLatin1String("replaceHex"), r.replaceHex);
        if (r.opcode >= 0)
            o.insert(QLatin1String("opcode"), opcodeName(r.opcode));
        if (!r.url.isEmpty())
            o.insert(QLatin1String("url"), r.url);
        if (!r.host.isEmpty())
            o.insert(QLatin1String("host"), r.host);
        if (!r.enabled)
            o.insert(QLatin1String("enabled"), false);
        if (r.handshake != HandshakeStage::None)
            o.insert(QLatin1String("handshake"), handshakeName(r.handshake));
        array.append(o);
    }
    QJsonObject root;
    root.insert(QLatin1String("rules"), array);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace wslens::intercept
