#include "replay/replaycapturesink.h"

namespace wslens::replay {

ConnectionInfo ReplayCaptureSink::marked(const ConnectionInfo &info) const
{
    ConnectionInfo copy = info;
    copy.mode = ConnectionMode::Replay;
    copy.replayOf = m_replayOf;
    return copy;
}

quint64 ReplayCaptureSink::openConnection(const ConnectionInfo &info)
{
    return m_target->openConnection(marked(info));
}

void ReplayCaptureSink::updateConnection(const ConnectionInfo &info)
{
    m_target->updateConnection(marked(info));
}

void ReplayCaptureSink::appendFrame(FrameRecord &&frame)
{
    m_target->appendFrame(std::move(frame));
}

} // namespace wslens::replay
