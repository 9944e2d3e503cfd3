#include "protocol/deflatecodec.h"

#include "protocol/utf8validator.h"

#include <zlib.h>

#include <algorithm>
#include <climits>

namespace wslens {

namespace {
constexpr std::size_t kChunk = 16 * 1024;           // output piece size
constexpr std::size_t kMaxIn = std::size_t(1) << 30; // per zlib call (avail_in is 32-bit)
const unsigned char kTail[4] = {0x00, 0x00, 0xff, 0xff};
} // namespace

// ---------------------------------------------------------------- Inflater

struct Inflater::Stream
{
    z_stream z {};
    bool ok = false;
    unsigned char out[kChunk];
    ~Stream()
    {
        if (ok)
            inflateEnd(&z);
    }
};

Inflater::Inflater(const InflaterOptions &options)
    : m_options(options)
    , d(std::make_unique<Stream>())
{
    const int bits = std::clamp(options.windowBits, 9, 15);
    d->ok = inflateInit2(&d->z, -bits) == Z_OK;
}

Inflater::~Inflater() = default;

void Inflater::reset()
{
    if (d->ok)
        inflateReset(&d->z);
    m_freshStream = true;
    m_inMessage = false;
    m_failed = false;
    m_violation = Violation::None;
    m_messageSize = 0;
    m_inputConsumed = 0;
    m_utf8 = Utf8Validator::Accept;
    m_text = false;
}

void Inflater::fail(Violation v, const QString &why)
{
    if (m_violation == Violation::None || m_violation == Violation::InvalidUtf8)
        m_violation = v;
    m_failed = true;
    m_errorString = why;
}

void Inflater::beginMessageIfNeeded()
{
    if (m_inMessage)
        return;
    m_inMessage = true;
    m_messageSize = 0;
    m_inputConsumed = 0;
    m_inputFed = 0;
    m_violation = Violation::None;
    m_failed = false;
    m_utf8 = Utf8Validator::Accept;
    m_errorString.clear();
}

void Inflater::restartKeepingWindow()
{
    // A final block ended the DEFLATE stream; the sender may go on with a new
    // one that still refers to the previous data.
    unsigned char dict[32768];
    uInt len = sizeof dict;
    if (inflateGetDictionary(&d->z, dict, &len) != Z_OK)
        len = 0;
    inflateReset(&d->z);
    if (len > 0)
        inflateSetDictionary(&d->z, dict, len);
    m_freshStream = true;
}

Violation Inflater::run(const unsigned char *data, std::size_t size, const Output &out)
{
    if (!d->ok) {
        fail(Violation::DecompressionFailed, QStringLiteral("zlib inflater could not be initialised"));
        return m_violation;
    }
    z_stream &z = d->z;
    while (!m_failed) {
        const std::size_t slice = std::min(size, kMaxIn);
        z.next_in = const_cast<unsigned char *>(data);
        z.avail_in = uInt(slice);
        z.next_out = d->out;
        z.avail_out = uInt(kChunk);
        const int rc = inflate(&z, Z_SYNC_FLUSH);
        const std::size_t used = slice - z.avail_in;
        const std::size_t produced = kChunk - z.avail_out;
        data += used;
        size -= used;
        m_inputConsumed += used;
        if (used > 0)
            m_freshStream = false;
        if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR || rc == Z_MEM_ERROR) {
            fail(Violation::DecompressionFailed,
                 QStringLiteral("RFC 7692: invalid DEFLATE data (%1)")
                     .arg(QLatin1String(z.msg ? z.msg : "zlib error")));
            break;
        }
        if (produced > 0) {
            std::size_t deliver = produced;
            const std::uint64_t room = m_options.maxMessageSize - std::min(m_messageSize, m_options.maxMessageSize);
            const bool tooLarge = produced > room;
            if (tooLarge)
                deliver = std::size_t(room);
            if (deliver > 0) {
                if (m_text) {
                    m_utf8 = Utf8Validator::advance(m_utf8, reinterpret_cast<const char *>(d->out), deliver);
                    if (m_utf8 == Utf8Validator::Reject && m_violation == Violation::None) {
                        m_violation = Violation::InvalidUtf8;
                        m_errorString = QStringLiteral("RFC 6455 8.1: inflated text is not valid UTF-8");
                    }
                }
                out(reinterpret_cast<const char *>(d->out), deliver);
                m_messageSize += deliver;
            }
            if (tooLarge) {
                fail(Violation::DecompressedTooLarge,
                     QStringLiteral("message inflates past the limit of %1 bytes").arg(m_options.maxMessageSize));
                break;
            }
        }
        if (rc == Z_STREAM_END) {
            restartKeepingWindow();
            continue;
        }
        // Done when all input is used and zlib has no more output pending.
        if (size == 0 && z.avail_out != 0)
            break;
        if (rc == Z_BUF_ERROR && used == 0 && produced == 0)
            break; // no progress possible
    }
    z.next_in = nullptr;
    z.avail_in = 0;
    return m_violation;
}

