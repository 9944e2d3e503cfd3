#include "intercept/connectionintercept.h"

#include "intercept/interceptor.h"

#include <algorithm>
#include <chrono>

namespace wslens::intercept {

namespace {
qint64 nowUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}
} // namespace

ConnectionIntercept::ConnectionIntercept(Interceptor *owner, const Setup &setup, Writer writer)
    : m_owner(owner)
    , m_setup(setup)
    , m_writer(std::move(writer))
{
    for (int i = 0; i < 2; ++i) {
        StreamOptions o;
        o.direction = i == 0 ? Direction::ClientToServer : Direction::ServerToClient;
        o.deflate = setup.deflate;
        o.agreement = setup.agreement;
        o.maxFrameSize = setup.maxFrameSize;
        o.maxMessageSize = setup.maxMessageSize;
        o.maxDecompressedSize = setup.maxDecompressedSize;
        o.url = setup.url;
        o.host = setup.host;
        o.nextHeldId = [owner] { return owner->nextHeldId(); };
        m_streams[i] = std::make_unique<StreamInterceptor>(o);
    }
    const Interceptor::Attached a = m_owner->attach(this);
    if (a.enabled)
        for (auto &s : m_streams)
            s->setRules(a.rules);
}

ConnectionIntercept::~ConnectionIntercept()
{
    m_owner->detach(this);
}

bool ConnectionIntercept::process(Direction direction, const QByteArray &chunk)
{
    if (m_closed)
        return true;
    Output out;
    ++m_busy;
    const bool asIs = stream(direction).process(chunk, out);
    if (!asIs) {
        deliver(direction, out);
        reportHeld(direction);
    }
    --m_busy;
    if (m_closePending && m_busy == 0)
        close();
    return asIs;
}

bool ConnectionIntercept::backlogged(Direction direction) const
{
    const StreamInterceptor &s = *m_streams[direction == Direction::ClientToServer ? 0 : 1];
    return !m_closed && s.pendingBytes() > m_setup.maxPendingBytes;
}

void ConnectionIntercept::deliver(Direction direction, Output &out)
{
    // The writer may end the connection (strict mode): close() then waits until we are done.
    ++m_busy;
    for (OutputItem &item : out)
        m_writer(direction, std::move(item));
    out.clear();
    --m_busy;
    if (m_closePending && m_busy == 0) {
        close();
        return;
    }
    // Something was released: a paused sender may go on.
    if (m_busy == 0 && m_resume && !m_closed && !backlogged(direction))
        m_resume(direction);
}

void ConnectionIntercept::reportHeld(Direction direction)
{
    for (HeldEntry &h : stream(direction).takeNewlyHeld()) {
        HeldMessage m;
        m.id = h.id;
        m.connectionId = m_setup.connectionId;
        m.url = m_setup.url;
        m.direction = direction;
        m.opcode = h.opcode;
        m.payload = std::move(h.payload);
        m.compressed = h.compressed;
        m.rule = h.rule;
        m.heldAtUs = nowUs();
        m_held[m.id] = direction;
        m_owner->noteHeld(m, this);
    }
}

void ConnectionIntercept::close()
{
    if (m_closed)
        return;
    if (m_busy > 0) {
        m_closePending = true;
        return;
    }
    m_closed = true;
    for (Direction d : {Direction::ClientToServer, Direction::ServerToClient})
        releaseEverything(d, HeldOutcome::Discarded);
}

void ConnectionIntercept::releaseEverything(Direction d, HeldOutcome outcome)
{
    Output out;
    const std::vector<quint64> ids = outcome == HeldOutcome::Discarded ? stream(d).discardAll(out)
                                                                       : stream(d).forwardAll(out);
    deliver(d, out);
    for (quint64 id : ids) {
        m_held.erase(id);
        m_owner->noteReleased(id, outcome);
    }
}

void ConnectionIntercept::applySettings(std::shared_ptr<const RuleSet> rules, bool enabled)
{
    if (m_closed)
        return;
    for (Direction d : {Direction::ClientToServer, Direction::ServerToClient}) {
        stream(d).setRules(enabled ? rules : nullptr);
        if (!enabled)
            releaseEverything(d, HeldOutcome::Forwarded);
    }
}

void ConnectionIntercept::applyForward(quint64 id, std::optional<QByteArray> edited, int fragments)
{
    const auto it = m_held.find(id);
    if (m_closed || it == m_held.end())
        return;
    const Direction d = it->second;
    Output out;
    if (!stream(d).forward(id, edited, out, fragments))
        return;
    m_held.erase(it);
    const bool wasEdited = edited.has_value()
                           && std::any_of(out.begin(), out.end(), [](const OutputItem &i) { return i.mark == EditMark::Replaced; });
    deliver(d, out);
    m_owner->noteReleased(id, wasEdited ? HeldOutcome::Edited : HeldOutcome::Forwarded);
}

void ConnectionIntercept::applyDrop(quint64 id)
{
    const auto it = m_held.find(id);
    if (m_closed || it == m_held.end())
        return;
    const Direction d = it->second;
    Output out;
    if (!stream(d).drop(id, out))
        return;
    m_held.erase(it);
    deliver(d, out);
    m_owner->noteReleased(id, HeldOutcome::Dropped);
}

void ConnectionIntercept::applyForwardAll()
{
    if (m_closed)
        return;
    for (Direction d : {Direction::ClientToServer, Direction::ServerToClient})
        releaseEverything(d, HeldOutcome::Forwarded);
}

void ConnectionIntercept::applyInject(Direction direction, InterceptMessage message)
{
    if (m_closed)
        return;
    Output out;
    stream(direction).inject(message, out);
    deliver(direction, out);
}

} // namespace wslens::intercept
