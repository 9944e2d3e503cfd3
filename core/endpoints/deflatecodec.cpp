#include "endpoints/deflatecodec.h"

#include "protocol/extensionheader.h"

#include <QString>

#include <zlib.h>

#include <algorithm>

namespace wslens::endpoints {

namespace {

const QByteArray kName = QByteArrayLiteral("permessage-deflate");
constexpr char kTail[] = {'\x00', '\x00', '\xff', '\xff'};
constexpr int kChunk = 64 * 1024;

bool parseBits(const ExtensionParam &p, int *bits)
{
    if (!p.hasValue)
        return false;
    bool ok = false;
    const int v = p.value.toInt(&ok);
    if (!ok || v < 8 || v > 15 || p.value.startsWith('0') || p.value.startsWith('+'))
        return false;
    *bits = v;
    return true;
}

// One offer (or answer) element -> params; false on unknown/duplicate/invalid parameters.
// clientBitsNoValue: set when client_max_window_bits came without a value.
bool readParams(const WebSocketExtension &ext, bool isOffer, DeflateParams *out, bool *clientBitsOffered)
{
    DeflateParams p;
    bool seenSnct = false, seenCnct = false, seenSmwb = false, seenCmwb = false;
    *clientBitsOffered = false;
    for (const ExtensionParam &param : ext.params) {
        if (param.name == "server_no_context_takeover") {
            if (seenSnct || param.hasValue)
                return false;
            seenSnct = true;
            p.serverNoContextTakeover = true;
        } else if (param.name == "client_no_context_takeover") {
            if (seenCnct || param.hasValue)
                return false;
            seenCnct = true;
            p.clientNoContextTakeover = true;
        } else if (param.name == "server_max_window_bits") {
            if (seenSmwb || !parseBits(param, &p.serverMaxWindowBits))
                return false;
            seenSmwb = true;
        } else if (param.name == "client_max_window_bits") {
            if (seenCmwb)
                return false;
            seenCmwb = true;
            *clientBitsOffered = true;
            if (param.hasValue) {
                if (!parseBits(param, &p.clientMaxWindowBits))
                    return false;
            } else if (!isOffer) {
                return false; // an answer must carry a value
            }
        } else {
            return false;
        }
    }
    *out = p;
    return true;
}

} // namespace

bool negotiateDeflateAsServer(const QByteArray &requestExtensions, DeflateParams *params,
                              QByteArray *responseValue)
{
    QList<WebSocketExtension> offers;
    if (requestExtensions.isEmpty() || !parseExtensionList(requestExtensions, &offers))
        return false;
    for (const WebSocketExtension &offer : offers) {
        if (offer.name != kName)
            continue;
        DeflateParams p;
        bool clientBits = false;
        if (!readParams(offer, true, &p, &clientBits))
            continue;
        if (p.serverMaxWindowBits == 8)
            continue; // zlib cannot produce raw DEFLATE with a 256-byte window
        QByteArray answer = kName;
        if (p.serverNoContextTakeover)
            answer += "; server_no_context_takeover";
        if (p.clientNoContextTakeover)
            answer += "; client_no_context_takeover";
        if (p.serverMaxWindowBits != 15)
            answer += "; server_max_window_bits=" + QByteArray::number(p.serverMaxWindowBits);
        if (clientBits && p.clientMaxWindowBits != 15)
            answer += "; client_max_window_bits=" + QByteArray::number(p.clientMaxWindowBits);
        *params = p;
        *responseValue = answer;
        return true;
    }
    return false;
}

QByteArray deflateClientOffer()
{
    return QByteArrayLiteral("permessage-deflate; client_max_window_bits");
}

bool acceptDeflateResponse(const QByteArray &responseExtensions, bool *accepted, DeflateParams *params,
                           QString *error)
{
    *accepted = false;
    if (responseExtensions.isEmpty())
        return true;
    QList<WebSocketExtension> answer;
    QString parseError;
    if (!parseExtensionList(responseExtensions, &answer, &parseError)) {
        *error = QStringLiteral("Sec-WebSocket-Extensions does not parse: ") + parseError;
        return false;
    }
    for (const WebSocketExtension &ext : answer) {
        if (ext.name != kName) {
            *error = QStringLiteral("server accepted an extension we did not offer: %1")
                         .arg(QString::fromLatin1(ext.name));
            return false;
        }
        if (*accepted) {
            *error = QStringLiteral("server accepted permessage-deflate twice");
            return false;
        }
        DeflateParams p;
        bool clientBits = false;
        if (!readParams(ext, false, &p, &clientBits)) {
            *error = QStringLiteral("invalid permessage-deflate parameters: %1").arg(QString::fromLatin1(ext.toBytes()));
            return false;
        }
        if (p.clientMaxWindowBits == 8) {
            *error = QStringLiteral("client_max_window_bits=8 is not supported (zlib)");
            return false;
        }
        *params = p;
        *accepted = true;
    }
    return true;
}

struct DeflateCodec::Private
{
    z_stream deflater{};
    z_stream inflater{};
    bool deflaterReady = false;
    bool inflaterReady = false;
    bool resetDeflaterEachMessage = false;
    quint64 cap = 0;
};

DeflateCodec::DeflateCodec(Role localRole, const DeflateParams &params, quint64 maxDecompressedSize)
    : d(std::make_unique<Private>())
{
    const bool server = localRole == Role::Server;
    const int ownBits = server ? params.serverMaxWindowBits : params.clientMaxWindowBits;
    d->resetDeflaterEachMessage = server ? params.serverNoContextTakeover : params.clientNoContextTakeover;
    d->cap = maxDecompressedSize;
    d->deflaterReady = deflateInit2(&d->deflater, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -std::max(9, ownBits), 8,
                                    Z_DEFAULT_STRATEGY) == Z_OK;
    // A 15-bit window inflates anything the peer may produce.
    d->inflaterReady = inflateInit2(&d->inflater, -15) == Z_OK;
}

DeflateCodec::~DeflateCodec()
{
    if (d->deflaterReady)
        deflateEnd(&d->deflater);
    if (d->inflaterReady)
        inflateEnd(&d->inflater);
}

QByteArray DeflateCodec::compress(const QByteArray &message)
{
    QByteArray out;
    if (!d->deflaterReady)
        return out;
    z_stream &z = d->deflater;
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(message.constData()));
    z.avail_in = uInt(message.size());
    out.resize(qsizetype(deflateBound(&z, uLong(message.size())) + 16));
    qsizetype used = 0;
    for (;;) {
        if (out.size() - used < 64)
            out.resize(out.size() * 2);
        z.next_out = reinterpret_cast<Bytef *>(out.data() + used);
        z.avail_out = uInt(out.size() - used);
        const int rc = deflate(&z, Z_SYNC_FLUSH);
        used = out.size() - qsizetype(z.avail_out);
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            break;
        if (z.avail_in == 0 && z.avail_out > 0)
            break;
    }
    out.resize(used);
    if (out.endsWith(QByteArrayView(kTail, 4)))
        out.chop(4);
    if (d->resetDeflaterEachMessage)
        deflateReset(&z);
    return out;
}

