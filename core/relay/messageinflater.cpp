#include "relay/messageinflater.h"

#include <zlib.h>

#include <cstring>

namespace wslens::relay {

struct MessageInflater::State
{
    z_stream stream;
    bool ready = false;

    bool init()
    {
        std::memset(&stream, 0, sizeof stream);
        ready = inflateInit2(&stream, -15) == Z_OK;
        return ready;
    }
    void end()
    {
        if (ready)
            inflateEnd(&stream);
        ready = false;
    }
};

MessageInflater::MessageInflater()
    : d(std::make_unique<State>())
{
}

MessageInflater::~MessageInflater()
{
    d->end();
}

MessageInflater::Result MessageInflater::inflateMessage(const QByteArray &compressed, quint64 cap, QByteArray &out)
{
    out.clear();
    if (!d->ready && !d->init())
        return Result::Failed;
    static const unsigned char tail[4] = {0x00, 0x00, 0xff, 0xff};
    const unsigned char *inputs[2] = {reinterpret_cast<const unsigned char *>(compressed.constData()), tail};
    const size_t sizes[2] = {size_t(compressed.size()), sizeof tail};
    char buffer[16384];
    for (int part = 0; part < 2; ++part) {
        d->stream.next_in = const_cast<unsigned char *>(inputs[part]);
        d->stream.avail_in = uInt(sizes[part]);
        while (d->stream.avail_in > 0) {
            d->stream.next_out = reinterpret_cast<unsigned char *>(buffer);
            d->stream.avail_out = sizeof buffer;
            const int rc = inflate(&d->stream, Z_SYNC_FLUSH);
            const size_t produced = sizeof buffer - d->stream.avail_out;
            if (quint64(out.size()) + produced > cap) {
                out.append(buffer, qsizetype(cap - quint64(out.size())));
                d->end();
                return Result::TooLarge;
            }
            out.append(buffer, qsizetype(produced));
            if (rc == Z_STREAM_END) {
                // A final block: the peer ended the DEFLATE stream; start a fresh one.
                d->end();
                return Result::Ok;
            }
            if (rc == Z_BUF_ERROR && produced == 0)
                break; // no progress possible
            if (rc != Z_OK && rc != Z_BUF_ERROR) {
                d->end();
                return Result::Failed;
            }
            if (produced == 0 && d->stream.avail_in == 0)
                break;
        }
    }
    // Drain what zlib still holds.
    for (;;) {
        d->stream.next_out = reinterpret_cast<unsigned char *>(buffer);
        d->stream.avail_out = sizeof buffer;
        const int rc = inflate(&d->stream, Z_SYNC_FLUSH);
        const size_t produced = sizeof buffer - d->stream.avail_out;
        if (quint64(out.size()) + produced > cap) {
            out.append(buffer, qsizetype(cap - quint64(out.size())));
            d->end();
            return Result::TooLarge;
        }
        out.append(buffer, qsizetype(produced));
        if (produced == 0 || rc != Z_OK)
            break;
    }
    return Result::Ok;
}

} // namespace wslens::relay
