#include "store/capturestore.h"

#include "store/appendfile.h"
#include "store/chunkreader.h"
#include "store/crc32.h"
#include "store/frameindex.h"
#include "store/sessionformat.h"
#include "store/sessionreader.h"
#include "store/writebatch.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QReadWriteLock>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <QtEndian>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <future>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/uio.h>

namespace wslens {

using Clock = std::chrono::steady_clock;

namespace {
constexpr auto kWriterTick = std::chrono::milliseconds(20);
constexpr auto kMinEmitInterval = std::chrono::milliseconds(16);
constexpr size_t kWakeBytes = 8u * 1024 * 1024;     // wake the writer early past this backlog

QByteArray fileHeader()
{
    QByteArray h(session::kFileHeaderSize, '\0');
    std::memcpy(h.data(), session::kMagic, sizeof session::kMagic);
    qToLittleEndian<quint32>(session::kVersion, h.data() + 8);
    return h;
}

void fillPreview(IndexEntry &e, const char *data, quint32 size)
{
    const quint32 n = qMin<quint32>(size, sizeof e.preview);
    e.previewSize = quint8(n);
    if (n)
        std::memcpy(e.preview, data, n);
}
} // namespace

struct CaptureStore::Private
{
    explicit Private(CaptureStore *owner) : q(owner) { }

    CaptureStore *q;

    // Owner-thread state.
    QString path;
    bool used = false;
    bool readOnly = false;
    bool autosave = false;  // lives in defaultCaptureDirectory() until saved elsewhere
    bool temporary = false; // removed on destruction
    QString error;
    QString warning;

    // Append side (any thread), guarded by appendMutex.
    std::mutex appendMutex;
    std::condition_variable wakeWriter;
    std::condition_variable spaceAvailable;
    std::condition_variable flushed;
    WriteBatch pending;
    quint64 nextSeq = 0;
    quint64 appendGen = 0;
    quint64 writtenGen = 0;
    bool accepting = false;
    bool flushRequested = false;
    bool stopping = false;
    bool writerRunning = false;
    std::thread writer;

    // The file. fileMutex is held by the writer while writing a batch.
    std::mutex fileMutex;
    store::AppendFile writeFile;
    bool writeFailed = false;
    mutable std::mutex readMutex;
    mutable QFile readFile;

    FrameIndex index;
    mutable std::mutex statsMutex;
    CaptureTotals totals;
    std::atomic<quint64> dropped{0};

    // Connections, guarded by connLock.
    mutable QReadWriteLock connLock;
    std::vector<ConnectionInfo> conns;
    QHash<quint64, int> connIndex;
    quint64 nextConnId = 1;

    // Notifications.
    std::mutex notifyMutex;
    QSet<quint64> changedIds;
    int connsNotified = 0;
    quint64 rowsNotified = 0;
    Clock::time_point lastEmit;

    bool startFile(const QString &filePath);
    void writerLoop();
    void writeBatch(WriteBatch &batch);
    std::vector<iovec> iov; // writer thread: the batch being written
    void appendRecordLocked(const std::string &record)
    {
        store::LargeBuffer &block = pending.blockFor(record.size());
        std::memcpy(block.end(), record.data(), record.size());
        pending.added(block, record.size(), record.size());
        ++appendGen;
    }
    // Fills in the crcs of the batch's records and lists its bytes (blocks and
    // external byte strings) in file order in iov.
    void prepareBatch(WriteBatch &batch);

    void publish(const IndexEntry *entries, quint64 n);
    void emitPending(bool force);
    void markChanged(quint64 id)
    {
        std::lock_guard<std::mutex> lk(notifyMutex);
        changedIds.insert(id);
    }
};

// ---------------------------------------------------------------------------

CaptureStore::CaptureStore(QObject *parent) : QObject(parent), d(std::make_unique<Private>(this))
{
}

CaptureStore::~CaptureStore()
{
    close();
    d->writeFile.close();
    {
        std::lock_guard<std::mutex> lk(d->readMutex);
        d->readFile.close();
    }
    if (d->temporary && !d->path.isEmpty())
        QFile::remove(d->path);
}

QString CaptureStore::defaultCaptureDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/captures");
}

