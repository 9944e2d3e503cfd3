#pragma once

// Binary layout of the native session file (docs/SESSION_FORMAT.md).
// Encoding and decoding of single records; no I/O here.

#include "store/capturerecords.h"

#include <QByteArray>
#include <QString>

#include <cstring>
#include <string>

namespace wslens::session {

// File header: 8 magic bytes, u32 version, u32 flags (0). Little-endian.
constexpr char kMagic[8] = {'\x89', 'W', 'S', 'L', 'N', '\r', '\n', '\x1a'};
constexpr quint32 kVersion = 1;
constexpr int kFileHeaderSize = 16;

// Record framing: u32 bodyLength, u8 type, body, u32 crc32 of the
// (length, type, body) bytes.
constexpr int kRecordPrefix = 5;
constexpr int kRecordSuffix = 4;
constexpr int kRecordOverhead = kRecordPrefix + kRecordSuffix;
// Largest record body a reader accepts (and a writer produces).
constexpr quint32 kMaxRecordBody = 256u * 1024u * 1024u;
// Largest payload, message or original kept per frame; longer ones are cut
// and the frame is flagged truncated.
constexpr quint32 kMaxStoredBytes = 64u * 1024u * 1024u;

enum RecordType : quint8 {
    RecordConnection = 1, // a full ConnectionInfo; a later one with the same id replaces it
    RecordFrame = 2,
    RecordEnd = 3, // written on a clean close: u64 frames, u64 connections
};

// Frame record body: fixed part, then payload, message, original.
constexpr int kFrameFixedSize = 56;

namespace FrameFlag {
constexpr quint8 Fin = 0x01;
constexpr quint8 Masked = 0x02;
constexpr quint8 HasMessage = 0x04;
constexpr quint8 Unparsed = 0x08;
constexpr quint8 ServerToClient = 0x10;
constexpr quint8 Truncated = 0x20; // payload, message or original was cut to kMaxStoredBytes
constexpr quint8 MessageIsPayload = 0x40; // message not stored: equal to the payload (messageSize 0)
} // namespace FrameFlag

quint8 frameFlags(const FrameRecord &f);

// Sizes and flags of a frame record, computed once per frame: the stored
// byte strings (each cut to kMaxStoredBytes) and whether the message is
// stored at all (not when it equals the payload).
struct FrameLayout
{
    quint32 payloadSize = 0;
    quint32 messageSize = 0;  // 0 when the message is the payload
    quint32 originalSize = 0;
    quint8 flags = 0;         // FrameFlag bits as stored (Truncated, MessageIsPayload included)
    bool truncated = false;

    quint32 bodySize() const { return quint32(kFrameFixedSize) + payloadSize + messageSize + originalSize; }
    size_t recordSize() const { return size_t(kRecordOverhead) + bodySize(); }
};
FrameLayout frameLayout(const FrameRecord &f);

// Writes the record prefix and the fixed part of the body (kRecordPrefix +
// kFrameFixedSize bytes) with seq in place of f.seq; the byte strings and the
// crc follow.
constexpr int kFrameHeadSize = kRecordPrefix + kFrameFixedSize;
void writeFrameHead(char *out, const FrameRecord &f, const FrameLayout &layout, quint64 seq);
// Writes the whole record (crc left 0, for the writer to fill in) to out, which has room for
// layout.recordSize() bytes.
void writeFrameRecord(char *out, const FrameRecord &f, const FrameLayout &layout, quint64 seq);

// Appends a complete record (prefix, body, crc placeholder of 0) to out.
void appendConnectionRecord(std::string &out, const ConnectionInfo &c);
void appendEndRecord(std::string &out, quint64 frames, quint64 connections);

// crc32 over (length, type, body) as stored in the record suffix.
quint32 recordCrc(const char *record, quint32 bodyLength);

// Decoding: body is the validated record body. Return false when the body is
// malformed (sizes inconsistent, enum out of range).
bool decodeFrame(const char *body, quint32 size, FrameRecord *out);
bool decodeConnection(const char *body, quint32 size, ConnectionInfo *out);

// Just the fixed part of a frame body (for indexing without copying payloads).
struct FrameFixed
{
    quint64 connectionId;
    quint64 seq;
    qint64 timestampUs;
    quint64 wireLength;
    quint32 maskKey;
    quint8 flags;
    quint8 opcode;
    quint8 rsv;
    quint8 lengthEncoding;
    quint8 headerLength;
    quint8 violation;
    quint8 edit;
    quint32 payloadSize;
    quint32 messageSize;
    quint32 originalSize;
};
bool decodeFrameFixed(const char *body, quint32 size, FrameFixed *out);

} // namespace wslens::session
