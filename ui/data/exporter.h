#pragma once

#include "data/capturesource.h"

#include <QByteArray>
#include <QList>

#include <atomic>

class QIODevice;

namespace wslens::ui {

enum class CopyFormat { Text, Hex, Base64 };

// The clipboard text for one frame (the decoded message when the frame
// completes one, otherwise the payload).
QString copyText(const FrameRecord &frame, CopyFormat format);

// Exports frames (source indexes, ascending) with their connections.
// Thread-safe over a CaptureSource whose frame()/connection() are; returns
// false when cancelled or the device failed. errorString receives the reason.
bool exportJsonLines(const CaptureSource &source, const QList<qsizetype> &frames, QIODevice &out,
                     const std::atomic<bool> *cancel, QString *errorString);
bool exportHar(const CaptureSource &source, const QList<qsizetype> &frames, QIODevice &out,
               const std::atomic<bool> *cancel, QString *errorString);

// One JSON Lines object for a frame, in the `wslens inspect --frames` shape.
QByteArray frameJsonLine(const FrameRecord &frame);
QByteArray connectionJsonLine(const ConnectionInfo &connection);

} // namespace wslens::ui