bool CaptureStore::Private::startFile(const QString &filePath)
{
    if (used) {
        error = QStringLiteral("this capture store is already in use");
        return false;
    }
    if (!writeFile.open(filePath, true)) {
        error = writeFile.errorString();
        return false;
    }
    const QByteArray header = fileHeader();
    if (!writeFile.append(header.constData(), size_t(header.size()))) {
        error = writeFile.errorString();
        writeFile.close();
        return false;
    }
    readFile.setFileName(filePath);
    if (!readFile.open(QIODevice::ReadOnly)) {
        error = QStringLiteral("cannot read back %1: %2").arg(filePath, readFile.errorString());
        writeFile.close();
        return false;
    }
    path = filePath;
    used = true;
    accepting = true;
    writerRunning = true;
    lastEmit = Clock::now();
    writer = std::thread([this] { writerLoop(); });
    return true;
}

bool CaptureStore::create(const QString &path)
{
    QString target = path;
    if (target.isEmpty()) {
        const QString dir = defaultCaptureDirectory();
        if (!QDir().mkpath(dir)) {
            d->error = QStringLiteral("cannot create the capture folder %1").arg(dir);
            return false;
        }
        const QString stem = dir + QStringLiteral("/capture-")
            + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
        target = stem + QStringLiteral(".wslens");
        for (int i = 2; QFileInfo::exists(target); ++i)
            target = stem + QLatin1Char('-') + QString::number(i) + QStringLiteral(".wslens");
    }
    if (!d->startFile(target))
        return false;
    d->autosave = path.isEmpty();
    return true;
}

bool CaptureStore::createTemporary()
{
    QTemporaryFile tmp(QDir::tempPath() + QStringLiteral("/wslens-XXXXXX.wslens"));
    tmp.setAutoRemove(false);
    if (!tmp.open()) {
        d->error = QStringLiteral("cannot create a temporary file: %1").arg(tmp.errorString());
        return false;
    }
    const QString name = tmp.fileName();
    tmp.close();
    if (!d->startFile(name)) {
        QFile::remove(name);
        return false;
    }
    d->temporary = true;
    return true;
}

// --- writer thread ----------------------------------------------------------

void CaptureStore::Private::writerLoop()
{
    WriteBatch batch;
    for (;;) {
        quint64 gen = 0;
        bool stop = false;
        bool forced = false;
        {
            std::unique_lock<std::mutex> lk(appendMutex);
            wakeWriter.wait_for(lk, kWriterTick, [this] {
                return stopping || flushRequested || pending.bytes() >= kWakeBytes;
            });
            batch.swap(pending);
            gen = appendGen;
            stop = stopping;
            forced = flushRequested || stopping;
            flushRequested = false;
        }
        spaceAvailable.notify_all();
        if (!batch.empty())
            writeBatch(batch);
        batch.recycle();
        emitPending(forced);
        {
            std::lock_guard<std::mutex> lk(appendMutex);
            writtenGen = gen;
            if (stop)
                writerRunning = false;
        }
        flushed.notify_all();
        if (stop)
            return;
    }
}

void CaptureStore::Private::prepareBatch(WriteBatch &batch)
{
    iov.clear();
    const std::vector<WriteBatch::External> &ext = batch.externals();
    size_t nextExt = 0;
    for (size_t i = 0; i < batch.blockCount(); ++i) {
        store::LargeBuffer &block = batch.block(i);
        char *data = block.data();
        size_t pos = 0, segment = 0;
        while (pos < block.size()) {
            if (nextExt < ext.size() && ext[nextExt].block == i && ext[nextExt].at == pos) {
                // head in the block, byte strings by reference, crc slot after the head
                const WriteBatch::External &x = ext[nextExt++];
                const size_t head = size_t(session::kFrameHeadSize);
                quint32 crc = session::crc32(0, data + pos, head);
                iov.push_back({data + segment, pos + head - segment});
                for (const QByteArray &part : x.parts) {
                    if (part.isEmpty())
                        continue;
                    crc = session::crc32(crc, part.constData(), size_t(part.size()));
                    iov.push_back({const_cast<char *>(part.constData()), size_t(part.size())});
                }
                qToLittleEndian<quint32>(crc, data + pos + head);
                segment = pos + head;
                pos += head + session::kRecordSuffix;
                continue;
            }
            const quint32 body = qFromLittleEndian<quint32>(data + pos);
            qToLittleEndian<quint32>(session::recordCrc(data + pos, body), data + pos + session::kRecordPrefix + body);
            pos += session::kRecordOverhead + body;
        }
        if (block.size() > segment)
            iov.push_back({data + segment, block.size() - segment});
    }
}

