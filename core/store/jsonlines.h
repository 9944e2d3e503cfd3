#pragma once

// The JSON Lines view of a capture (`wslens inspect --frames`, `wslens export
// --format jsonl`): one {"type":"connection",...} line per connection, then one
// {"type":"frame",...} line per frame in capture order.

#include "store/capturerecords.h"

#include <QByteArray>
#include <QString>

class QIODevice;

namespace wslens {

class CaptureStore;

namespace jsonl {

// Fields: type, id, url, mode, client, server, request_method, request_target,
// request_headers [{name,value}], response_status, response_reason,
// response_headers, subprotocol, extensions, opened_us, handshake_us,
// closed_us, close_code (the client's, else the server's, else null),
// client_close_code, client_close_reason, server_close_code,
// server_close_reason, error, tls.
QByteArray connectionLine(const ConnectionInfo &c);

// Fields: type, conn, seq, dir ("c2s"/"s2c"), ts_us, fin, rsv, opcode, masked,
// mask_key (8 lowercase hex digits or null), len, payload_b64, message_b64
// (only when the frame completes a message), violation (null or rule id),
// edit (null, "replaced", "dropped", "injected"), original_b64 (when replaced
// or dropped), plus unparsed / truncated (only when true).
QByteArray frameLine(const FrameRecord &f, bool truncated = false);

const char *modeName(ConnectionMode m);

// Streams every line; false with a one-line error on a write or read failure.
bool writeJsonLines(const CaptureStore &store, QIODevice &out, QString *error);

} // namespace jsonl
} // namespace wslens
