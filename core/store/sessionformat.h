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

// Appends a complete record (prefix, body, crc placeholder of 0) to out.
// The crc is filled in later by finishRecords(). Returns the offset of seq
// inside out for frame records (so it can be patched), -1 otherwise.
qsizetype appendFrameRecord(std::string &out, const FrameRecord &f, bool *truncated = nullptr);
void appendConnectionRecord(std::string &out, const ConnectionInfo &c);
void appendEndRecord(std::string &out, quint64 frames, quint64 connections);

// Computes and stores the crc of every record in data[0, size).
void finishRecords(char *data, size_t size);

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
