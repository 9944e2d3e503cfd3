#pragma once

// What our server does with its connections. Behaviours run on the server's
// worker thread, one instance per server; the replay issue plugs in here too.

#include <QByteArray>
#include <QList>

#include <functional>
#include <memory>

namespace wslens::endpoints {

class EndpointConnection;

// What a behaviour can see of the server.
class ServerContext
{
public:
    virtual ~ServerContext() = default;
    // Every open connection, in order of arrival.
    virtual QList<EndpointConnection *> connections() const = 0;
};

class ServerBehaviour
{
public:
    virtual ~ServerBehaviour() = default;
    // After the 101 went out. Timers a behaviour starts for a connection
    // should use the connection as their context object.
    virtual void connectionOpened(EndpointConnection *connection, ServerContext &context)
    {
        Q_UNUSED(connection);
        Q_UNUSED(context);
    }
    // A complete text or binary message.
    virtual void messageReceived(EndpointConnection *connection, quint8 opcode, const QByteArray &data,
                                 ServerContext &context) = 0;
    // The connection is closed; it is deleted after this returns.
    virtual void connectionClosed(EndpointConnection *connection, ServerContext &context)
    {
        Q_UNUSED(connection);
        Q_UNUSED(context);
    }
};

// Creates the behaviour on the worker thread.
using BehaviourFactory = std::function<std::unique_ptr<ServerBehaviour>()>;

// Sends every message back to its sender, same opcode.
std::unique_ptr<ServerBehaviour> makeEchoBehaviour();
// Sends every message to every other open connection.
std::unique_ptr<ServerBehaviour> makeBroadcastBehaviour();
// Ignores messages (pings are still answered).
std::unique_ptr<ServerBehaviour> makeSilentBehaviour();

} // namespace wslens::endpoints