void CaptureStore::Private::writeBatch(WriteBatch &batch)
{
    quint64 base = 0;
    quint64 written = 0;
    {
        std::lock_guard<std::mutex> lk(fileMutex);
        base = writeFile.size();
        if (!writeFailed) {
            prepareBatch(batch);
            if (writeFile.append(iov.data(), iov.size())) {
                written = batch.bytes();
            } else {
                writeFailed = true;
                // Keep the file record-aligned: cut the partly written batch off again.
                const QString msg = QStringLiteral("%1; capturing to the file stopped").arg(writeFile.errorString());
                writeFile.truncate(base);
                QMetaObject::invokeMethod(q, [q = q, msg] { Q_EMIT q->ioError(msg); }, Qt::QueuedConnection);
            }
        }
    }
    // Publish the frames whose records made it to the file.
    for (size_t i = 0; i < batch.entryBlockCount(); ++i) {
        std::vector<IndexEntry> &entries = batch.entryBlock(i);
        size_t ok = 0;
        for (IndexEntry &e : entries) {
            if (e.offset + e.recordSize > written)
                break;
            e.offset += base;
            ++ok;
        }
        publish(entries.data(), ok);
        dropped += entries.size() - ok;
    }
}

void CaptureStore::Private::publish(const IndexEntry *entries, quint64 n)
{
    if (n == 0)
        return;
    CaptureTotals add;
    qint64 first = entries[0].timestampUs, last = entries[0].timestampUs;
    for (quint64 i = 0; i < n; ++i) {
        const IndexEntry &e = entries[i];
        add.wireBytes += e.wireLength;
        add.violations += e.violation != 0;
        add.edits += e.edit != 0;
        first = qMin(first, e.timestampUs);
        last = qMax(last, e.timestampUs);
    }
    const quint64 done = index.append(entries, n);
    if (done < n)
        dropped += n - done;
    std::lock_guard<std::mutex> lk(statsMutex);
    if (totals.frames == 0) {
        totals.firstUs = first;
        totals.lastUs = last;
    } else {
        totals.firstUs = qMin(totals.firstUs, first);
        totals.lastUs = qMax(totals.lastUs, last);
    }
    totals.frames += done;
    totals.wireBytes += add.wireBytes;
    totals.violations += add.violations;
    totals.edits += add.edits;
}

void CaptureStore::Private::emitPending(bool force)
{
    const Clock::time_point now = Clock::now();
    if (!force && now - lastEmit < kMinEmitInterval)
        return;
    int connCount = 0;
    {
        QReadLocker lk(&connLock);
        connCount = int(conns.size());
    }
    QList<quint64> changed;
    {
        std::lock_guard<std::mutex> lk(notifyMutex);
        if (!changedIds.isEmpty()) {
            changed = changedIds.values();
            changedIds.clear();
        }
    }
    const quint64 rows = index.size();
    bool emitted = false;
    if (connCount > connsNotified) {
        const int first = connsNotified;
        connsNotified = connCount;
        Q_EMIT q->connectionsAdded(first, connCount - first);
        emitted = true;
    }
    if (!changed.isEmpty()) {
        std::sort(changed.begin(), changed.end());
        Q_EMIT q->connectionsChanged(changed);
        emitted = true;
    }
    if (rows > rowsNotified) {
        const quint64 first = rowsNotified;
        rowsNotified = rows;
        Q_EMIT q->framesAppended(first, rows - first);
        emitted = true;
    }
    if (emitted)
        lastEmit = now;
}

// --- CaptureSink --------------------------------------------------------------

quint64 CaptureStore::openConnection(const ConnectionInfo &info)
{
    std::lock_guard<std::mutex> lk(d->appendMutex);
    ConnectionInfo c = info;
    {
        QWriteLocker wl(&d->connLock);
        c.id = d->nextConnId++;
        d->connIndex.insert(c.id, int(d->conns.size()));
        d->conns.push_back(c);
    }
    if (d->accepting) {
        std::string record;
        session::appendConnectionRecord(record, c);
        d->appendRecordLocked(record);
    }
    return c.id;
}

