#include "tls/clienthello.h"

namespace wslens::tls {

namespace {

// Bounds-checked big-endian reader over one buffer.
class Cursor
{
public:
    Cursor(const unsigned char *data, qsizetype size)
        : m_p(data)
        , m_end(data + size)
    {
    }
    bool skip(qsizetype n)
    {
        if (n < 0 || m_end - m_p < n)
            return false;
        m_p += n;
        return true;
    }
    bool read(int bytes, quint32 &value)
    {
        if (m_end - m_p < bytes)
            return false;
        value = 0;
        for (int i = 0; i < bytes; ++i)
            value = (value << 8) | m_p[i];
        m_p += bytes;
        return true;
    }
    // A sub-cursor over the next n bytes (consumed here).
    bool take(qsizetype n, Cursor &sub)
    {
        if (n < 0 || m_end - m_p < n)
            return false;
        sub = Cursor(m_p, n);
        m_p += n;
        return true;
    }
    const unsigned char *pos() const { return m_p; }
    bool atEnd() const { return m_p >= m_end; }

private:
    const unsigned char *m_p;
    const unsigned char *m_end;
};

QByteArray findServerName(Cursor hello)
{
    quint32 len = 0;
    if (!hello.skip(2 + 32))              // legacy_version, random
        return {};
    if (!hello.read(1, len) || !hello.skip(len)) // session id
        return {};
    if (!hello.read(2, len) || !hello.skip(len)) // cipher suites
        return {};
    if (!hello.read(1, len) || !hello.skip(len)) // compression methods
        return {};
    Cursor extensions(nullptr, 0);
    if (!hello.read(2, len) || !hello.take(len, extensions))
        return {};
    while (!extensions.atEnd()) {
        quint32 type = 0;
        Cursor body(nullptr, 0);
        if (!extensions.read(2, type) || !extensions.read(2, len) || !extensions.take(len, body))
            return {};
        if (type != 0) // server_name
            continue;
        Cursor list(nullptr, 0);
        if (!body.read(2, len) || !body.take(len, list))
            return {};
        while (!list.atEnd()) {
            quint32 nameType = 0;
            if (!list.read(1, nameType) || !list.read(2, len))
                return {};
            const unsigned char *name = list.pos();
            if (!list.skip(len))
                return {};
            if (nameType == 0 && len > 0)
                return QByteArray(reinterpret_cast<const char *>(name), qsizetype(len));
        }
        return {};
    }
    return {};
}

} // namespace

ClientHelloPeek peekClientHello(const char *data, qsizetype size)
{
    ClientHelloPeek result;
    const auto *bytes = reinterpret_cast<const unsigned char *>(data);
    if (size >= 1 && bytes[0] != 0x16) {
        result.status = ClientHelloPeek::Status::NotTls;
        return result;
    }
    if (size >= 2 && bytes[1] != 0x03) {
        result.status = ClientHelloPeek::Status::NotTls;
        return result;
    }
    if (size < 5)
        return result; // NeedMore
    const qsizetype recordLength = (qsizetype(bytes[3]) << 8) | bytes[4];
    if (recordLength == 0 || 5 + recordLength > kMaxClientHelloRecord) {
        result.status = ClientHelloPeek::Status::NotTls;
        return result;
    }
    if (size < 5 + recordLength)
        return result; // NeedMore
    result.status = ClientHelloPeek::Status::Complete;
    Cursor record(bytes + 5, recordLength);
    quint32 type = 0;
    quint32 length = 0;
    if (!record.read(1, type) || type != 1 || !record.read(3, length))
        return result;
    // A ClientHello may continue in the next record: parse what this one holds.
    const qsizetype available = recordLength - 4;
    Cursor hello(record.pos(), qMin<qsizetype>(qsizetype(length), available));
    result.serverName = findServerName(hello);
    return result;
}

} // namespace wslens::tls
