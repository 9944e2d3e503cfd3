#pragma once

// Forwards a client's capture to another sink, marking the connection as a
// replay run (ConnectionMode::Replay) of a recorded connection.

#include "store/capturerecords.h"

namespace wslens::replay {

class ReplayCaptureSink : public CaptureSink
{
public:
    // target is not owned and must outlive this object.
    ReplayCaptureSink(CaptureSink *target, quint64 replayOf) : m_target(target), m_replayOf(replayOf) {}

    quint64 openConnection(const ConnectionInfo &info) override;
    void updateConnection(const ConnectionInfo &info) override;
    void appendFrame(FrameRecord &&frame) override;

private:
    ConnectionInfo marked(const ConnectionInfo &info) const;

    CaptureSink *m_target;
    quint64 m_replayOf;
};

} // namespace wslens::replay
