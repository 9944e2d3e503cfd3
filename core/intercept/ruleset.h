#pragma once

#include "intercept/rule.h"

#include <QByteArray>
#include <QRegularExpression>

#include <atomic>
#include <memory>
#include <vector>

namespace wslens::intercept {

// What the rules decided for one message.
struct RuleResult
{
    enum class Outcome : quint8 { Forward, Drop, Hold };
    Outcome outcome = Outcome::Forward;
    bool modified = false; // a replace rule changed the payload
    QByteArray payload;    // the payload after replacements (the original when !modified)
    int rule = -1;         // the rule that dropped or held the message, else the last that replaced it
};

// A compiled, immutable list of rules shared by every connection (read from
// any thread). Only the hit counters change: atomics, readable from the UI
// thread while relay threads count.
class RuleSet
{
public:
    // Checks and compiles rules. On a problem returns null and sets *error to
    // one line naming the rule and the field: "rules[1].match: invalid regular
    // expression: missing closing parenthesis at offset 4".
    static std::shared_ptr<RuleSet> compile(const RuleList &rules, QString *error = nullptr);

    const RuleList &rules() const { return m_rules; }
    int size() const { return int(m_rules.size()); }
    quint64 hits(int index) const;
    void resetHits();

    // Indexes of the enabled rules that watch one stream: direction and
    // connection (URL regex, host wildcard). Computed once per connection.
    std::vector<int> rulesFor(Direction direction, const QString &url, const QString &host) const;
    // Whether one of those rules can match a message with this opcode (cheap:
    // used to stream messages no rule can touch instead of buffering them).
    bool mayMatchOpcode(const std::vector<int> &active, quint8 opcode) const;
    // Applies the rules in order: replacements accumulate, a drop or
    // breakpoint ends the evaluation. Counts hits.
    RuleResult apply(const std::vector<int> &active, quint8 opcode, const QByteArray &payload) const;

    // The first enabled handshake breakpoint (Rule::handshake == stage) whose
    // URL, host and match (regex on the head text) fit; counts its hit. -1: none.
    int matchHandshake(HandshakeStage stage, const QString &url, const QString &host, const QByteArray &head) const;

private:
    struct Compiled
    {
        QRegularExpression match; // valid when the rule has one
        QRegularExpression url;
        QRegularExpression host;
        HexPattern hex;
        QByteArray replaceHex;
        bool hasMatch = false;
        bool hasHex = false;
    };
    RuleSet() = default;
    bool matches(int index, quint8 opcode, const QByteArray &payload) const;
    bool replaceIn(int index, QByteArray &payload) const;

    RuleList m_rules;
    std::vector<Compiled> m_compiled;
    std::unique_ptr<std::atomic<quint64>[]> m_hits;
};

// Searches a hex pattern in data from offset `from`; returns the position or -1.
qsizetype findHexPattern(const QByteArray &data, const HexPattern &pattern, qsizetype from = 0);

} // namespace wslens::intercept
