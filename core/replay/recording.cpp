#include "replay/recording.h"

#include "store/capturestore.h"

#include <QHash>

namespace wslens::replay {

QList<RecordedMessage> RecordedConnection::fromClient() const
{
    QList<RecordedMessage> out;
    for (const RecordedMessage &m : messages) {
        if (m.direction == Direction::ClientToServer)
            out.append(m);
    }
    return out;
}

QList<RecordedMessage> RecordedConnection::fromServer() const
{
    QList<RecordedMessage> out;
    for (const RecordedMessage &m : messages) {
        if (m.direction == Direction::ServerToClient)
            out.append(m);
    }
    return out;
}

qint64 RecordedConnection::startUs() const
{
    const qint64 first = messages.isEmpty() ? 0 : messages.constFirst().timestampUs;
    if (info.handshakeDoneUs > 0 && (messages.isEmpty() || info.handshakeDoneUs <= first))
        return info.handshakeDoneUs;
    return first;
}

bool loadRecordings(const CaptureStore &store, const QList<quint64> &ids, QList<RecordedConnection> *out,
                    QString *error)
{
    // Which connections, in the order asked for (or of first appearance).
    QList<RecordedConnection> connections;
    QHash<quint64, qsizetype> indexOf;
    if (ids.isEmpty()) {
        const QList<ConnectionInfo> all = store.connections();
        for (const ConnectionInfo &info : all) {
            if (info.mode == ConnectionMode::Replay)
                continue;
            indexOf.insert(info.id, connections.size());
            connections.append({info, {}});
        }
    } else {
        for (quint64 id : ids) {
            const ConnectionInfo info = store.connection(id);
            if (info.id == 0) {
                *error = QStringLiteral("no connection %1 in the session").arg(id);
                return false;
            }
            if (indexOf.contains(id))
                continue;
            indexOf.insert(id, connections.size());
            connections.append({info, {}});
        }
    }

    // Opcode of the message in progress per connection and direction
    // (the completing frame of a fragmented message is a continuation).
    QHash<quint64, quint8> pendingOpcode[2];
    QHash<quint64, int> serverCount;
    const quint64 rows = store.frameCount();
    for (quint64 row = 0; row < rows; ++row) {
        const FrameSummary s = store.summary(row);
        const auto it = indexOf.constFind(s.connectionId);
        if (it == indexOf.constEnd() || s.unparsed)
            continue;
        const int dir = s.direction == Direction::ClientToServer ? 0 : 1;
        if (s.opcode == Opcode::Text || s.opcode == Opcode::Binary)
            pendingOpcode[dir].insert(s.connectionId, s.opcode);
        if (!s.hasMessage || Opcode::isControl(s.opcode))
            continue;
        const quint8 opcode = s.opcode != Opcode::Continuation ? s.opcode
                                                               : pendingOpcode[dir].value(s.connectionId, 0);
        if (opcode != Opcode::Text && opcode != Opcode::Binary)
            continue;
        FrameRecord record;
        if (!store.readFrame(row, &record)) {
            *error = QStringLiteral("cannot read frame %1 of the session").arg(row);
            return false;
        }
        RecordedMessage m;
        m.direction = s.direction;
        m.opcode = opcode;
        m.data = record.message;
        m.timestampUs = s.timestampUs;
        int &count = serverCount[s.connectionId];
        m.serverMessagesBefore = count;
        if (s.direction == Direction::ServerToClient)
            ++count;
        connections[*it].messages.append(m);
    }

    out->clear();
    for (RecordedConnection &c : connections) {
        if (!c.messages.isEmpty() || !ids.isEmpty())
            out->append(std::move(c));
    }
    if (out->isEmpty()) {
        *error = QStringLiteral("the session has no connection with data messages to replay");
        return false;
    }
    return true;
}

} // namespace wslens::replay
