#include "replay/mockserver.h"

#include "endpoints/endpointconnection.h"
#include "store/captureloader.h"

#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QUrl>

namespace wslens::replay {

namespace {

// The recordings a mock answers from, and which one the next client on a
// given target gets. Shared by the behaviour's connections (one worker thread).
class RecordingPicker
{
public:
    explicit RecordingPicker(const QList<RecordedConnection> &recordings)
        : m_recordings(recordings)
    {
    }

    // The recording for a client that asked for target; null when matchPath
    // and no recording has its path. *how says which rule picked it.
    const RecordedConnection *pick(const QByteArray &target, bool matchPath, QString *how)
    {
        const QByteArray path = target.left(target.indexOf('?') < 0 ? target.size() : target.indexOf('?'));
        QList<qsizetype> candidates;
        for (qsizetype i = 0; i < m_recordings.size(); ++i) {
            if (recordedTarget(m_recordings.at(i).info) == target)
                candidates.append(i);
        }
        *how = QStringLiteral("same path and query");
        if (candidates.isEmpty()) {
            for (qsizetype i = 0; i < m_recordings.size(); ++i) {
                const QByteArray t = recordedTarget(m_recordings.at(i).info);
                if (t.left(t.indexOf('?') < 0 ? t.size() : t.indexOf('?')) == path)
                    candidates.append(i);
            }
            *how = QStringLiteral("same path");
        }
        if (candidates.isEmpty()) {
            if (matchPath)
                return nullptr;
            for (qsizetype i = 0; i < m_recordings.size(); ++i)
                candidates.append(i);
            *how = QStringLiteral("no recording has this path; next in order");
        }
        const QByteArray key = how->startsWith(QLatin1String("no")) ? QByteArray() : target;
        const int turn = m_turns[key]++;
        return &m_recordings.at(candidates.at(turn % candidates.size()));
    }

private:
    QList<RecordedConnection> m_recordings;
    QHash<QByteArray, int> m_turns;
};

class MockBehaviour final : public endpoints::ServerBehaviour
{
public:
    MockBehaviour(const QList<RecordedConnection> &recordings, const MockOptions &options)
        : m_picker(recordings)
        , m_options(options)
    {
        if (!(m_options.speed > 0))
            m_options.speed = 1.0;
    }

    void connectionOpened(endpoints::EndpointConnection *connection, endpoints::ServerContext &) override
    {
        const QByteArray target = connection->info().requestTarget.isEmpty() ? QByteArrayLiteral("/")
                                                                            : connection->info().requestTarget;
        QString how;
        const RecordedConnection *recording = m_picker.pick(target, m_options.matchPath, &how);
        if (!recording) {
            notify(QStringLiteral("client on %1: no recorded connection has this path; closed (1008)")
                       .arg(QString::fromLatin1(target)));
            connection->close(1008, QByteArrayLiteral("no recorded connection for this path"));
            return;
        }
        notify(QStringLiteral("client on %1: answered from recorded connection #%2 (%3)")
                   .arg(QString::fromLatin1(target))
                   .arg(recording->info.id)
                   .arg(how));
        State &s = m_states[connection];
        s = State();
        s.recording = recording;
        sendFollowing(connection, s, recording->startUs());
    }

    void messageReceived(endpoints::EndpointConnection *connection, quint8 opcode, const QByteArray &data,
                         endpoints::ServerContext &) override
    {
        const auto it = m_states.find(connection);
        if (it == m_states.end())
            return; // refused: being closed
        State &s = it.value();
        const QList<RecordedMessage> &messages = s.recording->messages;
        const ComparedMessage received{opcode, data};
        const int index = s.clientIndex++;
        if (s.position >= messages.size()) {
            report(index, ComparedMessage(), received);
            return;
        }
        const RecordedMessage &expected = messages.at(s.position);
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
        const RecordedConnection *recording = nullptr;
        qsizetype position = 0; // next recorded message
        int clientIndex = 0;
    };

    void report(int index, const ComparedMessage &expected, const ComparedMessage &received)
    {
        if (m_options.unexpected)
            m_options.unexpected(index, expected, received);
    }

    void notify(const QString &line)
    {
        if (m_options.notice)
            m_options.notice(line);
    }

    // Sends the server messages from s.position up to the next client message.
    void sendFollowing(endpoints::EndpointConnection *connection, State &s, qint64 triggerUs)
    {
        const QList<RecordedMessage> &messages = s.recording->messages;
        while (s.position < messages.size() && messages.at(s.position).direction == Direction::ServerToClient) {
            const RecordedMessage &m = messages.at(s.position++);
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

    RecordingPicker m_picker;
    MockOptions m_options;
    QHash<endpoints::EndpointConnection *, State> m_states;
};

} // namespace

QByteArray recordedTarget(const ConnectionInfo &info)
{
    if (!info.requestTarget.isEmpty() && info.requestTarget.startsWith('/'))
        return info.requestTarget;
    // Absolute-form (explicit proxy) or no head recorded (HAR): take it from the URL.
    const QUrl url(info.requestTarget.isEmpty() ? info.url : QString::fromLatin1(info.requestTarget));
    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = QByteArrayLiteral("/");
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    return target;
}

endpoints::BehaviourFactory makeMockFactory(const RecordedConnection &recording, const MockOptions &options)
{
    return makeMockFactory(QList<RecordedConnection>{recording}, options);
}

endpoints::BehaviourFactory makeMockFactory(const QList<RecordedConnection> &recordings, const MockOptions &options)
{
    Q_ASSERT(!recordings.isEmpty());
    return [recordings, options]() { return std::make_unique<MockBehaviour>(recordings, options); };
}

bool loadMockFactory(const QString &file, quint64 connection, const MockOptions &options,
                     endpoints::BehaviourFactory *out, QString *error)
{
    return loadMockFactory(file, connection ? QList<quint64>{connection} : QList<quint64>{}, options, out, error);
}

bool loadMockFactory(const QString &file, const QList<quint64> &connections, const MockOptions &options,
                     endpoints::BehaviourFactory *out, QString *error)
{
    LoadedCapture loaded = loadCapture(file);
    if (!loaded.store) {
        *error = QStringLiteral("%1: %2").arg(file, loaded.error);
        return false;
    }
    QList<RecordedConnection> recordings;
    QString e;
    if (!loadRecordings(*loaded.store, connections, &recordings, &e)) {
        *error = QStringLiteral("%1: %2").arg(file, e);
        return false;
    }
    *out = makeMockFactory(recordings, options);
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
