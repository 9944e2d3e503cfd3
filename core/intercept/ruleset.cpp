#include "intercept/ruleset.h"

namespace wslens::intercept {

namespace {

QString fieldError(int index, const char *field, const QString &what)
{
    return QStringLiteral("rules[%1].%2: %3").arg(index).arg(QLatin1String(field), what);
}

bool compileRegex(const QString &pattern, QRegularExpression::PatternOptions options, QRegularExpression *out,
                  int index, const char *field, QString *error)
{
    QRegularExpression re(pattern, options);
    if (!re.isValid()) {
        if (error)
            *error = fieldError(index, field,
                                QStringLiteral("invalid regular expression: %1 at offset %2")
                                    .arg(re.errorString())
                                    .arg(re.patternErrorOffset()));
        return false;
    }
    re.optimize();
    *out = std::move(re);
    return true;
}

bool isDataOpcode(quint8 op)
{
    return op == Opcode::Text || op == Opcode::Binary;
}

} // namespace

qsizetype findHexPattern(const QByteArray &data, const HexPattern &pattern, qsizetype from)
{
    const qsizetype n = data.size();
    const qsizetype m = qsizetype(pattern.size());
    if (m == 0)
        return -1;
    const auto *d = reinterpret_cast<const uchar *>(data.constData());
    for (qsizetype i = from; i + m <= n; ++i) {
        qsizetype j = 0;
        while (j < m && (pattern[std::size_t(j)] < 0 || d[i + j] == pattern[std::size_t(j)]))
            ++j;
        if (j == m)
            return i;
    }
    return -1;
}

std::shared_ptr<RuleSet> RuleSet::compile(const RuleList &rules, QString *error)
{
    std::shared_ptr<RuleSet> set(new RuleSet);
    set->m_rules = rules;
    set->m_compiled.resize(std::size_t(rules.size()));
    set->m_hits = std::make_unique<std::atomic<quint64>[]>(std::size_t(rules.size()) + 1);
    for (int i = 0; i < rules.size(); ++i) {
        const Rule &r = rules.at(i);
        Compiled &c = set->m_compiled[std::size_t(i)];
        set->m_hits[std::size_t(i)].store(0);
        if (r.opcode < -1 || r.opcode > 15) {
            if (error)
                *error = fieldError(i, "opcode", QStringLiteral("must be 0..15 or a name (text, binary, close, ping, pong)"));
            return nullptr;
        }
        if (r.handshake != HandshakeStage::None) {
            const char *bad = r.action != RuleAction::Breakpoint ? "handshake"
                              : !r.hex.isEmpty()                  ? "hex"
                              : r.opcode != -1                    ? "opcode"
                                                                  : nullptr;
            if (bad) {
                if (error)
                    *error = fieldError(i, bad, QStringLiteral("a handshake rule is a breakpoint with only url, host and match (a regex on the head text)"));
                return nullptr;
            }
        }
        if (!r.match.isEmpty()) {
            if (!compileRegex(r.match, QRegularExpression::UseUnicodePropertiesOption, &c.match, i, "match", error))
                return nullptr;
            c.hasMatch = true;
        }
        if (!r.hex.isEmpty()) {
            QString why;
            if (!parseHexPattern(r.hex, &c.hex, &why)) {
                if (error)
                    *error = fieldError(i, "hex", why);
                return nullptr;
            }
            if (c.hex.empty()) {
                if (error)
                    *error = fieldError(i, "hex", QStringLiteral("the pattern has no bytes"));
                return nullptr;
            }
            c.hasHex = true;
        }
        if (c.hasMatch && c.hasHex) {
            if (error)
                *error = fieldError(i, "hex", QStringLiteral("a rule has either 'match' (text) or 'hex' (bytes), not both"));
            return nullptr;
        }
        if (r.action == RuleAction::Replace) {
            if (!c.hasMatch && !c.hasHex) {
                if (error)
                    *error = fieldError(i, "match", QStringLiteral("a replace rule needs 'match' (a regex on text) or 'hex' (a byte pattern)"));
                return nullptr;
            }
            if (c.hasHex) {
                QString why;
                if (!parseHexBytes(r.replaceHex, &c.replaceHex, &why)) {
                    if (error)
                        *error = fieldError(i, "replaceHex", why);
                    return nullptr;
                }
            }
        }
        if (!r.url.isEmpty() && !compileRegex(r.url, QRegularExpression::CaseInsensitiveOption, &c.url, i, "url", error))
            return nullptr;
        if (!r.host.isEmpty()) {
            const QString re = QRegularExpression::wildcardToRegularExpression(r.host);
            if (!compileRegex(re, QRegularExpression::CaseInsensitiveOption, &c.host, i, "host", error))
                return nullptr;
        }
    }
    return set;
}

quint64 RuleSet::hits(int index) const
{
    if (index < 0 || index >= size())
        return 0;
    return m_hits[std::size_t(index)].load(std::memory_order_relaxed);
}

void RuleSet::resetHits()
{
    for (int i = 0; i < size(); ++i)
        m_hits[std::size_t(i)].store(0, std::memory_order_relaxed);
}

std::vector<int> RuleSet::rulesFor(Direction direction, const QString &url, const QString &host) const
{
    std::vector<int> out;
    for (int i = 0; i < size(); ++i) {
        const Rule &r = m_rules.at(i);
        const Compiled &c = m_compiled[std::size_t(i)];
        if (!r.enabled || !r.appliesTo(direction) || r.handshake != HandshakeStage::None)
            continue;
        if (!r.url.isEmpty() && !c.url.match(url).hasMatch())
            continue;
        if (!r.host.isEmpty() && !c.host.match(host).hasMatch())
            continue;
        out.push_back(i);
    }
    return out;
}

int RuleSet::matchHandshake(HandshakeStage stage, const QString &url, const QString &host, const QByteArray &head) const
{
    if (stage == HandshakeStage::None)
        return -1;
    for (int i = 0; i < size(); ++i) {
        const Rule &r = m_rules.at(i);
        const Compiled &c = m_compiled[std::size_t(i)];
        if (!r.enabled || r.handshake != stage)
            continue;
        if (!r.url.isEmpty() && !c.url.match(url).hasMatch())
            continue;
        if (!r.host.isEmpty() && !c.host.match(host).hasMatch())
            continue;
        if (c.hasMatch && !c.match.match(QString::fromLatin1(head)).hasMatch())
            continue;
        m_hits[std::size_t(i)].fetch_add(1, std::memory_order_relaxed);
        return i;
    }
    return -1;
}

bool RuleSet::mayMatchOpcode(const std::vector<int> &active, quint8 opcode) const
{
    for (int i : active) {
        const Rule &r = m_rules.at(i);
        if (r.opcode == -1 ? isDataOpcode(opcode) : r.opcode == opcode) {
            if (m_compiled[std::size_t(i)].hasMatch && opcode == Opcode::Binary)
                continue; // text regexes never look at binary messages
            return true;
        }
    }
    return false;
}

bool RuleSet::matches(int index, quint8 opcode, const QByteArray &payload) const
{
    const Rule &r = m_rules.at(index);
    const Compiled &c = m_compiled[std::size_t(index)];
    if (r.opcode == -1 ? !isDataOpcode(opcode) : r.opcode != opcode)
        return false;
    if (c.hasMatch)
        return opcode != Opcode::Binary && c.match.match(QString::fromUtf8(payload)).hasMatch();
    if (c.hasHex)
        return findHexPattern(payload, c.hex) >= 0;
    return true; // no payload condition: every message of the opcode
}

bool RuleSet::replaceIn(int index, QByteArray &payload) const
{
    const Rule &r = m_rules.at(index);
    const Compiled &c = m_compiled[std::size_t(index)];
    if (c.hasMatch) {
        const QString before = QString::fromUtf8(payload);
        QString after = before;
        after.replace(c.match, r.replace);
        if (after == before)
            return false;
        payload = after.toUtf8();
        return true;
    }
    QByteArray out;
    qsizetype pos = 0;
    bool any = false;
    const qsizetype m = qsizetype(c.hex.size());
    for (;;) {
        const qsizetype at = findHexPattern(payload, c.hex, pos);
        if (at < 0)
            break;
        any = true;
        out.append(payload.constData() + pos, at - pos);
        out.append(c.replaceHex);
        pos = at + m;
    }
    if (!any)
        return false;
    out.append(payload.constData() + pos, payload.size() - pos);
    payload = std::move(out);
    return true;
}

RuleResult RuleSet::apply(const std::vector<int> &active, quint8 opcode, const QByteArray &payload) const
{
    RuleResult result;
    result.payload = payload;
    for (int i : active) {
        if (!matches(i, opcode, result.payload))
            continue;
        const Rule &r = m_rules.at(i);
        switch (r.action) {
        case RuleAction::Replace:
            if (replaceIn(i, result.payload)) {
                result.modified = true;
                result.rule = i;
                m_hits[std::size_t(i)].fetch_add(1, std::memory_order_relaxed);
            }
            break;
        case RuleAction::Drop:
            m_hits[std::size_t(i)].fetch_add(1, std::memory_order_relaxed);
            result.outcome = RuleResult::Outcome::Drop;
            result.rule = i;
            return result;
        case RuleAction::Breakpoint:
            m_hits[std::size_t(i)].fetch_add(1, std::memory_order_relaxed);
            result.outcome = RuleResult::Outcome::Hold;
            result.rule = i;
            return result;
        }
    }
    return result;
}

} // namespace wslens::intercept
