#pragma once

#include "store/capturerecords.h"

#include <QList>
#include <QObject>

#include <functional>
#include <optional>

namespace wslens::ui {

// The compact, fixed-size facts about one frame that the timeline and the
// filters need. Built from the store's in-memory index; never holds payload.
struct FrameFacts
{
    quint64 connectionId = 0;
    quint64 seq = 0;
    qint64 timestampUs = 0;
    quint64 payloadLength = 0;
    quint32 messageLength = 0; // decoded message size on the frame completing a message
    quint8 opcode = 0;
    quint8 rsv = 0;
    bool fin = true;
    bool masked = false;
    bool hasMessage = false;
    bool unparsed = false;
    Direction direction = Direction::ClientToServer;
    Violation violation = Violation::None;
    EditMark edit = EditMark::None;
};

// What the UI reads a capture through. One implementation wraps the capture
// store; another (MemoryCapture) keeps everything in RAM for tests, demos and
// benchmarks. Frames are addressed by their position 0..frameCount()-1.
//
// Threading: the QObject lives on the GUI thread and emits its signals there.
// summary() and searchBytes() are thread-safe for indexes below a frameCount()
// that was observed earlier (the filter worker calls them); everything else is
// for the GUI thread.
class CaptureSource : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual qsizetype frameCount() const = 0;
    virtual FrameFacts summary(qsizetype index) const = 0;
    // A few leading bytes of the decoded message (or of the payload) for the
    // preview column. Cheap: from the index or a small cached read.
    virtual QByteArray preview(qsizetype index, int maxBytes) const = 0;
    // The bytes a text search looks at: the decoded message when the frame
    // completes one, otherwise the payload. Thread-safe.
    virtual QByteArray searchBytes(qsizetype index) const = 0;
    // Bulk form of searchBytes() for the filter worker: calls fn(index, bytes)
    // for frames from..to-1 in order until fn returns false, and returns the
    // index it stopped at (from when it cannot do better than searchBytes()
    // row by row, which is the default). bytes is only valid during the call.
    // Thread-safe.
    virtual qsizetype scanSearchBytes(qsizetype from, qsizetype to,
                                      const std::function<bool(qsizetype, const QByteArray &)> &fn) const
    {
        Q_UNUSED(to);
        Q_UNUSED(fn);
        return from;
    }
    // The whole record, for the detail pane and copy/export (one frame at a time).
    virtual std::optional<FrameRecord> frame(qsizetype index) const = 0;

    virtual QList<ConnectionInfo> connections() const = 0;
    virtual std::optional<ConnectionInfo> connection(quint64 id) const = 0;

    // The session file backing this capture; empty when none.
    virtual QString filePath() const { return {}; }
    virtual qint64 fileSize() const { return 0; }

signals:
    // New frames [first, first + count), emitted in batches, never per frame.
    void framesAppended(qsizetype first, qsizetype count);
    // A connection was opened or its info changed.
    void connectionChanged(quint64 id);
    // Everything was replaced (clear, open another file).
    void reset();
};

} // namespace wslens::ui