void CaptureStore::updateConnection(const ConnectionInfo &info)
{
    std::lock_guard<std::mutex> lk(d->appendMutex);
    {
        QWriteLocker wl(&d->connLock);
        const auto it = d->connIndex.constFind(info.id);
        if (it == d->connIndex.constEnd())
            return;
        d->conns[size_t(*it)] = info;
    }
    d->markChanged(info.id);
    if (d->accepting) {
        std::string record;
        session::appendConnectionRecord(record, info);
        d->appendRecordLocked(record);
    }
}

void CaptureStore::appendFrame(FrameRecord &&frame)
{
    const FrameRecord f = std::move(frame);
    const session::FrameLayout layout = session::frameLayout(f);
    IndexEntry e;
    e.offset = 0;
    e.timestampUs = f.timestampUs;
    e.wireLength = f.header.payloadLength;
    e.connectionId = f.connectionId;
    e.recordSize = quint32(layout.recordSize());
    e.payloadSize = layout.payloadSize;
    e.messageSize = f.hasMessage ? quint32(qMin<qsizetype>(f.message.size(), session::kMaxStoredBytes)) : 0;
    e.flags = layout.flags & ~session::FrameFlag::MessageIsPayload;
    e.opcode = f.header.opcode & 0x0f;
    e.rsv = f.header.rsv & 0x07;
    e.violation = quint8(f.violation);
    e.edit = quint8(f.edit);
    if (f.hasMessage && !f.message.isEmpty())
        fillPreview(e, f.message.constData(), quint32(qMin<qsizetype>(f.message.size(), 64)));
    else
        fillPreview(e, f.payload.constData(), quint32(qMin<qsizetype>(f.payload.size(), 64)));

    // Big byte strings are written from where they are (no copy here).
    const bool external = quint64(layout.payloadSize) + layout.messageSize + layout.originalSize
        >= WriteBatch::kExternalBytes;
    const size_t blockBytes = external ? size_t(session::kFrameHeadSize + session::kRecordSuffix) : layout.recordSize();
    QByteArray parts[3];
    if (external) {
        auto cut = [](const QByteArray &b, quint32 stored) { return b.size() > qsizetype(stored) ? b.left(stored) : b; };
        parts[0] = cut(f.payload, layout.payloadSize);
        if (layout.messageSize)
            parts[1] = cut(f.message, layout.messageSize);
        if (layout.originalSize)
            parts[2] = cut(f.original, layout.originalSize);
    }
    bool wake = false;
    {
        std::unique_lock<std::mutex> lk(d->appendMutex);
        if (d->pending.bytes() > kMaxBacklogBytes && d->accepting)
            d->spaceAvailable.wait(lk, [this] {
                return d->pending.bytes() <= kMaxBacklogBytes || !d->accepting;
            });
        if (!d->accepting) {
            ++d->dropped;
            return;
        }
        store::LargeBuffer &block = d->pending.blockFor(blockBytes);
        const size_t at = block.size();
        if (external) {
            session::writeFrameHead(block.end(), f, layout, d->nextSeq++);
            d->pending.addExternal(at, std::move(parts[0]), std::move(parts[1]), std::move(parts[2]));
        } else {
            session::writeFrameRecord(block.end(), f, layout, d->nextSeq++);
        }
        e.offset = d->pending.bytes();
        d->pending.added(block, blockBytes, e.recordSize);
        d->pending.addEntry(e);
        ++d->appendGen;
        wake = d->pending.bytes() >= kWakeBytes && d->pending.bytes() - e.recordSize < kWakeBytes;
    }
    if (wake)
        d->wakeWriter.notify_one();
}

// --- lifecycle -----------------------------------------------------------------

void CaptureStore::flush()
{
    std::unique_lock<std::mutex> lk(d->appendMutex);
    if (!d->writerRunning)
        return;
    const quint64 target = d->appendGen;
    d->flushRequested = true;
    d->wakeWriter.notify_one();
    d->flushed.wait(lk, [&] { return d->writtenGen >= target || !d->writerRunning; });
}

