#include "endpoints/serverscript.h"

#include "endpoints/endpointconnection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>

namespace wslens::endpoints {

namespace {

constexpr int kMaxDelayMs = 24 * 3600 * 1000;

bool fail(QString *error, const QString &path, const QString &message)
{
    *error = path + QStringLiteral(": ") + message;
    return false;
}

bool readInt(const QJsonObject &o, const char *key, int min, int max, int *out, const QString &path, QString *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return true;
    const double d = v.toDouble(-1e18);
    if (!v.isDouble() || d != double(qint64(d)) || d < min || d > max)
        return fail(error, path + QLatin1Char('.') + QLatin1String(key),
                    QStringLiteral("must be an integer from %1 to %2").arg(min).arg(max));
    *out = int(d);
    return true;
}

bool parseAction(const QJsonValue &value, const QString &path, ScriptAction *out, QString *error)
{
    if (!value.isObject())
        return fail(error, path, QStringLiteral("an action must be an object"));
    const QJsonObject o = value.toObject();
    ScriptAction a;
    if (!readInt(o, "delayMs", 0, kMaxDelayMs, &a.delayMs, path, error))
        return false;
    int kinds = 0;
    for (const QString &key : o.keys()) {
        if (key == QLatin1String("delayMs"))
            continue;
        ++kinds;
        const QJsonValue v = o.value(key);
        if (key == QLatin1String("text")) {
            if (!v.isString())
                return fail(error, path + QStringLiteral(".text"), QStringLiteral("must be a string"));
            a.kind = ScriptAction::Kind::Text;
            a.text = v.toString();
        } else if (key == QLatin1String("binaryHex")) {
            if (!v.isString() || !decodeHex(v.toString().toLatin1(), &a.data))
                return fail(error, path + QStringLiteral(".binaryHex"), QStringLiteral("must be a string of hex digits"));
            a.kind = ScriptAction::Kind::Binary;
        } else if (key == QLatin1String("binaryBase64")) {
            const auto decoded = QByteArray::fromBase64Encoding(v.toString().toLatin1());
            if (!v.isString() || !decoded)
                return fail(error, path + QStringLiteral(".binaryBase64"), QStringLiteral("must be base64"));
            a.kind = ScriptAction::Kind::Binary;
            a.data = *decoded;
        } else if (key == QLatin1String("frame")) {
            CraftedFrame check;
            QString specError;
            if (!v.isString() || !parseFrameSpec(v.toString(), false, &check, &specError))
                return fail(error, path + QStringLiteral(".frame"),
                            v.isString() ? specError : QStringLiteral("must be a frame spec string"));
            a.kind = ScriptAction::Kind::Frame;
            a.frameSpec = v.toString();
        } else if (key == QLatin1String("ping")) {
            if (!v.isString() || v.toString().toUtf8().size() > 125)
                return fail(error, path + QStringLiteral(".ping"), QStringLiteral("must be a string of at most 125 bytes"));
            a.kind = ScriptAction::Kind::Ping;
            a.data = v.toString().toUtf8();
        } else if (key == QLatin1String("close")) {
            if (!v.isObject())
                return fail(error, path + QStringLiteral(".close"), QStringLiteral("must be an object {\"code\": N, \"reason\": \"...\"}"));
            const QJsonObject c = v.toObject();
            a.kind = ScriptAction::Kind::Close;
            if (!readInt(c, "code", -1, 65535, &a.closeCode, path + QStringLiteral(".close"), error))
                return false;
            a.data = c.value(QLatin1String("reason")).toString().toUtf8();
        } else {
            return fail(error, path + QLatin1Char('.') + key,
                        QStringLiteral("unknown key (use text, binaryHex, binaryBase64, frame, ping, close, delayMs)"));
        }
    }
    if (kinds != 1)
        return fail(error, path, QStringLiteral("an action needs exactly one of text, binaryHex, binaryBase64, frame, ping, close"));
    *out = a;
    return true;
}

bool parseActions(const QJsonValue &value, const QString &path, QList<ScriptAction> *out, QString *error)
{
    if (value.isObject()) {
        ScriptAction a;
        if (!parseAction(value, path, &a, error))
            return false;
        out->append(a);
        return true;
    }
    if (!value.isArray())
        return fail(error, path, QStringLiteral("must be an action or an array of actions"));
    const QJsonArray array = value.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        ScriptAction a;
        if (!parseAction(array.at(i), path + QStringLiteral("[%1]").arg(i), &a, error))
            return false;
        out->append(a);
    }
    return true;
}

// $0-$9 -> regex groups; $$ -> $.
QString expand(const QString &text, const QRegularExpressionMatch &match)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('$') && i + 1 < text.size()) {
            const QChar n = text.at(i + 1);
            if (n == QLatin1Char('$')) {
                out += QLatin1Char('$');
                ++i;
                continue;
            }
            if (n.isDigit()) {
                out += match.hasMatch() ? match.captured(n.digitValue()) : QString();
                ++i;
                continue;
            }
        }
        out += c;
    }
    return out;
}

