#include "intercept/interceptor.h"

#include "intercept/connectionintercept.h"

#include <QDateTime>
#include <QMutexLocker>

namespace wslens::intercept {

Interceptor::Interceptor(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<wslens::intercept::HeldMessage>();
    qRegisterMetaType<wslens::intercept::HeldOutcome>();
    qRegisterMetaType<wslens::intercept::HeldKind>();
    m_ruleSet = RuleSet::compile({});
}

Interceptor::~Interceptor() = default;

bool Interceptor::setRules(const RuleList &rules, QString *error)
{
    std::shared_ptr<const RuleSet> set = RuleSet::compile(rules, error);
    if (!set)
        return false;
    {
        QMutexLocker lock(&m_mutex);
        m_rules = rules;
        m_ruleSet = std::move(set);
        broadcastSettings();
    }
    emit rulesChanged();
    return true;
}

RuleList Interceptor::rules() const
{
    QMutexLocker lock(&m_mutex);
    return m_rules;
}

std::shared_ptr<const RuleSet> Interceptor::ruleSet() const
{
    QMutexLocker lock(&m_mutex);
    return m_ruleSet;
}

quint64 Interceptor::hitCount(int ruleIndex) const
{
    const auto set = ruleSet();
    return set ? set->hits(ruleIndex) : 0;
}

void Interceptor::setEnabled(bool on)
{
    if (m_enabled.exchange(on) == on)
        return;
    {
        QMutexLocker lock(&m_mutex);
        broadcastSettings();
        if (!on)
            releaseAllHandshakesLocked();
    }
    emit enabledChanged(on);
}

void Interceptor::broadcastSettings()
{
    const std::shared_ptr<const RuleSet> rules = m_ruleSet;
    const bool enabled = m_enabled.load();
    for (const auto &entry : m_connections) {
        ConnectionIntercept *c = entry.second;
        QMetaObject::invokeMethod(c, [c, rules, enabled] { c->applySettings(rules, enabled); }, Qt::QueuedConnection);
    }
}

QList<HeldMessage> Interceptor::heldMessages() const
{
    QMutexLocker lock(&m_mutex);
    QList<HeldMessage> out;
    for (const auto &[id, slot] : m_held)
        out.append(slot.message);
    return out;
}

int Interceptor::heldCount() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_held.size());
}

bool Interceptor::forward(quint64 id, const std::optional<QByteArray> &edited, QString *error, int fragments)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_held.find(id);
    if (it == m_held.end()) {
        if (error)
            *error = QStringLiteral("no held item %1").arg(id);
        return false;
    }
    if (!it->second.owner) {
        if (edited && *edited != it->second.message.payload) {
            const QString why = it->second.validator ? it->second.validator(*edited) : QString();
            if (!why.isEmpty()) {
                if (error)
                    *error = why;
                return false;
            }
            releaseHandshakeLocked(it, HeldOutcome::Edited, *edited);
        } else {
            releaseHandshakeLocked(it, HeldOutcome::Forwarded, it->second.message.payload);
        }
        return true;
    }
    ConnectionIntercept *c = it->second.owner;
    QMetaObject::invokeMethod(c, [c, id, edited, fragments] { c->applyForward(id, edited, fragments); }, Qt::QueuedConnection);
    return true;
}

bool Interceptor::drop(quint64 id)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_held.find(id);
    if (it == m_held.end())
        return false;
    if (!it->second.owner) {
        releaseHandshakeLocked(it, HeldOutcome::Dropped, QByteArray());
        return true;
    }
    ConnectionIntercept *c = it->second.owner;
    QMetaObject::invokeMethod(c, [c, id] { c->applyDrop(id); }, Qt::QueuedConnection);
    return true;
}

void Interceptor::forwardAll()
{
    QMutexLocker lock(&m_mutex);
    releaseAllHandshakesLocked();
    for (const auto &entry : m_connections) {
        ConnectionIntercept *c = entry.second;
        QMetaObject::invokeMethod(c, [c] { c->applyForwardAll(); }, Qt::QueuedConnection);
    }
}

bool Interceptor::inject(quint64 connectionId, Direction direction, const InterceptMessage &message)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_connections.find(connectionId);
    if (it == m_connections.end())
        return false;
    ConnectionIntercept *c = it->second;
    QMetaObject::invokeMethod(c, [c, direction, message] { c->applyInject(direction, message); }, Qt::QueuedConnection);
    return true;
}