void CaptureStore::close()
{
    {
        std::lock_guard<std::mutex> lk(d->appendMutex);
        if (!d->writer.joinable())
            return;
        if (d->accepting) {
            QReadLocker rl(&d->connLock);
            std::string record;
            session::appendEndRecord(record, d->nextSeq, d->conns.size());
            d->appendRecordLocked(record);
        }
        d->accepting = false;
        d->stopping = true;
    }
    d->wakeWriter.notify_one();
    d->spaceAvailable.notify_all();
    d->writer.join();
    std::lock_guard<std::mutex> lk(d->fileMutex);
    d->writeFile.close();
}

bool CaptureStore::open(const QString &path, const OpenOptions &options)
{
    if (d->used) {
        d->error = QStringLiteral("this capture store is already in use");
        return false;
    }
    // Large sequential reads, O_DIRECT for big files where possible (see ChunkReader).
    store::ChunkDevice file(path, QFileInfo(path).size() >= qint64(store::ChunkReader::kDirectMinBytes));
    if (!file.open(QIODevice::ReadOnly)) {
        QFile probe(path); // for the system's reason
        probe.open(QIODevice::ReadOnly);
        d->error = QStringLiteral("cannot open %1: %2").arg(path, probe.errorString());
        return false;
    }
    d->used = true;
    d->readOnly = true;
    d->path = path;
    d->readFile.setFileName(path);
    if (!d->readFile.open(QIODevice::ReadOnly)) {
        d->error = QStringLiteral("cannot open %1: %2").arg(path, d->readFile.errorString());
        return false;
    }
    d->lastEmit = Clock::now();

    std::vector<IndexEntry> batch;
    batch.reserve(4096);
    auto flushBatch = [&] {
        d->publish(batch.data(), batch.size());
        batch.clear();
        d->emitPending(false);
    };
    session::ScanCallbacks cb;
    cb.connection = [&](ConnectionInfo &&info) {
        QWriteLocker wl(&d->connLock);
        const auto it = d->connIndex.constFind(info.id);
        const quint64 id = info.id;
        if (it != d->connIndex.constEnd()) {
            d->conns[size_t(*it)] = std::move(info);
            wl.unlock();
            d->markChanged(id);
        } else {
            d->connIndex.insert(id, int(d->conns.size()));
            d->conns.push_back(std::move(info));
            d->nextConnId = qMax(d->nextConnId, id + 1);
        }
    };
    cb.frame = [&](const session::FrameFixed &fx, quint64 offset, quint32 recordSize, const char *body) {
        IndexEntry e;
        e.offset = offset;
        e.timestampUs = fx.timestampUs;
        e.wireLength = fx.wireLength;
        e.connectionId = fx.connectionId;
        e.recordSize = recordSize;
        e.payloadSize = fx.payloadSize;
        e.messageSize = (fx.flags & session::FrameFlag::MessageIsPayload) ? fx.payloadSize : fx.messageSize;
        e.flags = fx.flags & ~session::FrameFlag::MessageIsPayload;
        e.opcode = fx.opcode;
        e.rsv = fx.rsv;
        e.violation = fx.violation;
        e.edit = fx.edit;
        const char *payload = body + session::kFrameFixedSize;
        if ((fx.flags & session::FrameFlag::HasMessage) && fx.messageSize)
            fillPreview(e, payload + fx.payloadSize, fx.messageSize);
        else
            fillPreview(e, payload, fx.payloadSize);
        batch.push_back(e);
        if (batch.size() >= 4096)
            flushBatch();
    };
    cb.progress = [&](qint64 done, qint64 total) {
        if (options.progress)
            options.progress(done, total);
    };
    const session::ScanResult r = session::scanSession(file, cb, options.cancel);
    d->publish(batch.data(), batch.size());
    batch.clear();
    d->emitPending(true);
    d->nextSeq = d->index.size();
    if (!r.ok) {
        d->error = QStringLiteral("%1: %2").arg(path, r.error);
        return false;
    }
    d->warning = r.warning.isEmpty() ? QString() : QStringLiteral("%1: %2").arg(path, r.warning);
    return true;
}

static bool copyFile(const QString &from, const QString &to, QString *error)
{
    if (QFileInfo::exists(to) && !QFile::remove(to)) {
        *error = QStringLiteral("cannot replace %1").arg(to);
        return false;
    }
    QFile src(from);
    if (!src.copy(to)) {
        *error = QStringLiteral("cannot copy the capture to %1: %2").arg(to, src.errorString());
        return false;
    }
    return true;
}

