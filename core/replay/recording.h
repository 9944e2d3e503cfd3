#pragma once

// The data messages of recorded connections, read from a capture, in the
// shape replay needs: who sent what, when, and how many server messages had
// arrived before each client message.

#include "store/capturerecords.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace wslens {
class CaptureStore;
}

namespace wslens::replay {

struct RecordedMessage
{
    Direction direction = Direction::ClientToServer;
    quint8 opcode = Opcode::Text; // Text or Binary
    QByteArray data;              // the decoded message
    qint64 timestampUs = 0;
    int serverMessagesBefore = 0; // server messages recorded before this one
};

struct RecordedConnection
{
    ConnectionInfo info;
    QList<RecordedMessage> messages; // in recorded order, both directions

    QList<RecordedMessage> fromClient() const;
    QList<RecordedMessage> fromServer() const;
    // When the recorded conversation started (handshake done, or the first message).
    qint64 startUs() const;
};

// Reads the connections ids (all connections that carry data messages and
// are not replay runs themselves, when ids is empty) from store. Returns false
// with *error (one line) for an unknown id or when nothing is left to replay.
bool loadRecordings(const CaptureStore &store, const QList<quint64> &ids, QList<RecordedConnection> *out,
                    QString *error);

} // namespace wslens::replay
