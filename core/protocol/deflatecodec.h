#pragma once

#include "protocol/violation.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace wslens {

// Compression for permessage-deflate (RFC 7692 7.2) over zlib raw deflate.
// Negotiation lives in permessagedeflate.h; these classes only need the
// agreed window bits and context-takeover settings.

struct InflaterOptions
{
    // The sender's LZ77 window (its *_max_window_bits). Clamped to 9..15:
    // zlib cannot compress with a 256-byte window, so peers told "8" commonly
    // send with 9; a larger receive window is always safe.
    int windowBits = 15;
    // The sender resets its window after each message (*_no_context_takeover).
    // Keeping our window is harmless then; we reset too to free memory early.
    bool noContextTakeover = false;
    // Cap on the decompressed size of one message (close code 1009 past it).
    std::uint64_t maxMessageSize = std::uint64_t(64) << 20;
};

// Streaming inflater for compressed messages.
//
// For each message: feed() the compressed payload in pieces of any size
// (frame payload pieces as they arrive, across fragments), then finish(),
// which appends the 00 00 ff ff tail of RFC 7692 7.2.2. Output comes in
// pieces of at most 16 KiB through the callback, as inflate produces it:
// memory use does not depend on the message size. Nothing is ever allocated
// by an untrusted length.
//
// Errors: DecompressedTooLarge as soon as the output would pass the cap (the
// bytes up to the cap are delivered; inflating stops, the rest of the
// message's input is ignored); DecompressionFailed for invalid DEFLATE data
// or a message that does not end on a block boundary; InvalidUtf8 for a text
// message (setTextMessage) whose inflated bytes are not UTF-8 (inflating
// goes on). After DecompressedTooLarge or DecompressionFailed the shared
// window is lost: finish() resets it, so later context-takeover messages may
// fail too (a strict endpoint closes the connection anyway).
//
// A final block (BFINAL) inside a message is accepted (RFC 7692 7.2.3.4):
// the window is carried over into a new stream, so context takeover keeps working.
class Inflater
{
public:
    using Output = std::function<void(const char *data, std::size_t size)>;

    explicit Inflater(const InflaterOptions &options = {});
    ~Inflater();
    Inflater(const Inflater &) = delete;
    Inflater &operator=(const Inflater &) = delete;

    // Marks the current message as text: inflated bytes are checked as UTF-8.
    // Call before the first feed() of a message; cleared by finish().
    void setTextMessage(bool text) { m_text = text; }

    // Returns the message's first violation so far (None when fine).
    Violation feed(const char *data, std::size_t size, const Output &out);
    // Ends the message; returns its first violation (None when fine).
    Violation finish(const Output &out);

    // One whole message, output appended to *out.
    Violation inflateMessage(const char *data, std::size_t size, QByteArray *out);
    Violation inflateMessage(const QByteArray &compressed, QByteArray *out)
    {
        return inflateMessage(compressed.constData(), std::size_t(compressed.size()), out);
    }

    // Decompressed bytes of the current message so far (after finish(): of the last message).
    std::uint64_t messageSize() const { return m_messageSize; }
    // Compressed bytes of the current message inflate actually consumed (stops early on errors).
    std::uint64_t inputConsumed() const { return m_inputConsumed; }
    // zlib's message, or the limit that was hit, for the last error.
    QString errorString() const { return m_errorString; }

    // Forgets the window and any message in progress.
    void reset();
    const InflaterOptions &options() const { return m_options; }
    void setMaxMessageSize(std::uint64_t cap) { m_options.maxMessageSize = cap; }

private:
    struct Stream;
    Violation run(const unsigned char *data, std::size_t size, const Output &out);
    void restartKeepingWindow();
    void fail(Violation v, const QString &why);
    void beginMessageIfNeeded();

    InflaterOptions m_options;
    std::unique_ptr<Stream> d;
    std::uint64_t m_messageSize = 0;
    std::uint64_t m_inputConsumed = 0;
    std::uint64_t m_inputFed = 0;
    std::uint32_t m_utf8 = 0;
    Violation m_violation = Violation::None;
    bool m_failed = false;     // inflating stopped for this message
    bool m_text = false;
    bool m_freshStream = true; // no input consumed since the stream (re)started
    bool m_inMessage = false;
    QString m_errorString;
};

struct DeflaterOptions
{
    // Our *_max_window_bits. 8 is agreed by some peers but zlib cannot
    // produce raw deflate with a 256-byte window: we then compress with 9 and
    // the Z_RLE strategy, whose matches have distance 1, so the output is
    // valid for a 256-byte window (others simply use 9 and hope).
    int windowBits = 15;
    bool noContextTakeover = false; // reset the window after each message
    int level = -1;                 // zlib level, -1 = default (6)
    int memLevel = 8;               // 1..9
};

// Compresses messages for sending (RFC 7692 7.2.1): each message ends with a
// sync flush whose trailing 00 00 ff ff is removed.
class Deflater
{
public:
    explicit Deflater(const DeflaterOptions &options = {});
    ~Deflater();
    Deflater(const Deflater &) = delete;
    Deflater &operator=(const Deflater &) = delete;

    bool isValid() const;

    // One whole message.
    QByteArray compressMessage(const char *data, std::size_t size);
    QByteArray compressMessage(const QByteArray &message)
    {
        return compressMessage(message.constData(), std::size_t(message.size()));
    }

    // Streaming: feed the message in pieces (output appended to *out as zlib
    // produces it), then finish() appends the rest without the 00 00 ff ff tail.
    void feed(const char *data, std::size_t size, QByteArray *out);
    void finish(QByteArray *out);

    // Forgets the window.
    void reset();
    const DeflaterOptions &options() const { return m_options; }

private:
    struct Stream;
    void run(const char *data, std::size_t size, int flush, QByteArray *out);

    DeflaterOptions m_options;
    std::unique_ptr<Stream> d;
    bool m_pending = false; // feed() already emitted output for this message
};

} // namespace wslens
