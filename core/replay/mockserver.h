#pragma once

// Server replay (mock): a server behaviour answering from recordings. Each
// client gets one recorded connection: the next one (in recorded order,
// cycling) among those whose request target (path and query) is the one the
// client asked for, else among those with the same path, else (unless
// matchPath) among all. On connect it sends the server messages recorded
// before the first client message; after each client message it sends the
// server messages that followed it in the recording. Client messages that
// differ from the recorded one (or come after the recorded ones) are reported.
//
// Plug into endpoints::WsServer: options.behaviour = makeMockFactory(...).

#include "endpoints/serverbehaviour.h"
#include "replay/clientreplay.h"
#include "replay/messagecompare.h"
#include "replay/recording.h"

#include <functional>

namespace wslens::replay {

struct MockOptions
{
    Timing timing = Timing::Asap; // Asap or Original (recorded gaps divided by speed); Reply acts as Asap
    double speed = 1.0;
    CompareOptions compare;       // how client messages are matched against the recording
    // Called on the server's worker thread for each unexpected client message:
    // index among the client's messages, what was recorded (opcode 0: nothing), what came.
    std::function<void(int index, const ComparedMessage &expected, const ComparedMessage &received)> unexpected;
    // A client whose path no recording has is closed (1008) instead of being
    // answered from the next recording.
    bool matchPath = false;
    // Called on the worker thread with one line per client: which recording
    // answers it, or why none does.
    std::function<void(const QString &line)> notice;
};

// Every connection is answered from recording, independently.
endpoints::BehaviourFactory makeMockFactory(const RecordedConnection &recording, const MockOptions &options);
// Each client is answered from one of recordings (see above); recordings must not be empty.
endpoints::BehaviourFactory makeMockFactory(const QList<RecordedConnection> &recordings, const MockOptions &options);

// Loads FILE (session or HAR) and makes the factory from the given connection
// ids (empty: every connection with data messages). False with *error (one line).
bool loadMockFactory(const QString &file, const QList<quint64> &connections, const MockOptions &options,
                     endpoints::BehaviourFactory *out, QString *error);
// One connection id (0: every connection with data messages).
bool loadMockFactory(const QString &file, quint64 connection, const MockOptions &options,
                     endpoints::BehaviourFactory *out, QString *error);

// The request target (path and query) a recorded connection asked for.
QByteArray recordedTarget(const ConnectionInfo &info);

// One line for an unexpected client message, e.g. for stderr.
QString describeUnexpected(int index, const ComparedMessage &expected, const ComparedMessage &received);

} // namespace wslens::replay