bool CaptureStore::copyTo(const QString &path)
{
    if (d->path.isEmpty()) {
        d->error = QStringLiteral("nothing to copy: no capture file");
        return false;
    }
    flush();
    std::lock_guard<std::mutex> lk(d->fileMutex);
    return copyFile(d->path, path, &d->error);
}

bool CaptureStore::saveAs(const QString &path)
{
    if (d->path.isEmpty()) {
        d->error = QStringLiteral("nothing to save: no capture file");
        return false;
    }
    if (QFileInfo(path).absoluteFilePath() == QFileInfo(d->path).absoluteFilePath())
        return true;
    flush();
    std::lock_guard<std::mutex> fl(d->fileMutex);
    std::lock_guard<std::mutex> rl(d->readMutex);
    if (!copyFile(d->path, path, &d->error))
        return false;
    if (d->writeFile.isOpen()) {
        d->writeFile.close();
        if (!d->writeFile.open(path, false)) {
            d->error = d->writeFile.errorString();
            d->writeFailed = true;
            return false;
        }
    }
    d->readFile.close();
    d->readFile.setFileName(path);
    d->readFile.open(QIODevice::ReadOnly);
    const QString old = d->path;
    d->path = path;
    if (d->autosave || d->temporary)
        QFile::remove(old);
    d->autosave = false;
    d->temporary = false;
    return true;
}

QString CaptureStore::filePath() const { return d->path; }
bool CaptureStore::isReadOnly() const { return d->readOnly; }
QString CaptureStore::errorString() const { return d->error; }
QString CaptureStore::warningString() const { return d->warning; }

// --- readers -------------------------------------------------------------------

quint64 CaptureStore::frameCount() const { return d->index.size(); }

FrameSummary CaptureStore::summary(quint64 row) const
{
    FrameSummary s;
    if (row >= d->index.size())
        return s;
    const IndexEntry &e = d->index.at(row);
    s.row = row;
    s.connectionId = e.connectionId;
    s.timestampUs = e.timestampUs;
    s.wireLength = e.wireLength;
    s.payloadSize = e.payloadSize;
    s.messageSize = e.messageSize;
    s.direction = (e.flags & session::FrameFlag::ServerToClient) ? Direction::ServerToClient
                                                                  : Direction::ClientToServer;
    s.opcode = e.opcode;
    s.rsv = e.rsv;
    s.fin = e.flags & session::FrameFlag::Fin;
    s.masked = e.flags & session::FrameFlag::Masked;
    s.hasMessage = e.flags & session::FrameFlag::HasMessage;
    s.unparsed = e.flags & session::FrameFlag::Unparsed;
    s.truncated = e.flags & session::FrameFlag::Truncated;
    s.violation = Violation(e.violation);
    s.edit = EditMark(e.edit);
    s.previewSize = e.previewSize;
    std::memcpy(s.preview, e.preview, sizeof s.preview);
    return s;
}

bool CaptureStore::readFrame(quint64 row, FrameRecord *out) const
{
    if (row >= d->index.size())
        return false;
    const IndexEntry &e = d->index.at(row);
    if (e.recordSize < quint32(session::kRecordOverhead))
        return false;
    QByteArray buf(qsizetype(e.recordSize), Qt::Uninitialized);
    {
        std::lock_guard<std::mutex> lk(d->readMutex);
        if (!d->readFile.isOpen() || !d->readFile.seek(qint64(e.offset))
            || d->readFile.read(buf.data(), buf.size()) != buf.size())
            return false;
    }
    const quint32 body = qFromLittleEndian<quint32>(buf.constData());
    if (body + quint64(session::kRecordOverhead) != e.recordSize
        || quint8(buf.at(4)) != session::RecordFrame
        || qFromLittleEndian<quint32>(buf.constData() + session::kRecordPrefix + body)
            != session::recordCrc(buf.constData(), body))
        return false;
    return session::decodeFrame(buf.constData() + session::kRecordPrefix, body, out);
}

