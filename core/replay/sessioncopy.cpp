#include "replay/sessioncopy.h"

#include "store/capturestore.h"

namespace wslens::replay {

QHash<quint64, quint64> copySession(const CaptureStore &from, CaptureSink &to)
{
    QHash<quint64, quint64> ids;
    const QList<ConnectionInfo> connections = from.connections();
    for (const ConnectionInfo &info : connections) {
        const quint64 id = to.openConnection(info);
        ConnectionInfo copy = info;
        copy.id = id;
        if (copy.replayOf)
            copy.replayOf = ids.value(copy.replayOf, 0);
        to.updateConnection(copy);
        ids.insert(info.id, id);
    }
    const quint64 rows = from.frameCount();
    for (quint64 row = 0; row < rows; ++row) {
        FrameRecord frame;
        if (!from.readFrame(row, &frame))
            continue;
        frame.connectionId = ids.value(frame.connectionId, 0);
        if (frame.connectionId == 0)
            continue;
        to.appendFrame(std::move(frame));
    }
    return ids;
}

} // namespace wslens::replay
