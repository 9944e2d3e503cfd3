#pragma once

#include "intercept/rule.h"
#include "intercept/ruleset.h"
#include "intercept/streaminterceptor.h"

#include <QList>
#include <QMetaType>
#include <QMutex>
#include <QObject>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace wslens::intercept {

class ConnectionIntercept;

// What a held item is: a WebSocket message, or the head of the upgrade
// request (before it goes to the server) or of the 101 response (before it
// goes to the client), held by a handshake rule.
enum class HeldKind : quint8 { Message = 0, HandshakeRequest = 1, HandshakeResponse = 2 };

// A message held by a breakpoint, as the held-queue UI shows it.
struct HeldMessage
{
    quint64 id = 0;
    HeldKind kind = HeldKind::Message; // handshake kinds: payload is the head text ("GET /p HTTP/1.1\r\nHost: h\r\n...\r\n\r\n")
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
    // Handshake items: the edited head must parse as an HTTP head of the same
    // kind (the relay's check); if not, false with *error and the item stays held.
    // fragments > 1 with an edited data message: it goes out as that many
    // frames (first with the opcode, then continuations, FIN on the last).
    bool forward(quint64 id, const std::optional<QByteArray> &edited = std::nullopt, QString *error = nullptr,
                 int fragments = 1);
    bool drop(quint64 id);
    void forwardAll();

    // Sends a message of our own into a live connection (toward the server:
    // ClientToServer, masked; toward the client: ServerToClient). It goes at
    // the next frame boundary and is captured as injected. false: no such
    // live connection.
    bool inject(quint64 connectionId, Direction direction, const InterceptMessage &message);
    QList<quint64> liveConnections() const;

    // ---- relay side (any thread): handshake breakpoints ----
    // Checks an empty string for a good edited head, else says what is wrong.
    // Runs in the thread that calls forward(): must not touch session state.
    using HeadValidator = std::function<QString(const QByteArray &head)>;
    // Called (queued) in context's thread when the held head is released:
    // Forwarded/Edited with the head to send, Dropped (head empty).
    using HandshakeRelease = std::function<void(HeldOutcome outcome, const QByteArray &head)>;
    // When interception is on and a handshake rule for stage matches, holds
    // the head and returns its held id; else 0 (send it now).
    quint64 holdHandshake(HandshakeStage stage, quint64 connectionId, const QString &url, const QString &host,
                          const QByteArray &head, QObject *context, HeadValidator validator, HandshakeRelease release);
    // The connection went away while the head was held: forgotten, reported
    // as Discarded; release is not called.
    void cancelHandshake(quint64 id);

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
        ConnectionIntercept *owner = nullptr; // null for handshake items
        QObject *context = nullptr;           // handshake items
        HeadValidator validator;
        HandshakeRelease release;
    };
    // m_mutex held: posts the release to the handshake item's context and forgets it.
    void releaseHandshakeLocked(std::map<quint64, HeldSlot>::iterator it, HeldOutcome outcome, QByteArray head);
    void releaseAllHandshakesLocked();
    std::map<quint64, HeldSlot> m_held;
};

} // namespace wslens::intercept

Q_DECLARE_METATYPE(wslens::intercept::HeldMessage)
Q_DECLARE_METATYPE(wslens::intercept::HeldOutcome)
Q_DECLARE_METATYPE(wslens::intercept::HeldKind)
