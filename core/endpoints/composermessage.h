#pragma once

// What the composer sends: a message body in one of several formats, with
// variables, turned into the bytes of one message or one raw frame. Shared by
// the composer UI and tests; no widgets here.

#include "endpoints/framespectext.h"

#include <QByteArray>
#include <QString>

namespace wslens::endpoints {

enum class ComposerFormat : quint8 {
    Text,      // UTF-8 text message
    Json,      // text message; must be valid JSON (sent compact or as typed)
    Hex,       // binary message from hex digits
    Base64,    // binary message from base64
    FrameSpec, // one raw frame (framespectext.h), exactly as specified
};

// Replaces {{counter}} (the given number), {{uuid}} (a random UUID),
// {{timestamp}} (milliseconds since the Unix epoch) and {{random}} (a random
// 32-bit number) in text. Unknown {{names}} are left as they are.
QString expandVariables(const QString &text, quint64 counter);

struct ComposedMessage
{
    bool raw = false;       // bytes are a whole frame (FrameSpec); otherwise a message payload
    quint8 opcode = 0x1;    // Text or Binary for messages
    QByteArray bytes;
};

// Expands variables, then validates and encodes body. False with *error on
// invalid JSON, hex, base64 or frame spec. defaultMasked: a frame spec's
// default masking (true from a client, false from a server).
bool composeMessage(ComposerFormat format, const QString &body, quint64 counter, bool defaultMasked,
                    ComposedMessage *out, QString *error);

// Pretty-prints JSON (false with *error when it does not parse).
bool prettyJson(const QString &json, QString *out, QString *error);

} // namespace wslens::endpoints
