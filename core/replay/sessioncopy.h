#pragma once

// Copies every connection and frame of a capture into another sink (so a
// replay can be saved next to what it replays).

#include "store/capturerecords.h"

#include <QHash>

namespace wslens {
class CaptureStore;
}

namespace wslens::replay {

// Returns the id each connection of from got in to (from id -> to id).
QHash<quint64, quint64> copySession(const CaptureStore &from, CaptureSink &to);

} // namespace wslens::replay
