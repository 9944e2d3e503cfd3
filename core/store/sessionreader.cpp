#include "store/sessionreader.h"

#include <QIODevice>
#include <QtEndian>

#include <cstring>
#include <vector>

namespace wslens::session {

namespace {

// A forward-only window over the device that grows only up to what is needed
// and never beyond what the device holds.
class Window
{
public:
    Window(QIODevice &d, quint64 sizeHint)
        : m_dev(d), m_buf(size_t(qBound<quint64>(4096, sizeHint, 4 * 1024 * 1024)))
    {
    }

    // Makes [offset, offset + n) available; returns how many of those bytes
    // exist (less than n at the end of the data).
    quint64 ensure(quint64 offset, quint64 n)
    {
        if (offset < m_start) // never happens: forward only
            return 0;
        if (offset + n <= m_start + m_len)
            return n;
        // Drop consumed bytes.
        const quint64 skip = offset - m_start;
        if (skip >= m_len) {
            m_start = offset;
            m_len = 0;
        } else {
            std::memmove(m_buf.data(), m_buf.data() + skip, size_t(m_len - skip));
            m_start = offset;
            m_len -= skip;
        }
        if (n > m_buf.size())
            m_buf.resize(size_t(n)); // caller bounded n by the device size
        while (m_len < n && !m_eof) {
            const qint64 got = m_dev.read(m_buf.data() + m_len, qint64(m_buf.size() - m_len));
            if (got <= 0) {
                m_eof = true;
                break;
            }
            m_len += quint64(got);
        }
        return qMin(n, m_len);
    }
    const char *at(quint64 offset) const { return m_buf.data() + (offset - m_start); }

private:
    QIODevice &m_dev;
    std::vector<char> m_buf;
    quint64 m_start = 0;
    quint64 m_len = 0;
    bool m_eof = false;
};

QString damage(quint64 offset, quint64 total, const char *what)
{
    const quint64 skipped = total > offset ? total - offset : 0;
    return QStringLiteral("damaged session file: %1 at byte %2; the last %3 bytes were skipped")
        .arg(QLatin1String(what))
        .arg(offset)
        .arg(skipped);
}

} // namespace

bool looksLikeSession(const QByteArray &head)
{
    return head.size() >= 4 && std::memcmp(head.constData(), kMagic, 4) == 0;
}

ScanResult scanSession(QIODevice &device, const ScanCallbacks &cb, const std::atomic<bool> *cancel)
{
    ScanResult r;
    const qint64 sizeAtStart = device.size();
    const quint64 total = sizeAtStart > 0 ? quint64(sizeAtStart) : 0;
    Window w(device, total);

    const quint64 head = w.ensure(0, kFileHeaderSize);
    if (head == 0) {
        r.error = QStringLiteral("the file is empty");
        return r;
    }
    if (std::memcmp(w.at(0), kMagic, size_t(qMin<quint64>(head, sizeof kMagic))) != 0) {
        r.error = QStringLiteral("not a wslens session file (unknown format)");
        return r;
    }
    if (head < quint64(kFileHeaderSize)) {
        r.error = QStringLiteral("truncated session file: the %1-byte header is cut short after %2 bytes")
                      .arg(kFileHeaderSize)
                      .arg(head);
        return r;
    }
    const quint32 version = qFromLittleEndian<quint32>(w.at(8));
    if (version != kVersion) {
        r.error = QStringLiteral("unsupported session file version %1 (this build reads version %2)")
                      .arg(version)
                      .arg(kVersion);
        return r;
    }

    quint64 offset = kFileHeaderSize;
    quint64 records = 0;
    quint64 lastProgress = 0;
    // The device may grow while we read (a live capture); bound allocations by
    // what is there now and re-check with the actual read.
    quint64 knownSize = total;
    auto available = [&]() {
        knownSize = qMax<quint64>(knownSize, quint64(qMax<qint64>(0, device.size())));
        return knownSize;
    };
    r.ok = true;
    for (;;) {
        if (cancel && (records & 1023) == 0 && cancel->load(std::memory_order_relaxed)) {
            r.ok = false;
            r.cancelled = true;
            r.error = QStringLiteral("opening was cancelled");
            break;
        }
        const quint64 have = w.ensure(offset, kRecordOverhead);
        if (have == 0) {
            if (!r.cleanEnd)
                r.warning = QStringLiteral("session file has no end marker (the capture was interrupted or is still running); %1 frames loaded")
                                .arg(r.frames);
            break;
        }
        if (have < quint64(kRecordOverhead)) {
            r.warning = damage(offset, available(), "truncated record");
            break;
        }
        const quint32 body = qFromLittleEndian<quint32>(w.at(offset));
        if (body > kMaxRecordBody) {
            r.warning = damage(offset, available(), "record length over the limit");
            break;
        }
        const quint64 need = quint64(kRecordOverhead) + body;
        if (offset + need > knownSize && offset + need > available()) {
            r.warning = damage(offset, available(), "truncated record");
            break;
        }
        if (w.ensure(offset, need) < need) {
            r.warning = damage(offset, available(), "truncated record");
            break;
        }
        const char *rec = w.at(offset);
        if (qFromLittleEndian<quint32>(rec + kRecordPrefix + body) != recordCrc(rec, body)) {
            r.warning = damage(offset, available(), "checksum mismatch");
            break;
        }
        const quint8 type = quint8(rec[4]);
        const char *bodyPtr = rec + kRecordPrefix;
        if (type == RecordFrame) {
            FrameFixed fixed;
            if (!decodeFrameFixed(bodyPtr, body, &fixed)) {
                r.warning = damage(offset, available(), "malformed frame record");
                break;
            }
            ++r.frames;
            if (cb.frame)
                cb.frame(fixed, offset, quint32(need), bodyPtr);
        } else if (type == RecordConnection) {
            ConnectionInfo info;
            if (!decodeConnection(bodyPtr, body, &info)) {
                r.warning = damage(offset, available(), "malformed connection record");
                break;
            }
            ++r.connectionRecords;
            if (cb.connection)
                cb.connection(std::move(info));
        } else if (type == RecordEnd) {
            r.cleanEnd = true;
        } // other types: written by a newer minor revision, skipped
        offset += need;
        r.validBytes = offset;
        ++records;
        if (cb.progress && offset - lastProgress >= 4 * 1024 * 1024) {
            lastProgress = offset;
            cb.progress(qint64(offset), qint64(available()));
        }
    }
    if (r.validBytes == 0)
        r.validBytes = kFileHeaderSize;
    if (cb.progress && r.ok)
        cb.progress(qint64(r.validBytes), qint64(available()));
    return r;
}

} // namespace wslens::session