void perform(EndpointConnection *c, const ScriptAction &a, const QRegularExpressionMatch &match)
{
    switch (a.kind) {
    case ScriptAction::Kind::Text:
        c->sendMessage(Opcode::Text, expand(a.text, match).toUtf8());
        break;
    case ScriptAction::Kind::Binary:
        c->sendMessage(Opcode::Binary, a.data);
        break;
    case ScriptAction::Kind::Frame: {
        CraftedFrame frame;
        QString error;
        if (parseFrameSpec(a.frameSpec, false, &frame, &error))
            c->sendRaw(frame.toBytes());
        break;
    }
    case ScriptAction::Kind::Ping:
        c->sendPing(a.data);
        break;
    case ScriptAction::Kind::Close:
        c->close(a.closeCode, a.data);
        break;
    }
}

void run(EndpointConnection *c, const QList<ScriptAction> &actions, const QRegularExpressionMatch &match = {})
{
    // Delays are relative to the trigger; actions without one run at once, in order.
    for (const ScriptAction &a : actions) {
        if (a.delayMs == 0) {
            perform(c, a, match);
        } else {
            QPointer<EndpointConnection> guard(c);
            QTimer::singleShot(a.delayMs, c, [guard, a, match]() {
                if (guard)
                    perform(guard, a, match);
            });
        }
    }
}

class ScriptBehaviour final : public ServerBehaviour
{
public:
    explicit ScriptBehaviour(const ServerScript &script)
        : m_script(script)
    {
    }

    void connectionOpened(EndpointConnection *c, ServerContext &) override
    {
        run(c, m_script.onConnect);
        for (const ScriptTimer &t : m_script.every) {
            auto *timer = new QTimer(c); // dies with the connection
            auto fired = std::make_shared<int>(0);
            QObject::connect(timer, &QTimer::timeout, c, [c, timer, t, fired]() {
                if (c->state() != EndpointConnection::State::Open) {
                    timer->stop();
                    return;
                }
                run(c, t.actions);
                if (t.times > 0 && ++*fired >= t.times)
                    timer->stop();
            });
            timer->start(t.intervalMs);
        }
    }

    void messageReceived(EndpointConnection *c, quint8 opcode, const QByteArray &data, ServerContext &) override
    {
        const bool binary = opcode == Opcode::Binary;
        const QString subject = binary ? QString::fromLatin1(data) : QString::fromUtf8(data);
        for (const ScriptRule &rule : m_script.onMessage) {
            if (rule.binary != binary)
                continue;
            const QRegularExpressionMatch m = rule.match.match(subject);
            if (m.hasMatch()) {
                run(c, rule.actions, m);
                return;
            }
        }
        if (m_script.unmatched == ServerScript::Fallback::Echo)
            c->sendMessage(opcode, data);
    }

private:
    ServerScript m_script;
};

} // namespace

