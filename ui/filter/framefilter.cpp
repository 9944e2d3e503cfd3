#include "filter/framefilter.h"

#include <cstring>

namespace wslens::ui {

bool FilterCriteria::isEmpty() const
{
    return *this == FilterCriteria();
}

bool FilterCriteria::operator==(const FilterCriteria &o) const
{
    return connections == o.connections && direction == o.direction && showText == o.showText
        && showBinary == o.showBinary && showControl == o.showControl && hidePingPong == o.hidePingPong
        && violationsOnly == o.violationsOnly && editedOnly == o.editedOnly && search == o.search
        && regex == o.regex && caseSensitive == o.caseSensitive;
}

static bool isAscii(const QByteArray &b)
{
    for (char c : b)
        if (uchar(c) >= 0x80)
            return false;
    return true;
}

static inline uchar lowerAscii(uchar c)
{
    return (c >= 'A' && c <= 'Z') ? uchar(c + 32) : c;
}

FrameMatcher::FrameMatcher(const FilterCriteria &criteria)
    : m_c(criteria)
{
    if (m_c.search.isEmpty())
        return;
    if (m_c.regex) {
        m_mode = SearchMode::Regex;
        m_regex.setPattern(m_c.search);
        m_regex.setPatternOptions(m_c.caseSensitive ? QRegularExpression::NoPatternOption
                                                    : QRegularExpression::CaseInsensitiveOption);
        if (!m_regex.isValid())
            m_error = m_regex.errorString();
        else
            m_regex.optimize();
        return;
    }
    m_needle = m_c.search.toUtf8();
    if (m_c.caseSensitive) {
        m_mode = SearchMode::Exact;
        m_matcher.setPattern(m_needle);
    } else if (isAscii(m_needle)) {
        m_mode = SearchMode::AsciiFold;
        for (char &c : m_needle)
            c = char(lowerAscii(uchar(c)));
    } else {
        m_mode = SearchMode::UnicodeFold;
    }
}

bool FrameMatcher::matchesSummary(const FrameFacts &s) const
{
    if (!m_c.connections.isEmpty() && !m_c.connections.contains(s.connectionId))
        return false;
    if (m_c.direction == FilterCriteria::Directions::ClientToServer && s.direction != Direction::ClientToServer)
        return false;
    if (m_c.direction == FilterCriteria::Directions::ServerToClient && s.direction != Direction::ServerToClient)
        return false;
    if (m_c.violationsOnly && s.violation == Violation::None)
        return false;
    if (m_c.editedOnly && s.edit == EditMark::None)
        return false;
    if (s.unparsed)
        return m_c.showControl || m_c.showBinary;
    switch (s.opcode) {
    case Opcode::Text:
        return m_c.showText;
    case Opcode::Binary:
        return m_c.showBinary;
    case Opcode::Continuation:
        return m_c.showText || m_c.showBinary;
    case Opcode::Ping:
    case Opcode::Pong:
        return m_c.showControl && !m_c.hidePingPong;
    default:
        return m_c.showControl;
    }
}

bool FrameMatcher::matchesBytes(const QByteArray &bytes) const
{
    switch (m_mode) {
    case SearchMode::None:
        return true;
    case SearchMode::Exact:
        return m_matcher.indexIn(bytes) >= 0;
    case SearchMode::AsciiFold: {
        const qsizetype n = m_needle.size();
        const qsizetype h = bytes.size();
        if (n > h)
            return false;
        const uchar *hay = reinterpret_cast<const uchar *>(bytes.constData());
        const uchar *needle = reinterpret_cast<const uchar *>(m_needle.constData());
        const uchar first = needle[0];
        const uchar firstUpper = (first >= 'a' && first <= 'z') ? uchar(first - 32) : first;
        for (qsizetype i = 0; i + n <= h; ++i) {
            const uchar c = hay[i];
            if (c != first && c != firstUpper)
                continue;
            qsizetype k = 1;
            while (k < n && lowerAscii(hay[i + k]) == needle[k])
                ++k;
            if (k == n)
                return true;
        }
        return false;
    }
    case SearchMode::UnicodeFold:
        return QString::fromUtf8(bytes).contains(m_c.search, Qt::CaseInsensitive);
    case SearchMode::Regex:
        return m_regex.isValid() && m_regex.match(QString::fromUtf8(bytes)).hasMatch();
    }
    return false;
}

bool FrameMatcher::matches(const CaptureSource &source, qsizetype index) const
{
    if (!matchesSummary(source.summary(index)))
        return false;
    if (m_mode == SearchMode::None)
        return true;
    return matchesBytes(source.searchBytes(index));
}

} // namespace wslens::ui
