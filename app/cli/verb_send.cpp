// wslens send: the built-in client, headless (issue 7).
#include "cli/cli.h"

#include "endpoints/framespectext.h"
#include "endpoints/wsclient.h"
#include "store/capturestore.h"

#include <QCoreApplication>
#include <QFile>
#include <QTimer>

#include <cstdio>
#include <memory>

namespace wslens::cli {

namespace {

const char SendUsage[] =
    "Usage:\n"
    "  wslens send URL [options] (--text T | --binary-hex H | --frame SPEC)...\n\n"
    "Connects to URL (ws:// or wss://), sends the messages in the order given, waits\n"
    "for N replies, closes (1000) and exits. Each reply (a text/binary message or a\n"
    "pong) is printed as a JSON line {\"opcode\":N,\"payload_b64\":\"...\"}; a close frame\n"
    "from the server is printed the same way (opcode 8) but is not a reply.\n"
    "Exit status: 0 success, 1 replies did not come in time (or the server closed\n"
    "first), 2 connection or usage error.\n\n"
    "Options:\n"
    "  --header 'K: V'        extra request header (repeatable)\n"
    "  --subprotocol P        offer subprotocol P (repeatable)\n"
    "  --origin ORIGIN        Origin header\n"
    "  --deflate              offer permessage-deflate\n"
    "  --text T               a text message\n"
    "  --binary-hex H         a binary message given as hex\n"
    "  --frame SPEC           one raw frame, exactly as specified, e.g.\n"
    "                         opcode=1,fin=0,rsv=4,mask=0a0b0c0d,text=hello\n"
    "                         keys: opcode=0-15 (required), fin=0|1 (1), rsv=0-7 (0),\n"
    "                         mask=HEX8|none (random key), len=N (declared length;\n"
    "                         default the real one), hex=HEX or text=...; text= must\n"
    "                         come last: everything after it (commas too) is the payload\n"
    "  --wait-replies N       replies to wait for (default 0)\n"
    "  --timeout SECONDS      for connecting and for the replies (default 10)\n"
    "  --no-pong              do not answer the server's pings\n"
    "  --proxy HOST:PORT      connect through an HTTP proxy (CONNECT)\n"
    "  --ca FILE              trust this CA certificate (PEM) in addition to the system CAs\n"
    "  --insecure             do not verify the server certificate\n"
    "  --save FILE            capture every frame into the session file FILE\n";

struct Item
{
    enum Kind { Text, Binary, Raw } kind;
    QByteArray bytes;
};

void printFrame(quint8 opcode, const QByteArray &payload)
{
    std::printf("{\"opcode\":%u,\"payload_b64\":\"%s\"}\n", unsigned(opcode), payload.toBase64().constData());
    std::fflush(stdout);
}

} // namespace

int runSend(const QStringList &arguments)
{
    endpoints::ClientOptions options;
    QList<Item> items;
    int waitReplies = 0;
    double timeoutSeconds = 10;
    QString saveFile;
    QString url;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &a = arguments.at(i);
        QString value;
        const auto next = [&]() {
            if (i + 1 >= arguments.size())
                return false;
            value = arguments.at(++i);
            return true;
        };
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            std::fputs(SendUsage, stdout);
            return Success;
        } else if (a == QLatin1String("--header")) {
            const qsizetype colon = next() ? value.indexOf(QLatin1Char(':')) : -1;
            if (colon <= 0)
                return usageError("send", QStringLiteral("--header needs 'Name: value'"));
            options.headers.append({value.left(colon).trimmed().toLatin1(), value.mid(colon + 1).trimmed().toUtf8()});
        } else if (a == QLatin1String("--subprotocol")) {
            if (!next() || value.isEmpty())
                return usageError("send", QStringLiteral("--subprotocol needs a name"));
            options.subprotocols.append(value.toLatin1());
        } else if (a == QLatin1String("--origin")) {
            if (!next())
                return usageError("send", QStringLiteral("--origin needs a value"));
            options.origin = value.toUtf8();
        } else if (a == QLatin1String("--deflate")) {
            options.deflate = true;
        } else if (a == QLatin1String("--text")) {
            if (!next())
                return usageError("send", QStringLiteral("--text needs a value"));
            items.append({Item::Text, value.toUtf8()});
        } else if (a == QLatin1String("--binary-hex")) {
            QByteArray bytes;
            if (!next() || !endpoints::decodeHex(value.toLatin1(), &bytes))
                return usageError("send", QStringLiteral("--binary-hex needs an even number of hex digits"));
            items.append({Item::Binary, bytes});
        } else if (a == QLatin1String("--frame")) {
            endpoints::CraftedFrame frame;
            QString error;
            if (!next())
                return usageError("send", QStringLiteral("--frame needs a SPEC"));
            if (!endpoints::parseFrameSpec(value, true, &frame, &error))
                return usageError("send", QStringLiteral("--frame %1: %2").arg(value, error));
            items.append({Item::Raw, frame.toBytes()});
        } else if (a == QLatin1String("--wait-replies")) {
            bool ok = false;
            waitReplies = next() ? value.toInt(&ok) : -1;
            if (!ok || waitReplies < 0)
                return usageError("send", QStringLiteral("--wait-replies needs a number >= 0"));
        } else if (a == QLatin1String("--timeout")) {
            bool ok = false;
            timeoutSeconds = next() ? value.toDouble(&ok) : -1;
            if (!ok || timeoutSeconds <= 0 || timeoutSeconds > 86400)
                return usageError("send", QStringLiteral("--timeout needs seconds > 0"));
        } else if (a == QLatin1String("--no-pong")) {
            options.connection.answerPings = false;
        } else if (a == QLatin1String("--proxy")) {
            const qsizetype colon = next() ? value.lastIndexOf(QLatin1Char(':')) : -1;
            bool ok = false;
            const uint port = colon > 0 ? value.mid(colon + 1).toUInt(&ok) : 0;
            if (!ok || port == 0 || port > 65535)
                return usageError("send", QStringLiteral("--proxy needs HOST:PORT"));
            options.proxyHost = value.left(colon);
            options.proxyPort = quint16(port);
        } else if (a == QLatin1String("--ca")) {
            if (!next())
                return usageError("send", QStringLiteral("--ca needs a FILE"));
            const QList<QSslCertificate> certs = QSslCertificate::fromPath(value, QSsl::Pem);
            if (certs.isEmpty())
                return usageError("send", QStringLiteral("no PEM certificate in %1").arg(value));
            options.caCertificates += certs;
        } else if (a == QLatin1String("--insecure")) {
            options.ignoreSslErrors = true;
        } else if (a == QLatin1String("--save")) {
            if (!next() || value.isEmpty())
                return usageError("send", QStringLiteral("--save needs a FILE"));
            saveFile = value;
        } else if (a.startsWith(QLatin1String("--"))) {
            return usageError("send", QStringLiteral("unknown option '%1' (see 'wslens send --help')").arg(a));
        } else if (url.isEmpty()) {
            url = a;
        } else {
            return usageError("send", QStringLiteral("unexpected argument '%1'").arg(a));
        }
    }
    if (url.isEmpty())
        return usageError("send", QStringLiteral("missing URL (see 'wslens send --help')"));
    options.url = QUrl(url, QUrl::StrictMode);
    const QString scheme = options.url.scheme().toLower();
    if (!options.url.isValid() || (scheme != QLatin1String("ws") && scheme != QLatin1String("wss"))
        || options.url.host().isEmpty())
        return usageError("send", QStringLiteral("URL must be ws://HOST[:PORT]/... or wss://... (got '%1')").arg(url));
    options.connectTimeoutMs = int(timeoutSeconds * 1000);

    std::unique_ptr<CaptureStore> store;
    if (!saveFile.isEmpty()) {
        store = std::make_unique<CaptureStore>();
        if (!store->create(saveFile)) {
            std::fprintf(stderr, "wslens send: cannot create %s: %s\n", qPrintable(saveFile),
                         qPrintable(store->errorString()));
            return UsageOrInputError;
        }
        options.capture = store.get();
    }

    endpoints::WsClient client;
    int exitCode = -1;
    int replies = 0;
    bool closing = false;
    QTimer deadline;
    deadline.setSingleShot(true);
    QTimer closeGrace;
    closeGrace.setSingleShot(true);

    const auto finish = [&](int code) {
        if (exitCode != -1)
            return;
        exitCode = code;
        if (!closing) {
            closing = true;
            client.close(1000);
        }
        closeGrace.start(3000); // the close handshake, at most
    };
    QObject::connect(&closeGrace, &QTimer::timeout, &client, []() { QCoreApplication::quit(); });
    QObject::connect(&deadline, &QTimer::timeout, &client, [&]() {
        std::fprintf(stderr, "wslens send: %d of %d replies within %g s\n", replies, waitReplies, timeoutSeconds);
        finish(Failure);
    });
    QObject::connect(&client, &endpoints::WsClient::failed, &client, [&](const QString &error) {
        std::fprintf(stderr, "wslens send: %s\n", qPrintable(error));
        exitCode = UsageOrInputError;
        QCoreApplication::quit();
    });
    QObject::connect(&client, &endpoints::WsClient::connected, &client, [&](const ConnectionInfo &info) {
        if (!info.subprotocol.isEmpty())
            std::fprintf(stderr, "wslens send: subprotocol %s\n", info.subprotocol.constData());
        if (!info.extensions.isEmpty())
            std::fprintf(stderr, "wslens send: extensions %s\n", info.extensions.constData());
        for (const Item &item : items) {
            if (item.kind == Item::Text)
                client.sendMessage(Opcode::Text, item.bytes);
            else if (item.kind == Item::Binary)
                client.sendMessage(Opcode::Binary, item.bytes);
            else
                client.sendRaw(item.bytes);
        }
        if (waitReplies == 0)
            finish(Success);
        else
            deadline.start(int(timeoutSeconds * 1000));
    });
    const auto onReply = [&](quint8 opcode, const QByteArray &data) {
        if (exitCode != -1)
            return;
        printFrame(opcode, data);
        if (++replies >= waitReplies)
            finish(Success);
    };
    QObject::connect(&client, &endpoints::WsClient::messageReceived, &client, onReply);
    QObject::connect(&client, &endpoints::WsClient::pongReceived, &client,
                     [&](const QByteArray &payload) { onReply(Opcode::Pong, payload); });
    QObject::connect(&client, &endpoints::WsClient::closeReceived, &client, [&](int code, const QString &reason) {
        QByteArray payload;
        if (code != 1005)
            payload = QByteArray(1, char(code >> 8)) + char(code & 0xff) + reason.toUtf8();
        printFrame(Opcode::Close, payload);
        if (exitCode == -1) {
            std::fprintf(stderr, "wslens send: server closed (%d%s%s) after %d of %d replies\n", code,
                         reason.isEmpty() ? "" : " ", qPrintable(reason), replies, waitReplies);
            closing = true; // our reply to its close is sent by the connection
            finish(replies >= waitReplies ? Success : Failure);
        }
    });
    QObject::connect(&client, &endpoints::WsClient::violationDetected, &client, [&](Violation v, quint16 code) {
        std::fprintf(stderr, "wslens send: server broke a rule (%s), closed with %u\n", violationInfo(v).id,
                     unsigned(code));
    });
    QObject::connect(&client, &endpoints::WsClient::disconnected, &client, [&](int, int, const QString &error) {
        if (exitCode == -1) {
            std::fprintf(stderr, "wslens send: connection lost%s%s\n", error.isEmpty() ? "" : ": ", qPrintable(error));
            exitCode = replies >= waitReplies ? Success : Failure;
        }
        QCoreApplication::quit();
    });

    client.open(options);
    QCoreApplication::exec();
    client.abort();
    if (store)
        store->close();
    return exitCode == -1 ? Failure : exitCode;
}

} // namespace wslens::cli