quint64 CaptureStore::scanPayloads(quint64 from, quint64 to, const PayloadFn &fn,
                                   const std::atomic<bool> *cancel) const
{
    to = qMin(to, d->index.size());
    if (from >= to)
        return from;
    QString path;
    {
        std::lock_guard<std::mutex> lk(d->readMutex); // saveAs() changes it under this lock
        path = d->path;
    }
    const quint64 span = d->index.at(to - 1).offset - d->index.at(from).offset;
    const bool big = span >= store::ChunkReader::kDirectMinBytes;
    // Two readers: while the rows of one block are handed to fn, the next
    // block is read on another thread (O_DIRECT reads have no read-ahead).
    store::ChunkReader readers[2];
    if (path.isEmpty() || !readers[0].open(path, big) || (big && !readers[1].open(path, big)))
        return from;

    struct Block
    {
        quint64 firstRow = 0, endRow = 0, start = 0, end = 0;
        const char *data = nullptr;
    };
    // The rows whose records fit in one block from row's record on.
    auto plan = [this, to](quint64 row) {
        Block b;
        b.firstRow = row;
        b.start = d->index.at(row).offset;
        b.end = b.start + d->index.at(row).recordSize;
        b.endRow = row + 1;
        for (; b.endRow < to; ++b.endRow) {
            const IndexEntry &e = d->index.at(b.endRow);
            if (e.offset + e.recordSize - b.start > kScanChunkBytes)
                break;
            b.end = e.offset + e.recordSize;
        }
        return b;
    };
    auto load = [&readers](Block b, int which) {
        b.data = readers[which].read(b.start, size_t(b.end - b.start));
        return b;
    };

    int current = 0;
    Block block = load(plan(from), current);
    std::future<Block> ahead;
    quint64 row = from;
    while (row < to) {
        if (!block.data)
            return row;
        if (big && block.endRow < to)
            ahead = std::async(std::launch::async, load, plan(block.endRow), 1 - current);
        // (returning early below waits for the read ahead: the future's destructor blocks)
        for (; row < block.endRow; ++row) {
            if (cancel && (row & 4095) == 0 && cancel->load(std::memory_order_relaxed))
                return row;
            const IndexEntry &e = d->index.at(row);
            const char *rec = block.data + (e.offset - block.start);
            const quint32 body = qFromLittleEndian<quint32>(rec);
            session::FrameFixed fx;
            if (body + quint64(session::kRecordOverhead) != e.recordSize || quint8(rec[4]) != session::RecordFrame
                || !session::decodeFrameFixed(rec + session::kRecordPrefix, body, &fx))
                return row;
            const char *bytes = rec + session::kFrameHeadSize;
            quint32 size = fx.payloadSize;
            if ((fx.flags & session::FrameFlag::HasMessage) && !(fx.flags & session::FrameFlag::MessageIsPayload)) {
                bytes += fx.payloadSize;
                size = fx.messageSize;
            }
            if (!fn(row, QByteArrayView(bytes, qsizetype(size))))
                return row + 1;
        }
        if (row >= to)
            break;
        if (ahead.valid()) {
            block = ahead.get();
            current = 1 - current;
        } else {
            block = load(plan(row), current);
        }
    }
    return to;
}

FrameRecord CaptureStore::frame(quint64 row) const
{
    FrameRecord f;
    if (!readFrame(row, &f))
        return FrameRecord();
    return f;
}

int CaptureStore::connectionCount() const
{
    QReadLocker lk(&d->connLock);
    return int(d->conns.size());
}

ConnectionInfo CaptureStore::connectionAt(int index) const
{
    QReadLocker lk(&d->connLock);
    if (index < 0 || size_t(index) >= d->conns.size())
        return ConnectionInfo();
    return d->conns[size_t(index)];
}

ConnectionInfo CaptureStore::connection(quint64 id) const
{
    QReadLocker lk(&d->connLock);
    const auto it = d->connIndex.constFind(id);
    if (it == d->connIndex.constEnd())
        return ConnectionInfo();
    return d->conns[size_t(*it)];
}

QList<ConnectionInfo> CaptureStore::connections() const
{
    QReadLocker lk(&d->connLock);
    return QList<ConnectionInfo>(d->conns.begin(), d->conns.end());
}

CaptureTotals CaptureStore::totals() const
{
    std::lock_guard<std::mutex> lk(d->statsMutex);
    return d->totals;
}

quint64 CaptureStore::droppedFrames() const { return d->dropped.load(); }

quint64 CaptureStore::indexMemoryBytes() const { return d->index.memoryBytes(); }

} // namespace wslens
