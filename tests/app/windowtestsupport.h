#pragma once
// Window tests: a private settings/data location, the window's own relay
// started from its controls (listen field, mode, upstream, Start) as a user
// would, and our echo server and client talking through it.

#include "endpoints/wsclient.h"
#include "endpoints/wsserver.h"
#include "mainwindow.h"

#include <QAction>
#include <QComboBox>
#include <QCoreApplication>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QUrl>

namespace wslens::test {

// QStandardPaths test mode (settings, app data and the CA folder below
// ~/.qttest), names of our own, and no settings left from earlier runs.
inline void initWindowTest(const QString &applicationName)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wslens-tests"));
    QCoreApplication::setApplicationName(applicationName);
    QSettings().clear();
}

// Starts the window's relay on 127.0.0.1 with a free port: a reverse proxy to
// `upstream`, or the HTTP proxy when it is empty. Returns the port clients
// use; 0 (with a warning saying why) if a control is missing or the relay did
// not start.
inline quint16 startWindowRelay(ui::MainWindow &window, const QString &upstream = QString())
{
    auto *mode = window.findChild<QComboBox *>(QStringLiteral("relayMode"));
    auto *listen = window.findChild<QLineEdit *>(QStringLiteral("relayListen"));
    auto *upstreamEdit = window.findChild<QLineEdit *>(QStringLiteral("relayUpstream"));
    auto *address = window.findChild<QLineEdit *>(QStringLiteral("relayClientAddress"));
    if (!mode || !listen || !upstreamEdit || !address) {
        qWarning("the window has no relay controls");
        return 0;
    }
    mode->setCurrentIndex(upstream.isEmpty() ? 0 : 1); // HTTP proxy, reverse proxy
    listen->setText(QStringLiteral("127.0.0.1:0"));
    emit listen->editingFinished();
    if (!upstream.isEmpty()) {
        if (!upstreamEdit->isEnabled()) {
            qWarning("the upstream field is disabled in reverse-proxy mode");
            return 0;
        }
        upstreamEdit->setText(upstream);
        emit upstreamEdit->editingFinished();
    }
    window.action(QStringLiteral("actionRelay"))->trigger();
    const int port = QUrl(address->text()).port();
    if (port <= 0)
        qWarning("the relay did not start: client address '%s'", qPrintable(address->text()));
    return quint16(qMax(port, 0));
}

// Our echo server and our client, which talks to it through a relay.
struct EchoThroughRelay
{
    endpoints::WsServer server;
    endpoints::WsClient client;
    QSignalSpy echoed{&client, &endpoints::WsClient::messageReceived};

    // Listens on 127.0.0.1 (a free port); false with a warning if it cannot.
    bool listen()
    {
        QString error;
        const bool ok = server.listen(endpoints::ServerOptions(), &error);
        if (!ok)
            qWarning("echo server: %s", qPrintable(error));
        return ok;
    }
    // Opens ws://127.0.0.1:relayPort<target>; true once connected (10 s at most).
    bool connectThrough(quint16 relayPort, const QString &target)
    {
        QSignalSpy connected(&client, &endpoints::WsClient::connected);
        endpoints::ClientOptions options;
        options.url = QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(relayPort) + target);
        client.open(options);
        return QTest::qWaitFor([&] { return !connected.isEmpty(); }, 10000);
    }
};

} // namespace wslens::test
