// MainWindow's Server dock: our built-in test server, captured into the live
// capture, its connections offered to the composer's "Send to".

#include "mainwindow.h"

#include "composer/composerpanel.h"
#include "server/serverconnectionmodel.h"
#include "server/serverpanel.h"

#include <QDockWidget>
#include <QMenuBar>
#include <QScrollArea>

namespace wslens::ui {

void MainWindow::createServerDock()
{
    // The server records into the live capture (made when it starts); every
    // path that replaces or destroys that capture stops it first.
    m_serverDock = new QDockWidget(tr("Server"), this);
    m_serverDock->setObjectName(QStringLiteral("dockServer"));
    m_serverPanel = new ServerPanel(m_serverDock);
    m_serverPanel->setCaptureProvider([this] { return liveSink(); });
    auto *scroll = new QScrollArea(m_serverDock);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_serverPanel);
    m_serverDock->setWidget(scroll);
    addDockWidget(Qt::BottomDockWidgetArea, m_serverDock);
    tabifyDockWidget(m_interceptDock ? m_interceptDock : m_composerDock, m_serverDock);
    if (m_chartDock)
        m_chartDock->raise();

    if (m_composer) {
        ComposerPanel::TargetProvider server;
        server.live = [this] {
            QList<ComposerPanel::SendTarget> targets;
            for (const ServerConnectionModel::Row &row : m_serverPanel->connections()->rows())
                targets.append({tr("server #%1 %2 → client").arg(row.id).arg(row.url), row.id});
            return targets;
        };
        server.send = [this](quint64 id, const endpoints::ComposedMessage &message, QString *error) {
            return m_serverPanel->send(id, message, error);
        };
        server.maskRawByDefault = false; // frames from a server are not masked
        m_composer->addTargetProvider(std::move(server));
        connect(m_serverPanel->connections(), &QAbstractItemModel::rowsRemoved, m_composer,
                [this] { m_composer->refreshTargets(); });
        connect(m_serverPanel->connections(), &QAbstractItemModel::modelReset, m_composer,
                [this] { m_composer->refreshTargets(); });
    }

    auto *start = new QAction(tr("Start &Test Server…"), this);
    start->setObjectName(QStringLiteral("actionStartServer"));
    start->setToolTip(tr("Shows the Server panel and starts our WebSocket test server"));
    connect(start, &QAction::triggered, this, [this] {
        m_serverDock->show();
        m_serverDock->raise();
        if (!m_serverPanel->isListening())
            m_serverPanel->start();
    });
    for (QAction *a : menuBar()->actions()) {
        QMenu *menu = a->menu();
        if (!menu)
            continue;
        if (menu->actions().contains(m_relayAction))
            menu->insertAction(action(QStringLiteral("actionDemo")), start);
        if (menu->objectName() == QLatin1String("menuView"))
            menu->addAction(m_serverDock->toggleViewAction());
    }
}

} // namespace wslens::ui
