#include "replay/mockserver.h"

#include "endpoints/endpointconnection.h"
#include "store/captureloader.h"

#include <QHash>
#include <QPointer>
#include <QTimer>

namespace wslens::replay {

namespace {

class MockBehaviour final : public endpoints::ServerBehaviour
{
public:
    MockBehaviour(const RecordedConnection &recording, const MockOptions &options)
        : m_messages(recording.messages)
        , m_startUs(recording.startUs())
        , m_options(options)
    {
        if (!(m_options.speed > 0))
            m_options.speed = 1.0;
    }

    void connectionOpened(endpoints::EndpointConnection *connection, endpoints::ServerContext &) override
    {
        State &s = m_states[connection];
        s = State();
        sendFollowing(connection, s, m_startUs);
    }

    void messageReceived(endpoints::EndpointConnection *connection, quint8 opcode, const QByteArray &data,
                         endpoints::ServerContext &) override
    {
        State &s = m_states[connection];
        const ComparedMessage received{opcode, data};
        const int index = s.clientIndex++;
        if (s.position >= m_messages.size()) {
            report(index, ComparedMessage(), received);
            return;
        }
        const RecordedMessage &expected = m_messages.at(s.position);
        // position always rests on a client message (or the end).
        const ComparedMessage recorded{expected.opcode, expected.data};
        if (!messagesMatch(recorded, received, m_options.compare))
            report(index, recorded, received);
        ++s.position;
        sendFollowing(connection, s, expected.timestampUs);
    }

    void connectionClosed(endpoints::EndpointConnection *connection, endpoints::ServerContext &) override
    {
        m_states.remove(connection);
    }

private:
    struct State
    {
        qsizetype position = 0; // next recorded message
        int clientIndex = 0;
    };

    void report(int index, const ComparedMessage &expected, const ComparedMessage &received)
    {
        if (m_options.unexpected)
            m_options.unexpected(index, expected, received);
    }

    // Sends the server messages from s.position up to the next client message.
    void sendFollowing(endpoints::EndpointConnection *connection, State &s, qint64 triggerUs)
    {
        while (s.position < m_messages.size()
               && m_messages.at(s.position).direction == Direction::ServerToClient) {
            const RecordedMessage &m = m_messages.at(s.position++);
            const qint64 delayMs = m_options.timing == Timing::Original
                ? qint64(double(m.timestampUs - triggerUs) / 1000.0 / m_options.speed)
                : 0;
            if (delayMs <= 0) {
                connection->sendMessage(m.opcode, m.data);
            } else {
                const quint8 opcode = m.opcode;
                const QByteArray data = m.data;
                QTimer::singleShot(int(qMin<qint64>(delayMs, 86400000)), connection,
                                   [connection, opcode, data]() { connection->sendMessage(opcode, data); });
            }
        }
    }

    QList<RecordedMessage> m_messages;
    qint64 m_startUs = 0;
    MockOptions m_options;
    QHash<endpoints::EndpointConnection *, State> m_states;
};

} // namespace

endpoints::BehaviourFactory makeMockFactory(const RecordedConnection &recording, const MockOptions &options)
{
    return [recording, options]() { return std::make_unique<MockBehaviour>(recording, options); };
}

bool loadMockFactory(const QString &file, quint64 connection, const MockOptions &options,
                     endpoints::BehaviourFactory *out, QString *error)
{
    LoadedCapture loaded = loadCapture(file);
    if (!loaded.store) {
        *error = QStringLiteral("%1: %2").arg(file, loaded.error);
        return false;
    }
    QList<RecordedConnection> recordings;
    QString e;
    if (!loadRecordings(*loaded.store, connection ? QList<quint64>{connection} : QList<quint64>{}, &recordings, &e)) {
        *error = QStringLiteral("%1: %2").arg(file, e);
        return false;
    }
    *out = makeMockFactory(recordings.constFirst(), options);
    return true;
}

QString describeUnexpected(int index, const ComparedMessage &expected, const ComparedMessage &received)
{
    const auto show = [](const ComparedMessage &m) {
        QString s = m.opcode == Opcode::Text ? QString::fromUtf8(m.data)
                                             : QStringLiteral("<binary %1 bytes>").arg(m.data.size());
        if (s.size() > 120)
            s = s.left(120) + QStringLiteral("...");
        return s;
    };
    if (expected.opcode == 0)
        return QStringLiteral("unexpected client message #%1 (none was recorded): %2").arg(index).arg(show(received));
    return QStringLiteral("unexpected client message #%1: expected %2, received %3")
        .arg(index)
        .arg(show(expected), show(received));
}

} // namespace wslens::replay
