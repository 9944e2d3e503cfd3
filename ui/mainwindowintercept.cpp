// MainWindow's Intercept dock and menu: one Interceptor for the window's
// relay runs, with the rules and the on/off switch kept in the settings.

#include "mainwindow.h"

#include "composer/composerpanel.h"
#include "endpoints/composermessage.h"
#include "intercept/interceptor.h"
#include "intercept/interceptpanel.h"
#include "intercept/interceptsettings.h"

#include <QDockWidget>
#include <QMenuBar>
#include <QStatusBar>

namespace wslens::ui {

void MainWindow::createIntercept()
{
    m_interceptor = std::make_unique<intercept::Interceptor>();
    QString problem;
    const intercept::RuleList rules = loadInterceptRules(&problem);
    QString error;
    if (!m_interceptor->setRules(rules, &error) && problem.isEmpty())
        problem = tr("The saved intercept rules are not valid (%1); starting without rules.").arg(error);
    if (!problem.isEmpty())
        statusBar()->showMessage(problem, 15000);
    m_interceptor->setEnabled(loadInterceptEnabled());
    m_relay->setInterceptor(m_interceptor.get());

    // The composer can send into relayed connections too (captured as injected).
    if (m_composer) {
        ComposerPanel::TargetProvider relay;
        relay.live = [this] {
            QList<ComposerPanel::SendTarget> targets;
            for (quint64 id : m_interceptor->liveConnections()) {
                const QString name = connectionLabel(id);
                targets.append({tr("%1 → server").arg(name), id * 2}); // key: id * 2 + (1 toward the client)
                targets.append({tr("%1 → client").arg(name), id * 2 + 1});
            }
            return targets;
        };
        relay.send = [this](quint64 key, const endpoints::ComposedMessage &composed, QString *error) {
            if (composed.raw) {
                *error = tr("Raw frames go over the own connection or to our server's connections only; choose "
                            "Text, JSON or Binary to inject into a relayed one.");
                return false;
            }
            intercept::InterceptMessage message;
            message.opcode = composed.opcode;
            message.payload = composed.bytes;
            const Direction direction = key % 2 ? Direction::ServerToClient : Direction::ClientToServer;
            if (!m_interceptor->inject(key / 2, direction, message)) {
                *error = tr("Connection #%1 is no longer live.").arg(key / 2);
                return false;
            }
            return true;
        };
        m_composer->addTargetProvider(std::move(relay));
    }

    m_interceptDock = new QDockWidget(tr("Intercept"), this);
    m_interceptDock->setObjectName(QStringLiteral("dockIntercept"));
    m_interceptPanel = new InterceptPanel(m_interceptor.get(), m_interceptDock);
    m_interceptPanel->setConnectionNamer([this](quint64 id) { return connectionLabel(id); });
    m_interceptDock->setWidget(m_interceptPanel);
    addDockWidget(Qt::BottomDockWidgetArea, m_interceptDock);
    if (m_composerDock)
        tabifyDockWidget(m_composerDock, m_interceptDock);
    if (m_chartDock)
        m_chartDock->raise();

    // A held message brings the queue to the front, with the count in its tab.
    connect(m_interceptPanel, &InterceptPanel::heldCountChanged, this, [this](int held) {
        m_interceptDock->setWindowTitle(held > 0 ? tr("Intercept (%1 held)").arg(held) : tr("Intercept"));
        if (held > 0) {
            m_interceptDock->show();
            m_interceptDock->raise();
        }
    });

    QMenu *menu = new QMenu(tr("&Intercept"), this);
    menu->setObjectName(QStringLiteral("menuIntercept"));
    menu->addAction(m_interceptPanel->toggleAction());
    menu->addSeparator();
    menu->addAction(m_interceptPanel->forwardAction());
    menu->addAction(m_interceptPanel->dropAction());
    menu->addAction(m_interceptPanel->forwardAllAction());
    menu->addSeparator();
    menu->addAction(m_interceptPanel->rulesAction());
    menu->addAction(m_interceptPanel->injectAction());
    menu->addSeparator();
    menu->addAction(m_interceptDock->toggleViewAction());
    // Between Capture and View.
    QAction *before = nullptr;
    for (QAction *a : menuBar()->actions())
        if (a->menu() && a->menu()->objectName() == QLatin1String("menuView"))
            before = a;
    menuBar()->insertMenu(before, menu);
    for (QAction *a : menu->actions())
        addAction(a); // shortcuts work while the dock is hidden
}

QString MainWindow::connectionLabel(quint64 id) const
{
    const std::optional<ConnectionInfo> info = m_source ? m_source->connection(id) : std::nullopt;
    return info ? QStringLiteral("#%1  %2").arg(id).arg(info->url) : QStringLiteral("#%1").arg(id);
}

} // namespace wslens::ui
