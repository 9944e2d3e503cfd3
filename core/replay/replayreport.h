#pragma once

// The replay report: JSON for --report, and a readable text summary.

#include "replay/clientreplay.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace wslens::replay {

// {"summary": {...}, "elapsedMs": N, "connections": [{"recorded", "replay", "url", "error",
//  "note", "sent", "sendSpanMs", "replyTimeouts", "summary", "differences": [{"index",
//  "result", "expected": {"opcode", "text"|"base64"}, "received": {...}}]}]}
// differences holds every message that did not match.
QJsonObject reportJson(const ReplayResult &result);
// A few lines per connection; at most maxDifferences differences are shown in full.
QString reportText(const ReplayResult &result, int maxDifferences = 20);

} // namespace wslens::replay