bool parseServerScript(const QByteArray &json, ServerScript *out, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(error, QStringLiteral("script"),
                    QStringLiteral("not JSON: %1 at offset %2").arg(parseError.errorString()).arg(parseError.offset));
    if (!doc.isObject())
        return fail(error, QStringLiteral("script"), QStringLiteral("must be a JSON object"));
    const QJsonObject root = doc.object();
    ServerScript script;
    for (const QString &key : root.keys()) {
        const QJsonValue v = root.value(key);
        if (key == QLatin1String("onConnect")) {
            if (!parseActions(v, key, &script.onConnect, error))
                return false;
        } else if (key == QLatin1String("onMessage")) {
            if (!v.isArray())
                return fail(error, key, QStringLiteral("must be an array of rules"));
            const QJsonArray rules = v.toArray();
            for (qsizetype i = 0; i < rules.size(); ++i) {
                const QString path = key + QStringLiteral("[%1]").arg(i);
                const QJsonObject r = rules.at(i).toObject();
                if (!rules.at(i).isObject())
                    return fail(error, path, QStringLiteral("a rule must be an object"));
                ScriptRule rule;
                const QJsonValue match = r.value(QLatin1String("match"));
                if (!match.isUndefined() && !match.isString())
                    return fail(error, path + QStringLiteral(".match"), QStringLiteral("must be a regular expression string"));
                rule.match = QRegularExpression(match.isUndefined() ? QStringLiteral(".*") : match.toString(),
                                                QRegularExpression::DotMatchesEverythingOption);
                if (!rule.match.isValid())
                    return fail(error, path + QStringLiteral(".match"), rule.match.errorString());
                rule.binary = r.value(QLatin1String("binary")).toBool(false);
                if (!r.contains(QLatin1String("reply")))
                    return fail(error, path, QStringLiteral("a rule needs \"reply\" (an action or an array of actions)"));
                if (!parseActions(r.value(QLatin1String("reply")), path + QStringLiteral(".reply"), &rule.actions, error))
                    return false;
                for (const QString &k : r.keys()) {
                    if (k != QLatin1String("match") && k != QLatin1String("binary") && k != QLatin1String("reply"))
                        return fail(error, path + QLatin1Char('.') + k, QStringLiteral("unknown key (use match, binary, reply)"));
                }
                script.onMessage.append(rule);
            }
        } else if (key == QLatin1String("every")) {
            if (!v.isArray())
                return fail(error, key, QStringLiteral("must be an array of timers"));
            const QJsonArray timers = v.toArray();
            for (qsizetype i = 0; i < timers.size(); ++i) {
                const QString path = key + QStringLiteral("[%1]").arg(i);
                if (!timers.at(i).isObject())
                    return fail(error, path, QStringLiteral("a timer must be an object"));
                const QJsonObject t = timers.at(i).toObject();
                ScriptTimer timer;
                if (!t.contains(QLatin1String("intervalMs")))
                    return fail(error, path, QStringLiteral("a timer needs intervalMs"));
                if (!readInt(t, "intervalMs", 1, kMaxDelayMs, &timer.intervalMs, path, error)
                    || !readInt(t, "times", 0, 1000000000, &timer.times, path, error))
                    return false;
                if (!t.contains(QLatin1String("send")))
                    return fail(error, path, QStringLiteral("a timer needs \"send\" (an action or an array of actions)"));
                if (!parseActions(t.value(QLatin1String("send")), path + QStringLiteral(".send"), &timer.actions, error))
                    return false;
                script.every.append(timer);
            }
        } else if (key == QLatin1String("unmatched")) {
            const QString s = v.toString();
            if (s == QLatin1String("echo"))
                script.unmatched = ServerScript::Fallback::Echo;
            else if (s == QLatin1String("ignore"))
                script.unmatched = ServerScript::Fallback::Ignore;
            else
                return fail(error, key, QStringLiteral("must be \"echo\" or \"ignore\""));
        } else if (key != QLatin1String("comment")) {
            return fail(error, key, QStringLiteral("unknown key (use onConnect, onMessage, every, unmatched, comment)"));
        }
    }
    *out = script;
    return true;
}

std::unique_ptr<ServerBehaviour> makeScriptBehaviour(const ServerScript &script)
{
    return std::make_unique<ScriptBehaviour>(script);
}

} // namespace wslens::endpoints
