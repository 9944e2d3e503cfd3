// wslens send: the built-in client, headless (issue 7).
#include "cli/cli.h"
#include "cli/optionreader.h"

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
    OptionReader args("send", arguments);
    while (args.next()) {
        QString value;
        if (args.isHelp()) {
            std::fputs(SendUsage, stdout);
            return Success;
        } else if (args.is("--header")) {
            QPair<QByteArray, QByteArray> header;
            if (!args.header(&header))
                return args.fail();
            options.headers.append(header);
        } else if (args.is("--subprotocol")) {
            if (!args.nonEmpty(&value, "a name"))
                return args.fail();
            options.subprotocols.append(value.toLatin1());
        } else if (args.is("--origin")) {
            if (!args.text(&value, "a value"))
                return args.fail();
            options.origin = value.toUtf8();
        } else if (args.is("--deflate")) {
            options.deflate = true;
        } else if (args.is("--text")) {
            if (!args.text(&value, "a value"))
                return args.fail();
            items.append({Item::Text, value.toUtf8()});
        } else if (args.is("--binary-hex")) {
            QByteArray bytes;
            if (!args.text(&value, "hex digits") || !endpoints::decodeHex(value.toLatin1(), &bytes))
                return args.fail(QStringLiteral("--binary-hex needs an even number of hex digits"));
            items.append({Item::Binary, bytes});
        } else if (args.is("--frame")) {
            endpoints::CraftedFrame frame;
            QString error;
            if (!args.text(&value, "a SPEC"))
                return args.fail();
            if (!endpoints::parseFrameSpec(value, true, &frame, &error))
                return args.fail(QStringLiteral("--frame %1: %2").arg(value, error));
            items.append({Item::Raw, frame.toBytes()});
        } else if (args.is("--wait-replies")) {
            if (!args.integer(&waitReplies, 0, 1000000, "a number of replies"))
                return args.fail();
        } else if (args.is("--timeout")) {
            if (!args.seconds(&timeoutSeconds))
                return args.fail();
        } else if (args.is("--no-pong")) {
            options.connection.answerPings = false;
        } else if (args.is("--proxy")) {
            if (!args.hostPort(&options.proxyHost, &options.proxyPort))
                return args.fail();
        } else if (args.is("--ca")) {
            if (!args.nonEmpty(&value, "a FILE"))
                return args.fail();
            const QList<QSslCertificate> certs = QSslCertificate::fromPath(value, QSsl::Pem);
            if (certs.isEmpty())
                return args.fail(QStringLiteral("no PEM certificate in %1").arg(value));
            options.caCertificates += certs;
        } else if (args.is("--insecure")) {
            options.ignoreSslErrors = true;
        } else if (args.is("--save")) {
            if (!args.nonEmpty(&saveFile, "a FILE"))
                return args.fail();
        } else if (!args.isOption() && url.isEmpty()) {
            url = args.current();
        } else {
            return args.unknown();
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
