#pragma once

// Server replay (mock): a server behaviour answering from a recording. On
// connect it sends the server messages recorded before the first client
// message; after each client message it sends the server messages that
// followed it in the recording. Client messages that differ from the
// recorded one (or come after the recorded ones) are reported.
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
};

// Every connection is answered from recording, independently.
endpoints::BehaviourFactory makeMockFactory(const RecordedConnection &recording, const MockOptions &options);

// Loads FILE (session or HAR) and makes the factory from its first connection
// with data messages (or connection id when non-zero). False with *error (one line).
bool loadMockFactory(const QString &file, quint64 connection, const MockOptions &options,
                     endpoints::BehaviourFactory *out, QString *error);

// One line for an unexpected client message, e.g. for stderr.
QString describeUnexpected(int index, const ComparedMessage &expected, const ComparedMessage &received);

} // namespace wslens::replay