Violation Inflater::feed(const char *data, std::size_t size, const Output &out)
{
    beginMessageIfNeeded();
    m_inputFed += size;
    if (m_failed || size == 0)
        return m_violation;
    return run(reinterpret_cast<const unsigned char *>(data), size, out);
}

Violation Inflater::finish(const Output &out)
{
    beginMessageIfNeeded();
    // An empty payload is an empty message (some senders strip a whole empty
    // flush); the tail alone would not be a complete stored block.
    if (!m_failed && m_inputFed > 0) {
        run(kTail, sizeof kTail, out);
        // After the tail the stream must sit at a block boundary (data_type
        // bit 128) or at the start of a new stream; otherwise the message was cut.
        if (!m_failed && !m_freshStream && (d->z.data_type & 128) == 0)
            fail(Violation::DecompressionFailed,
                 QStringLiteral("RFC 7692 7.2.2: compressed message does not end on a DEFLATE block boundary"));
    }
    if (!m_failed && m_text && m_utf8 != Utf8Validator::Accept && m_violation == Violation::None) {
        m_violation = Violation::InvalidUtf8;
        m_errorString = QStringLiteral("RFC 6455 8.1: inflated text ends inside a UTF-8 sequence");
    }
    const Violation v = m_violation;
    if (m_failed || m_options.noContextTakeover) {
        if (d->ok)
            inflateReset(&d->z);
        m_freshStream = true;
    }
    m_inMessage = false;
    m_failed = false;
    m_text = false;
    return v;
}

Violation Inflater::inflateMessage(const char *data, std::size_t size, QByteArray *out)
{
    const Output sink = [out](const char *p, std::size_t n) { out->append(p, qsizetype(n)); };
    feed(data, size, sink);
    return finish(sink);
}

// ---------------------------------------------------------------- Deflater

struct Deflater::Stream
{
    z_stream z {};
    bool ok = false;
    unsigned char out[kChunk];
    ~Stream()
    {
        if (ok)
            deflateEnd(&z);
    }
};

Deflater::Deflater(const DeflaterOptions &options)
    : m_options(options)
    , d(std::make_unique<Stream>())
{
    int bits = std::clamp(options.windowBits, 8, 15);
    int strategy = Z_DEFAULT_STRATEGY;
    if (bits == 8) {
        bits = 9;
        strategy = Z_RLE;
    }
    const int level = std::clamp(options.level, -1, 9);
    const int memLevel = std::clamp(options.memLevel, 1, 9);
    d->ok = deflateInit2(&d->z, level, Z_DEFLATED, -bits, memLevel, strategy) == Z_OK;
}

Deflater::~Deflater() = default;

bool Deflater::isValid() const
{
    return d->ok;
}

void Deflater::reset()
{
    if (d->ok)
        deflateReset(&d->z);
}

void Deflater::run(const char *data, std::size_t size, int flush, QByteArray *out)
{
    if (!d->ok)
        return;
    z_stream &z = d->z;
    do {
        const std::size_t slice = std::min(size, kMaxIn);
        z.next_in = reinterpret_cast<unsigned char *>(const_cast<char *>(data));
        z.avail_in = uInt(slice);
        z.next_out = d->out;
        z.avail_out = uInt(kChunk);
        const int rc = deflate(&z, flush);
        const std::size_t used = slice - z.avail_in;
        data += used;
        size -= used;
        out->append(reinterpret_cast<const char *>(d->out), qsizetype(kChunk - z.avail_out));
        if (rc == Z_STREAM_ERROR)
            break;
    } while (size > 0 || z.avail_out == 0);
    z.next_in = nullptr;
    z.avail_in = 0;
}

void Deflater::feed(const char *data, std::size_t size, QByteArray *out)
{
    if (size > 0) {
        const qsizetype before = out->size();
        run(data, size, Z_NO_FLUSH, out);
        m_pending = m_pending || out->size() != before;
    }
}

void Deflater::finish(QByteArray *out)
{
    const qsizetype before = out->size();
    run(nullptr, 0, Z_SYNC_FLUSH, out);
    // The sync flush ends with an empty stored block: 00 00 ff ff.
    if (out->size() - before >= 4 && out->endsWith(QByteArray::fromRawData(reinterpret_cast<const char *>(kTail), 4)))
        out->chop(4);
    // zlib emits nothing for a flush with no new input since the last one:
    // send the header byte of an empty stored block (RFC 7692 7.2.3.6), which
    // the receiver's 00 00 ff ff completes. The stream is byte-aligned here.
    if (out->size() == before && !m_pending)
        out->append('\0');
    m_pending = false;
    if (m_options.noContextTakeover)
        reset();
}

QByteArray Deflater::compressMessage(const char *data, std::size_t size)
{
    QByteArray out;
    feed(data, size, &out);
    finish(&out);
    return out;
}

} // namespace wslens
