#pragma once

// Sequential scan of a native session file: validates the header and every
// record (length cap, bounds, crc32) and hands connections and frame index
// data to callbacks. Never allocates more than the device actually holds.

#include "store/sessionformat.h"

#include <QString>

#include <atomic>
#include <functional>

class QIODevice;

namespace wslens::session {

struct ScanCallbacks
{
    std::function<void(ConnectionInfo &&info)> connection;
    // A valid frame record starting at offset, recordSize bytes in all;
    // body points at the record body (fixed part then payload bytes).
    std::function<void(const FrameFixed &fixed, quint64 offset, quint32 recordSize, const char *body)> frame;
    std::function<void(qint64 bytesDone, qint64 bytesTotal)> progress;
};

struct ScanResult
{
    bool ok = false;        // false: not a readable session file (see error) or cancelled
    bool cancelled = false;
    bool cleanEnd = false;  // an end record was found
    QString error;          // one line, when !ok
    QString warning;        // one line: damaged or missing tail (ok stays true)
    quint64 validBytes = 0; // length of the intact prefix
    quint64 frames = 0;
    quint64 connectionRecords = 0;
};

// Reads from the device's current position, which must be the file start.
ScanResult scanSession(QIODevice &device, const ScanCallbacks &callbacks,
                       const std::atomic<bool> *cancel = nullptr);

// True when data starts like a native session file (magic bytes).
bool looksLikeSession(const QByteArray &head);

} // namespace wslens::session
