#pragma once

#include "intercept/rule.h"
#include "intercept/ruleset.h"
#include "intercept/streaminterceptor.h"

#include <QList>
#include <QMetaType>
#include <QMutex>
#include <QObject>

#include <atomic>
#include <map>
#include <memory>
#include <optional>

namespace wslens::intercept {

class ConnectionIntercept;

// A message held by a breakpoint, as the held-queue UI shows it.
struct HeldMessage
{
    quint64 id = 0;
    quint64 connectionId = 0;
    QString url;
    Direction direction = Direction::ClientToServer;
    quint8 opcode = 0;
    QByteArray payload;      // decoded (inflated), after replace rules that ran before the breakpoint
    bool compressed = false; // went compressed on the wire (an edit is compressed again)
    int rule = -1;           // index of the breakpoint rule
    qint64 heldAtUs = 0;
};

enum class HeldOutcome : quint8 {
    Forwarded = 0, // as it was
    Edited = 1,    // with the user's payload
    Dropped = 2,   // by the user
    Discarded = 3, // its connection closed first (recorded as dropped)
};

// The intercept engine shared by every connection of a relay: rules, the
// on/off switch, the held-message queue and injection. Thread-safe: lives in
// the caller's thread (GUI or CLI); relay threads attach their connections.
// Signals are emitted in this object's thread.
//
//   Interceptor icpt;
//   icpt.setRules(rules);            // or loadRulesFile() first
//   relay.setInterceptor(&icpt);     // before relay.start(); must outlive the run
//   connect(&icpt, &Interceptor::messageHeld, ...);   // -> icpt.forward(id, edited) / drop(id)
//   icpt.inject(connectionId, Direction::ServerToClient, {Opcode::Text, "hi"});
class Interceptor : public QObject
{
    Q_OBJECT
public:
    explicit Interceptor(QObject *parent = nullptr);
    ~Interceptor() override;

    // Replaces the rules (applies to the next messages of every live
    // connection). Invalid rules: false and *error names the rule and field.
    bool setRules(const RuleList &rules, QString *error = nullptr);
    RuleList rules() const;
    // The compiled rules in force, with their hit counters (hits(i)). The
    // counters start from zero whenever setRules() replaces the rules.
    std::shared_ptr<const RuleSet> ruleSet() const;
    quint64 hitCount(int ruleIndex) const;

    // Off: rules are ignored and every held message is forwarded as it is.
    // On by default.
    void setEnabled(bool on);
    bool isEnabled() const { return m_enabled.load(); }

    QList<HeldMessage> heldMessages() const;
    int heldCount() const;
    // Releases a held message: unchanged, or with an edited payload (sent
    // correctly encoded for its direction). false: unknown id.
    bool forward(quint64 id, const std::optional<QByteArray> &edited = std::nullopt);
    bool drop(quint64 id);
    void forwardAll();

    // Sends a message of our own into a live connection (toward the server:
    // ClientToServer, masked; toward the client: ServerToClient). It goes at
    // the next frame boundary and is captured as injected. false: no such
    // live connection.
    bool inject(quint64 connectionId, Direction direction, const InterceptMessage &message);
    QList<quint64> liveConnections() const;

Q_SIGNALS:
    void messageHeld(const wslens::intercept::HeldMessage &message);
    void heldReleased(quint64 id, wslens::intercept::HeldOutcome outcome);
    void rulesChanged();
    void enabledChanged(bool enabled);

private:
    friend class ConnectionIntercept;
    struct Attached
    {
        std::shared_ptr<const RuleSet> rules;
        bool enabled = true;
    };
    Attached attach(ConnectionIntercept *connection);
    void detach(ConnectionIntercept *connection);
    quint64 nextHeldId() { return m_nextHeldId.fetch_add(1) + 1; }
    void noteHeld(const HeldMessage &message, ConnectionIntercept *owner); // any thread
    void noteReleased(quint64 id, HeldOutcome outcome);                  // any thread
    void broadcastSettings(); // m_mutex held

    mutable QMutex m_mutex;
    RuleList m_rules;
    std::shared_ptr<const RuleSet> m_ruleSet;
    std::atomic<bool> m_enabled{true};
    std::atomic<quint64> m_nextHeldId{0};
    std::map<quint64, ConnectionIntercept *> m_connections; // by connection id
    struct HeldSlot
    {
        HeldMessage message;
        ConnectionIntercept *owner = nullptr;
    };
    std::map<quint64, HeldSlot> m_held;
};

} // namespace wslens::intercept

Q_DECLARE_METATYPE(wslens::intercept::HeldMessage)
Q_DECLARE_METATYPE(wslens::intercept::HeldOutcome)
