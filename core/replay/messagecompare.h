#pragma once

// Compares the messages a server sent during a replay with the recording:
// exactly, or ignoring JSON paths and masking regular expressions.

#include "replay/jsonpath.h"

#include <QByteArray>
#include <QList>
#include <QRegularExpression>

namespace wslens::replay {

struct CompareOptions
{
    QList<JsonPath> ignore;           // removed from both sides when both are JSON text
    QList<QRegularExpression> masks;  // matches replaced by "<masked>" on both sides (text messages)
};

struct ComparedMessage
{
    quint8 opcode = 0;
    QByteArray data;
};

enum class Verdict : quint8 { Matched, Differing, Missing, Extra };
QString verdictName(Verdict verdict);

struct MessageResult
{
    int index = 0;          // position among the server's messages
    Verdict verdict = Verdict::Matched;
    ComparedMessage expected; // empty for Extra
    ComparedMessage received; // empty for Missing
};

struct CompareSummary
{
    int matched = 0;
    int differing = 0;
    int missing = 0;
    int extra = 0;
    bool allMatched() const { return differing == 0 && missing == 0 && extra == 0; }
    CompareSummary &operator+=(const CompareSummary &o);
};

// What a message looks like after ignoring and masking (what is compared).
QByteArray normalizedMessage(const ComparedMessage &message, const CompareOptions &options);
bool messagesMatch(const ComparedMessage &expected, const ComparedMessage &received, const CompareOptions &options);

// Pairs expected[i] with received[i]; the rest are missing or extra.
QList<MessageResult> compareSequences(const QList<ComparedMessage> &expected, const QList<ComparedMessage> &received,
                                      const CompareOptions &options, CompareSummary *summary);

} // namespace wslens::replay
