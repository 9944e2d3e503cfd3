#pragma once

// A side-by-side, JSON-aware diff of two messages for the replay diff view:
// JSON text is pretty-printed (keys sorted) on both sides, other text is split
// into lines, binary becomes a hex dump; the lines are aligned by a longest
// common subsequence so equal lines sit side by side and the rest is marked.
// For JSON the differing paths ($.items[1].id) are listed too. No widgets.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace wslens::ui {

struct DiffRow
{
    QString left;
    QString right;
    bool hasLeft = true;   // false: a gap (the line exists on the right only)
    bool hasRight = true;
    bool changed = false;
};

struct MessageDiff
{
    bool json = false;       // both sides parsed as JSON
    QList<DiffRow> rows;     // aligned lines
    QStringList paths;       // JSON: paths whose values differ (at most kMaxPaths)
    int changedRows() const;

    static constexpr int kMaxPaths = 200;
    // Beyond this many lines on a side, lines are paired by position (no LCS).
    static constexpr int kMaxAlignedLines = 4000;
};

// How a message is shown: pretty JSON, text lines or a hex dump.
// opcode 0 with empty data: nothing (a missing or extra side).
QStringList messageLines(quint8 opcode, const QByteArray &data, bool *isJson = nullptr);

MessageDiff diffMessages(quint8 expectedOpcode, const QByteArray &expected, quint8 receivedOpcode,
                         const QByteArray &received);

// JSON paths where two documents differ, in document order (at most max).
QStringList differingJsonPaths(const QByteArray &expected, const QByteArray &received, int max = MessageDiff::kMaxPaths);

} // namespace wslens::ui
