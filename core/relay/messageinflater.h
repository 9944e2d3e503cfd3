#pragma once

#include <QByteArray>

#include <memory>

namespace wslens::relay {

// Inflates permessage-deflate messages (RFC 7692 7.2.2) for display, with a cap
// on the decompressed size. Keeps the LZ77 window across messages, which
// decodes both context-takeover and no-context-takeover streams.
class MessageInflater
{
public:
    enum class Result { Ok, TooLarge, Failed };

    MessageInflater();
    ~MessageInflater();
    MessageInflater(const MessageInflater &) = delete;
    MessageInflater &operator=(const MessageInflater &) = delete;

    // Inflates one message's compressed payload (without the 00 00 ff ff tail).
    // On TooLarge, out holds the first cap bytes and the context is reset.
    Result inflateMessage(const QByteArray &compressed, quint64 cap, QByteArray &out);

private:
    struct State;
    std::unique_ptr<State> d;
};

} // namespace wslens::relay
