#pragma once

// CaptureStore: a capture session backed by a native session file
// (docs/SESSION_FORMAT.md). Frames are appended to the file as they arrive
// and read back on demand; RAM holds a 64-byte index record per frame plus the
// connection table.
//
// Threading:
//  * openConnection(), updateConnection(), appendFrame() (CaptureSink) may be
//    called from any thread at any time. They serialise the record into an
//    in-memory batch under a short mutex and return; a writer thread owned by
//    the store writes batches to the file (at least every 20 ms) and then
//    publishes the rows. Only when more than kMaxBacklogBytes are waiting
//    (the disk cannot keep up) does appendFrame() block until the writer
//    catches up.
//  * Readers (frameCount(), summary(), frame(), connection*(), totals()) may
//    be called from any thread. A row is readable once it is published, i.e.
//    once framesAppended() covering it has been emitted (or after flush()).
//  * Signals are emitted from the writer thread (from the thread calling
//    open() while opening), batched: framesAppended at most every ~16-20 ms,
//    never one per frame. Connect receivers living in the GUI thread with the
//    default (queued) connection.
//  * create(), open(), saveAs(), copyTo(), close() are for the owning thread
//    (not concurrently with each other).

#include "store/capturerecords.h"

#include <QByteArrayView>
#include <QList>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace wslens {

// What the timeline needs about a frame, from the index only (no file I/O).
struct FrameSummary
{
    static constexpr int kPreviewBytes = 14;

    quint64 row = 0;
    quint64 connectionId = 0;
    qint64 timestampUs = 0;
    quint64 wireLength = 0;  // payload length on the wire
    quint32 payloadSize = 0; // stored payload bytes
    quint32 messageSize = 0; // decoded message bytes, when hasMessage
    Direction direction = Direction::ClientToServer;
    quint8 opcode = 0;
    quint8 rsv = 0;
    bool fin = false;
    bool masked = false;
    bool hasMessage = false;
    bool unparsed = false;
    bool truncated = false; // stored bytes were cut to session::kMaxStoredBytes
    Violation violation = Violation::None;
    EditMark edit = EditMark::None;
    quint8 previewSize = 0;
    char preview[kPreviewBytes] = {};

    // First bytes of the message (of the payload when the frame completes no message).
    QByteArray previewBytes() const { return QByteArray(preview, previewSize); }
};

struct CaptureTotals
{
    quint64 frames = 0;
    quint64 wireBytes = 0;   // sum of payload lengths on the wire
    quint64 violations = 0;  // frames with a violation
    quint64 edits = 0;       // frames with an edit mark
    qint64 firstUs = 0;      // smallest frame timestamp (0 without frames)
    qint64 lastUs = 0;       // largest frame timestamp
};

class CaptureStore : public QObject, public CaptureSink
{
    Q_OBJECT
public:
    // appendFrame() blocks while more than this many bytes wait for the disk.
    static constexpr quint64 kMaxBacklogBytes = 64ull * 1024 * 1024;

    explicit CaptureStore(QObject *parent = nullptr);
    ~CaptureStore() override; // close()

    // Where captures live until the user saves them elsewhere:
    // QStandardPaths::AppDataLocation + "/captures".
    static QString defaultCaptureDirectory();

    // Starts a new capture written to path (created or truncated, used exactly
    // as given). An empty path creates a fresh file in
    // defaultCaptureDirectory(). Returns false with errorString() on failure.
    bool create(const QString &path = QString());
    // Like create() in the temporary directory; the file is removed on close().
    bool createTemporary();

    struct OpenOptions
    {
        // Called from the opening thread with bytes indexed so far and file size.
        std::function<void(qint64 done, qint64 total)> progress;
        const std::atomic<bool> *cancel = nullptr;
    };
    // Opens a session file read-only (appends are then dropped). Blocks while
    // indexing; run it on a worker thread for large files: rows become readable
    // and framesAppended() is emitted while indexing proceeds. Returns false
    // with errorString() (one line) for a file that cannot be read as a
    // session or when cancelled; a damaged or missing tail is skipped, the
    // rest is loaded and warningString() says what happened.
    bool open(const QString &path, const OpenOptions &options);
    bool open(const QString &path) { return open(path, OpenOptions()); }

    // Blocks until everything appended before the call is in the file and
    // published, and the pending signals are emitted.
    void flush();
    // Flushes, writes the end marker and stops the writer: the capture is
    // complete. It stays readable; later appends are dropped. The file is
    // closed (and a temporary one removed) when the store is destroyed.
    void close();
    // Copies the session to path (overwriting it) and keeps writing there;
    // a capture living in the default location is then removed from there.
    bool saveAs(const QString &path);
    // Copies the session as it is now to path (overwriting it).
    bool copyTo(const QString &path);

    QString filePath() const;
    bool isReadOnly() const;
    QString errorString() const;
    QString warningString() const;

    // CaptureSink; any thread.
    quint64 openConnection(const ConnectionInfo &info) override;
    void updateConnection(const ConnectionInfo &info) override;
    void appendFrame(FrameRecord &&frame) override;

    // Readers; any thread.
    quint64 frameCount() const;
    FrameSummary summary(quint64 row) const;      // row < frameCount()
    FrameRecord frame(quint64 row) const;         // reads the file; default record on failure
    bool readFrame(quint64 row, FrameRecord *out) const;
    // Bulk read for text search and exports; any thread. Calls fn(row, bytes)
    // for the published rows [from, to) in order, where bytes is what a search
    // looks at: the decoded message of a frame that completes one, else the
    // payload (valid only during the call). Reads the session file front to
    // back in blocks of up to kScanChunkBytes (O_DIRECT where possible), located
    // through the index (no walk over other records, no per-row allocation;
    // crcs were checked when the rows were written or indexed). Returns the
    // first row not handed to fn: to when all were, row + 1 when fn(row, ...)
    // returned false, and the row it was at when *cancel turned true (checked
    // every 4096 rows) or the file could not be read.
    static constexpr size_t kScanChunkBytes = 8u * 1024 * 1024;
    using PayloadFn = std::function<bool(quint64 row, QByteArrayView bytes)>;
    quint64 scanPayloads(quint64 from, quint64 to, const PayloadFn &fn,
                         const std::atomic<bool> *cancel = nullptr) const;

    int connectionCount() const;
    ConnectionInfo connectionAt(int index) const; // in order of first appearance
    ConnectionInfo connection(quint64 id) const;  // id 0 when unknown
    QList<ConnectionInfo> connections() const;
    CaptureTotals totals() const;
    quint64 droppedFrames() const; // appends refused (closed, read-only, I/O error)
    quint64 indexMemoryBytes() const;

Q_SIGNALS:
    void framesAppended(quint64 firstRow, quint64 count);
    void connectionsAdded(int firstIndex, int count);
    void connectionsChanged(const QList<quint64> &ids);
    // An I/O problem while capturing (disk full, file removed...), once.
    void ioError(const QString &message);

private:
    struct Private;
    std::unique_ptr<Private> d;
    friend struct Private;
};

} // namespace wslens
