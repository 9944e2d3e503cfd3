#pragma once

#include "intercept/rule.h"

#include <QByteArray>
#include <QString>

namespace wslens::intercept {

// The rules file (docs/INTERCEPT.md):
//   {"rules": [{"action": "replace", "direction": "c2s", "match": "foo(\\d+)", "replace": "bar\\1"},
//              {"action": "drop", "direction": "s2c", "match": "^secret"}]}
// Fields per rule: action (required: replace | drop | breakpoint, "hold" accepted),
// direction (c2s | s2c | both, default both), match, replace, hex, replaceHex,
// opcode (name or number), url, host, enabled (default true), name.
//
// Parsing checks the structure, every field's type and value, and compiles
// the rules (regexes, hex patterns); errors name the rule and the field:
// "rules[1].direction: expected \"c2s\", \"s2c\" or \"both\", got \"up\"".
bool parseRules(const QByteArray &json, RuleList *out, QString *error);
// Reads and parses a rules file; errors start with the file name.
bool loadRulesFile(const QString &path, RuleList *out, QString *error);
// The same format back (fields at their defaults are left out); parseRules() reads it back equal.
QByteArray rulesToJson(const RuleList &rules);

} // namespace wslens::intercept
