#pragma once

#include "data/capturesource.h"

#include <QByteArrayMatcher>
#include <QRegularExpression>
#include <QSet>

namespace wslens::ui {

// What the user asked to see. An empty (default) criteria shows everything.
struct FilterCriteria
{
    enum class Directions { Both, ClientToServer, ServerToClient };

    QSet<quint64> connections; // empty: all connections
    Directions direction = Directions::Both;
    bool showText = true;      // text frames (continuations count as text and binary)
    bool showBinary = true;
    bool showControl = true;   // close, ping, pong and reserved opcodes
    bool hidePingPong = false;
    bool violationsOnly = false;
    bool editedOnly = false;
    QString search;            // substring or regex over the message (or payload)
    bool regex = false;
    bool caseSensitive = false;

    bool isEmpty() const;
    bool operator==(const FilterCriteria &o) const;
    bool operator!=(const FilterCriteria &o) const { return !(*this == o); }
};

// A compiled FilterCriteria. Immutable after construction; a worker thread
// uses its own copy.
class FrameMatcher
{
public:
    explicit FrameMatcher(const FilterCriteria &criteria);

    bool isValid() const { return m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    bool needsBytes() const { return m_mode != SearchMode::None; }

    // The header-only part of the test (no payload needed).
    bool matchesSummary(const FrameFacts &s) const;
    // The text-search part of the test.
    bool matchesBytes(const QByteArray &bytes) const;
    bool matches(const CaptureSource &source, qsizetype index) const;

private:
    enum class SearchMode { None, Exact, AsciiFold, UnicodeFold, Regex };

    FilterCriteria m_c;
    SearchMode m_mode = SearchMode::None;
    QByteArray m_needle;            // UTF-8 (lowercased for AsciiFold)
    QByteArrayMatcher m_matcher;
    QRegularExpression m_regex;
    QString m_error;
};

} // namespace wslens::ui