QList<quint64> Interceptor::liveConnections() const
{
    QMutexLocker lock(&m_mutex);
    QList<quint64> out;
    for (const auto &[id, c] : m_connections)
        out.append(id);
    return out;
}

quint64 Interceptor::holdHandshake(HandshakeStage stage, quint64 connectionId, const QString &url, const QString &host,
                                   const QByteArray &head, QObject *context, HeadValidator validator,
                                   HandshakeRelease release)
{
    if (!m_enabled.load() || !context)
        return 0;
    const std::shared_ptr<const RuleSet> rules = ruleSet();
    const int rule = rules ? rules->matchHandshake(stage, url, host, head) : -1;
    if (rule < 0)
        return 0;
    HeldMessage m;
    m.id = nextHeldId();
    m.kind = stage == HandshakeStage::Request ? HeldKind::HandshakeRequest : HeldKind::HandshakeResponse;
    m.connectionId = connectionId;
    m.url = url;
    m.direction = stage == HandshakeStage::Request ? Direction::ClientToServer : Direction::ServerToClient;
    m.payload = head;
    m.rule = rule;
    m.heldAtUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    {
        QMutexLocker lock(&m_mutex);
        HeldSlot slot;
        slot.message = m;
        slot.context = context;
        slot.validator = std::move(validator);
        slot.release = std::move(release);
        m_held[m.id] = std::move(slot);
    }
    QMetaObject::invokeMethod(this, [this, m] { emit messageHeld(m); }, Qt::QueuedConnection);
    return m.id;
}

void Interceptor::cancelHandshake(quint64 id)
{
    noteReleased(id, HeldOutcome::Discarded);
}

void Interceptor::releaseHandshakeLocked(std::map<quint64, HeldSlot>::iterator it, HeldOutcome outcome,
                                         QByteArray head)
{
    const quint64 id = it->first;
    HandshakeRelease release = std::move(it->second.release);
    QObject *context = it->second.context;
    m_held.erase(it);
    // Posted while m_mutex is held: the context cannot be destroyed in between
    // (its cancelHandshake() waits for the mutex and then finds nothing).
    QMetaObject::invokeMethod(context, [release, outcome, head] { release(outcome, head); }, Qt::QueuedConnection);
    QMetaObject::invokeMethod(this, [this, id, outcome] { emit heldReleased(id, outcome); }, Qt::QueuedConnection);
}

void Interceptor::releaseAllHandshakesLocked()
{
    for (auto it = m_held.begin(); it != m_held.end();) {
        auto next = std::next(it);
        if (!it->second.owner)
            releaseHandshakeLocked(it, HeldOutcome::Forwarded, it->second.message.payload);
        it = next;
    }
}

Interceptor::Attached Interceptor::attach(ConnectionIntercept *connection)
{
    QMutexLocker lock(&m_mutex);
    m_connections[connection->connectionId()] = connection;
    return Attached{m_ruleSet, m_enabled.load()};
}

void Interceptor::detach(ConnectionIntercept *connection)
{
    std::vector<quint64> orphans;
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_connections.find(connection->connectionId());
        if (it != m_connections.end() && it->second == connection)
            m_connections.erase(it);
        for (auto it2 = m_held.begin(); it2 != m_held.end();) {
            if (it2->second.owner == connection) {
                orphans.push_back(it2->first);
                it2 = m_held.erase(it2);
            } else {
                ++it2;
            }
        }
    }
    for (quint64 id : orphans)
        QMetaObject::invokeMethod(this, [this, id] { emit heldReleased(id, HeldOutcome::Discarded); }, Qt::QueuedConnection);
}

void Interceptor::noteHeld(const HeldMessage &message, ConnectionIntercept *owner)
{
    {
        QMutexLocker lock(&m_mutex);
        HeldSlot slot;
        slot.message = message;
        slot.owner = owner;
        m_held[message.id] = std::move(slot);
    }
    QMetaObject::invokeMethod(this, [this, message] { emit messageHeld(message); }, Qt::QueuedConnection);
}

void Interceptor::noteReleased(quint64 id, HeldOutcome outcome)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_held.erase(id) == 0)
            return;
    }
    QMetaObject::invokeMethod(this, [this, id, outcome] { emit heldReleased(id, outcome); }, Qt::QueuedConnection);
}

} // namespace wslens::intercept
