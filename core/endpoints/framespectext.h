#pragma once

// The textual frame spec of `wslens send --frame`, script files and the
// composer: comma-separated key=value pairs describing one raw frame.
//
//   opcode=N      0-15 (decimal or 0xN), required
//   fin=0|1       default 1
//   rsv=0-7       RSV1 = 4, RSV2 = 2, RSV3 = 1; default 0
//   mask=HEX8     a masking key (8 hex digits); mask=none: unmasked;
//                 default: a random key when defaultMasked, else unmasked
//   len=N         declared payload length written in the header (default: the real one)
//   hex=HEX       payload as hex digits (spaces allowed)
//   text=...      payload as UTF-8 text; must be the LAST key: everything after
//                 "text=" is the payload, commas included
//
// Example: opcode=1,fin=0,rsv=4,mask=0a0b0c0d,text=hello, world

#include "protocol/framewriter.h"

#include <QByteArray>
#include <QString>

namespace wslens::endpoints {

struct CraftedFrame
{
    FrameSpec spec;
    QByteArray payload;

    // The bytes on the wire (a random mask key is drawn now when none is fixed).
    QByteArray toBytes() const { return FrameWriter::frame(spec, payload); }
};

// Parses spec; false with *error (one line) on a malformed spec.
bool parseFrameSpec(const QString &spec, bool defaultMasked, CraftedFrame *out, QString *error);

// Lenient hex decoding (whitespace and ':' ignored); false on odd length or a non-hex digit.
bool decodeHex(const QByteArray &hex, QByteArray *out);

} // namespace wslens::endpoints