Violation DeflateCodec::transform(AssembledMessage &message)
{
    if (!d->inflaterReady)
        return Violation::DecompressionFailed;
    QByteArray input = message.data;
    input.append(kTail, 4);
    z_stream &z = d->inflater;
    z.next_in = reinterpret_cast<Bytef *>(input.data());
    z.avail_in = uInt(input.size());
    QByteArray out;
    char buffer[kChunk];
    for (;;) {
        z.next_out = reinterpret_cast<Bytef *>(buffer);
        z.avail_out = sizeof buffer;
        const int rc = inflate(&z, Z_SYNC_FLUSH);
        const qsizetype produced = qsizetype(sizeof buffer) - qsizetype(z.avail_out);
        if (quint64(out.size()) + quint64(produced) > d->cap) {
            inflateReset(&z);
            message.data = QByteArray();
            message.tooLarge = true;
            message.compressed = false;
            return Violation::DecompressedTooLarge;
        }
        out.append(buffer, produced);
        if (rc == Z_STREAM_END) {
            inflateReset(&z); // a final block: the next message starts a new stream
            if (z.avail_in > 0) {
                // Bytes after the final block other than our own tail are an error.
                const bool onlyTail = z.avail_in <= 4;
                if (!onlyTail) {
                    message.data = QByteArray();
                    return Violation::DecompressionFailed;
                }
            }
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            inflateReset(&z);
            message.data = QByteArray();
            message.compressed = false;
            return Violation::DecompressionFailed;
        }
        if (z.avail_in == 0 && z.avail_out > 0)
            break;
        if (rc == Z_BUF_ERROR && z.avail_out > 0)
            break;
    }
    message.data = std::move(out);
    message.compressed = false;
    return Violation::None;
}

} // namespace wslens::endpoints
