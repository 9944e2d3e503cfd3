#pragma once

#include "protocol/httpmessage.h"

#include <QByteArray>
#include <QString>

namespace wslens::relay {

// Finds the HTTP head at the front of a connection's buffer as its bytes
// arrive (protocol/httpmessage.h's HttpHeadParser, fed only the new bytes) and
// says how long it is, so the relay can forward exactly the bytes it received.
class HeadReader
{
public:
    enum class Result { NeedMore, Complete, Invalid, TooLarge };

    HeadReader(HttpMessageKind kind, const HttpLimits &limits);

    // buffer starts with the head; it may have grown since the last call.
    // After Complete or an error the reader starts over for the next head.
    Result read(const QByteArray &buffer);
    HttpHead takeHead() { return std::move(m_head); }
    qsizetype headLength() const { return m_length; } // bytes of buffer the head took (Complete)
    QString errorString() const { return m_error; }
    void reset();
    void setLimits(const HttpLimits &limits) { m_parser.setLimits(limits); }

private:
    HttpHeadParser m_parser;
    HttpHead m_head;
    qsizetype m_fed = 0;
    qsizetype m_length = 0;
    QString m_error;
};

} // namespace wslens::relay
