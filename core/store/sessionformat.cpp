#include "store/sessionformat.h"

#include "store/crc32.h"

#include <QtEndian>

#include <cstring>

namespace wslens::session {

namespace {

template<typename T>
void put(std::string &out, T v)
{
    char buf[sizeof(T)];
    qToLittleEndian<T>(v, buf);
    out.append(buf, sizeof(T));
}

void putBytes(std::string &out, const QByteArray &b)
{
    put<quint32>(out, quint32(b.size()));
    out.append(b.constData(), size_t(b.size()));
}

void putString(std::string &out, const QString &s)
{
    putBytes(out, s.toUtf8());
}

void putHeaders(std::string &out, const HttpHeaders &h)
{
    put<quint32>(out, quint32(h.size()));
    for (const auto &p : h) {
        putBytes(out, p.first);
        putBytes(out, p.second);
    }
}

// Bounds-checked little-endian reader over a record body.
class Reader
{
public:
    Reader(const char *data, quint32 size) : m_p(data), m_left(size) { }
    template<typename T>
    bool get(T *v)
    {
        if (m_left < sizeof(T))
            return false;
        *v = qFromLittleEndian<T>(m_p);
        m_p += sizeof(T);
        m_left -= quint32(sizeof(T));
        return true;
    }
    bool bytes(QByteArray *out)
    {
        quint32 n = 0;
        if (!get(&n) || n > m_left)
            return false;
        *out = QByteArray(m_p, qsizetype(n));
        m_p += n;
        m_left -= n;
        return true;
    }
    bool string(QString *out)
    {
        QByteArray b;
        if (!bytes(&b))
            return false;
        *out = QString::fromUtf8(b);
        return true;
    }
    bool headers(HttpHeaders *out)
    {
        quint32 n = 0;
        // Each pair needs at least 8 bytes: never reserve by the declared count alone.
        if (!get(&n) || n > m_left / 8)
            return false;
        out->clear();
        out->reserve(qsizetype(n));
        for (quint32 i = 0; i < n; ++i) {
            QByteArray name, value;
            if (!bytes(&name) || !bytes(&value))
                return false;
            out->append({name, value});
        }
        return true;
    }
    quint32 left() const { return m_left; }

private:
    const char *m_p;
    quint32 m_left;
};

void beginRecord(std::string &out, RecordType type, size_t *start)
{
    *start = out.size();
    put<quint32>(out, 0); // body length, patched by endRecord
    out.push_back(char(type));
}

void endRecord(std::string &out, size_t start)
{
    const size_t body = out.size() - start - kRecordPrefix;
    qToLittleEndian<quint32>(quint32(body), &out[start]);
    put<quint32>(out, 0); // crc, filled in by the writer
}

} // namespace

quint8 frameFlags(const FrameRecord &f)
{
    quint8 flags = 0;
    if (f.header.fin)
        flags |= FrameFlag::Fin;
    if (f.header.masked)
        flags |= FrameFlag::Masked;
    if (f.hasMessage)
        flags |= FrameFlag::HasMessage;
    if (f.unparsed)
        flags |= FrameFlag::Unparsed;
    if (f.direction == Direction::ServerToClient)
        flags |= FrameFlag::ServerToClient;
    return flags;
}

FrameLayout frameLayout(const FrameRecord &f)
{
    FrameLayout l;
    auto stored = [&l](const QByteArray &b) {
        if (quint32(b.size()) <= kMaxStoredBytes)
            return quint32(b.size());
        l.truncated = true;
        return kMaxStoredBytes;
    };
    // The common case (unfragmented, uncompressed) stores the bytes once.
    const bool same = f.hasMessage && f.message.size() == f.payload.size()
        && (f.message.constData() == f.payload.constData() || f.message == f.payload);
    l.payloadSize = stored(f.payload);
    l.messageSize = f.hasMessage && !same ? stored(f.message) : 0;
    l.originalSize = stored(f.original);
    l.flags = frameFlags(f);
    if (l.truncated)
        l.flags |= FrameFlag::Truncated;
    if (same)
        l.flags |= FrameFlag::MessageIsPayload;
    return l;
}

void writeFrameHead(char *out, const FrameRecord &f, const FrameLayout &l, quint64 seq)
{
    char *b = out + kRecordPrefix;
    qToLittleEndian<quint32>(l.bodySize(), out);
    out[4] = char(RecordFrame);
    qToLittleEndian<quint64>(f.connectionId, b);
    qToLittleEndian<quint64>(seq, b + 8);
    qToLittleEndian<qint64>(f.timestampUs, b + 16);
    qToLittleEndian<quint64>(f.header.payloadLength, b + 24);
    qToLittleEndian<quint32>(f.header.maskKey, b + 32);
    b[36] = char(l.flags);
    b[37] = char(f.header.opcode & 0x0f);
    b[38] = char(f.header.rsv & 0x07);
    b[39] = char(f.header.lengthEncoding);
    b[40] = char(f.header.headerLength);
    b[41] = char(f.violation);
    b[42] = char(f.edit);
    b[43] = 0;
    qToLittleEndian<quint32>(l.payloadSize, b + 44);
    qToLittleEndian<quint32>(l.messageSize, b + 48);
    qToLittleEndian<quint32>(l.originalSize, b + 52);
}

void writeFrameRecord(char *out, const FrameRecord &f, const FrameLayout &l, quint64 seq)
{
    writeFrameHead(out, f, l, seq);
    char *p = out + kFrameHeadSize;
    std::memcpy(p, f.payload.constData(), l.payloadSize);
    p += l.payloadSize;
    if (l.messageSize)
        std::memcpy(p, f.message.constData(), l.messageSize);
    p += l.messageSize;
    if (l.originalSize)
        std::memcpy(p, f.original.constData(), l.originalSize);
    p += l.originalSize;
    std::memset(p, 0, size_t(kRecordSuffix)); // crc, filled in by the writer
}

void appendConnectionRecord(std::string &out, const ConnectionInfo &c)
{
    size_t start = 0;
    beginRecord(out, RecordConnection, &start);
    put<quint64>(out, c.id);
    out.push_back(char(c.mode));
    out.push_back(char((c.tls ? 1 : 0) | (c.insecureUpstream ? 2 : 0)));
    put<qint32>(out, c.responseStatus);
    put<qint32>(out, c.clientCloseCode);
    put<qint32>(out, c.serverCloseCode);
    put<qint64>(out, c.openedUs);
    put<qint64>(out, c.handshakeDoneUs);
    put<qint64>(out, c.closedUs);
    put<quint64>(out, c.replayOf);
    putString(out, c.url);
    putString(out, c.clientEndpoint);
    putString(out, c.serverEndpoint);
    putBytes(out, c.requestMethod);
    putBytes(out, c.requestTarget);
    putBytes(out, c.responseReason);
    putBytes(out, c.subprotocol);
    putBytes(out, c.extensions);
    putString(out, c.clientCloseReason);
    putString(out, c.serverCloseReason);
    putString(out, c.error);
    putHeaders(out, c.requestHeaders);
    putHeaders(out, c.responseHeaders);
    endRecord(out, start);
}

void appendEndRecord(std::string &out, quint64 frames, quint64 connections)
{
    size_t start = 0;
    beginRecord(out, RecordEnd, &start);
    put<quint64>(out, frames);
    put<quint64>(out, connections);
    endRecord(out, start);
}

quint32 recordCrc(const char *record, quint32 bodyLength)
{
    return crc32(0, record, size_t(kRecordPrefix) + bodyLength);
}

bool decodeFrameFixed(const char *body, quint32 size, FrameFixed *f)
{
    if (size < quint32(kFrameFixedSize))
        return false;
    f->connectionId = qFromLittleEndian<quint64>(body);
    f->seq = qFromLittleEndian<quint64>(body + 8);
    f->timestampUs = qFromLittleEndian<qint64>(body + 16);
    f->wireLength = qFromLittleEndian<quint64>(body + 24);
    f->maskKey = qFromLittleEndian<quint32>(body + 32);
    f->flags = quint8(body[36]);
    f->opcode = quint8(body[37]);
    f->rsv = quint8(body[38]);
    f->lengthEncoding = quint8(body[39]);
    f->headerLength = quint8(body[40]);
    f->violation = quint8(body[41]);
    f->edit = quint8(body[42]);
    f->payloadSize = qFromLittleEndian<quint32>(body + 44);
    f->messageSize = qFromLittleEndian<quint32>(body + 48);
    f->originalSize = qFromLittleEndian<quint32>(body + 52);
    if (f->opcode > 0x0f || f->rsv > 7 || f->lengthEncoding > 2 || f->headerLength > 14
        || f->violation >= quint8(Violation::Count) || f->edit > quint8(EditMark::Injected))
        return false;
    if (f->payloadSize > kMaxStoredBytes || f->messageSize > kMaxStoredBytes
        || f->originalSize > kMaxStoredBytes)
        return false;
    if ((f->flags & FrameFlag::MessageIsPayload)
        && (f->messageSize != 0 || !(f->flags & FrameFlag::HasMessage)))
        return false;
    if (f->flags & 0x80)
        return false;
    const quint64 total = quint64(kFrameFixedSize) + f->payloadSize + f->messageSize + f->originalSize;
    return total == size;
}

bool decodeFrame(const char *body, quint32 size, FrameRecord *out)
{
    FrameFixed f;
    if (!decodeFrameFixed(body, size, &f))
        return false;
    out->connectionId = f.connectionId;
    out->seq = f.seq;
    out->timestampUs = f.timestampUs;
    out->direction = (f.flags & FrameFlag::ServerToClient) ? Direction::ServerToClient
                                                            : Direction::ClientToServer;
    out->header.payloadLength = f.wireLength;
    out->header.maskKey = f.maskKey;
    out->header.opcode = f.opcode;
    out->header.rsv = f.rsv;
    out->header.fin = f.flags & FrameFlag::Fin;
    out->header.masked = f.flags & FrameFlag::Masked;
    out->header.lengthEncoding = LengthEncoding(f.lengthEncoding);
    out->header.headerLength = f.headerLength;
    out->hasMessage = f.flags & FrameFlag::HasMessage;
    out->unparsed = f.flags & FrameFlag::Unparsed;
    out->violation = Violation(f.violation);
    out->edit = EditMark(f.edit);
    const char *p = body + kFrameFixedSize;
    out->payload = QByteArray(p, qsizetype(f.payloadSize));
    p += f.payloadSize;
    if (f.flags & FrameFlag::MessageIsPayload)
        out->message = out->payload;
    else
        out->message = QByteArray(p, qsizetype(f.messageSize));
    p += f.messageSize;
    out->original = QByteArray(p, qsizetype(f.originalSize));
    return true;
}

bool decodeConnection(const char *body, quint32 size, ConnectionInfo *c)
{
    Reader r(body, size);
    quint8 mode = 0, flags = 0;
    qint32 status = 0, ccc = 0, scc = 0;
    if (!r.get(&c->id) || !r.get(&mode) || !r.get(&flags) || !r.get(&status) || !r.get(&ccc)
        || !r.get(&scc) || !r.get(&c->openedUs) || !r.get(&c->handshakeDoneUs)
        || !r.get(&c->closedUs) || !r.get(&c->replayOf))
        return false;
    if (mode > quint8(ConnectionMode::Imported))
        return false;
    c->mode = ConnectionMode(mode);
    c->tls = flags & 1;
    c->insecureUpstream = flags & 2;
    c->responseStatus = status;
    c->clientCloseCode = ccc;
    c->serverCloseCode = scc;
    return r.string(&c->url) && r.string(&c->clientEndpoint) && r.string(&c->serverEndpoint)
        && r.bytes(&c->requestMethod) && r.bytes(&c->requestTarget) && r.bytes(&c->responseReason)
        && r.bytes(&c->subprotocol) && r.bytes(&c->extensions) && r.string(&c->clientCloseReason)
        && r.string(&c->serverCloseReason) && r.string(&c->error) && r.headers(&c->requestHeaders)
        && r.headers(&c->responseHeaders); // later minor additions may follow: ignored
}

} // namespace wslens::session
