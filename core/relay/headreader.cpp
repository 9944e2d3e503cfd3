#include "relay/headreader.h"

namespace wslens::relay {

HeadReader::HeadReader(HttpMessageKind kind, const HttpLimits &limits)
    : m_parser(kind, limits)
{
}

void HeadReader::reset()
{
    m_parser.reset();
    m_fed = 0;
}

HeadReader::Result HeadReader::read(const QByteArray &buffer)
{
    if (buffer.size() < m_fed)
        reset(); // the buffer was consumed elsewhere: a new head
    std::size_t consumed = 0;
    const auto status = m_parser.feed(buffer.constData() + m_fed, std::size_t(buffer.size() - m_fed), &consumed);
    switch (status) {
    case HttpHeadParser::Status::NeedMore:
        m_fed = buffer.size();
        return Result::NeedMore;
    case HttpHeadParser::Status::Complete:
        m_length = m_fed + qsizetype(consumed);
        m_head = m_parser.takeHead();
        reset();
        return Result::Complete;
    case HttpHeadParser::Status::Error:
        break;
    }
    m_error = m_parser.errorString();
    const bool tooLarge = m_parser.limitExceeded();
    reset();
    return tooLarge ? Result::TooLarge : Result::Invalid;
}

} // namespace wslens::relay
