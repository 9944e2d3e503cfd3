#include "endpoints/serverbehaviour.h"

#include "endpoints/endpointconnection.h"

namespace wslens::endpoints {

namespace {

class EchoBehaviour final : public ServerBehaviour
{
public:
    void messageReceived(EndpointConnection *connection, quint8 opcode, const QByteArray &data,
                         ServerContext &) override
    {
        connection->sendMessage(opcode, data);
    }
};

class BroadcastBehaviour final : public ServerBehaviour
{
public:
    void messageReceived(EndpointConnection *connection, quint8 opcode, const QByteArray &data,
                         ServerContext &context) override
    {
        for (EndpointConnection *other : context.connections()) {
            if (other != connection)
                other->sendMessage(opcode, data);
        }
    }
};

class SilentBehaviour final : public ServerBehaviour
{
public:
    void messageReceived(EndpointConnection *, quint8, const QByteArray &, ServerContext &) override {}
};

} // namespace

std::unique_ptr<ServerBehaviour> makeEchoBehaviour()
{
    return std::make_unique<EchoBehaviour>();
}

std::unique_ptr<ServerBehaviour> makeBroadcastBehaviour()
{
    return std::make_unique<BroadcastBehaviour>();
}

std::unique_ptr<ServerBehaviour> makeSilentBehaviour()
{
    return std::make_unique<SilentBehaviour>();
}

} // namespace wslens::endpoints
