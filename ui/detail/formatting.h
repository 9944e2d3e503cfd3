#pragma once

#include "data/capturesource.h"

#include <QByteArray>
#include <QString>

namespace wslens::ui::fmt {

// "text", "binary", "cont", "close", "ping", "pong", or "0x3" for reserved opcodes.
QString opcodeName(quint8 opcode);
// "→" client to server, "←" server to client.
QString directionArrow(Direction d);
QString directionName(Direction d);
// "FIN RSV1", "— RSV2 RSV3" (a dash when FIN is clear).
QString flagsText(bool fin, quint8 rsv);
// 512 B, 1.5 KiB, 3.2 MiB, 1.1 GiB
QString bytes(qint64 n);
// Local time of day with microseconds: 14:03:27.123456
QString timeOfDay(qint64 epochUs);
// Full local date and time with microseconds.
QString dateTime(qint64 epochUs);
// Duration: 850 µs, 12.3 ms, 4.56 s, 3 min 12 s, 2 h 05 min
QString duration(qint64 us);
QString connectionModeName(ConnectionMode mode);
QString editName(EditMark edit);

// A one-line preview of a frame's leading bytes, built for the visible rows only.
QString preview(quint8 opcode, const QByteArray &bytes, qint64 totalLength);
// Text as it would be shown: UTF-8, invalid sequences replaced.
QString text(const QByteArray &bytes);
// Lowercase hex digits separated by spaces ("48 65 6c").
QString hexBytes(const QByteArray &bytes, int maxBytes);
// Classic dump: offset, 16 hex bytes in two groups of eight, ASCII column.
// At most maxBytes are dumped; a trailing line says how many were left out.
QString hexDump(const QByteArray &bytes, qsizetype maxBytes = 1 << 20);
// Close payload: "1000 normal: bye" (empty payload: "no status").
QString closeSummary(const QByteArray &payload);

} // namespace wslens::ui::fmt
