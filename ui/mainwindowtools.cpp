// MainWindow's Tools menu: replay, mock server, the local CA.

#include "mainwindow.h"

#include "ca/cadialog.h"
#include "data/storecapture.h"
#include "models/connectionmodel.h"
#include "replay/mockserverdialog.h"
#include "replay/replaydialog.h"
#include "store/capturestore.h"

#include <QAction>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTableView>

namespace wslens::ui {

namespace {
enum CaAction { ShowCa, ExportCa, RegenerateCa };
}

void MainWindow::createToolsMenu()
{
    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    tools->setObjectName(QStringLiteral("menuTools"));
    auto add = [this, tools](const char *name, const QString &text, const QKeySequence &key, auto slot) {
        QAction *a = tools->addAction(text);
        a->setObjectName(QLatin1String(name));
        a->setShortcut(key);
        a->setShortcutContext(Qt::WindowShortcut);
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        return a;
    };
    add("actionReplay", tr("&Replay…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), [this] { openReplay(); });
    add("actionMockServer", tr("&Mock Server from This Session…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M),
        [this] { openMockServer(); });
    tools->addSeparator();
    add("actionCaCertificate", tr("&CA Certificate…"), QKeySequence(), [this] { openCaDialog(ShowCa); });
    add("actionExportCa", tr("&Export CA Certificate…"), QKeySequence(), [this] { openCaDialog(ExportCa); });
    add("actionRegenerateCa", tr("Re&generate CA…"), QKeySequence(), [this] { openCaDialog(RegenerateCa); });
}

void MainWindow::openReplay()
{
    auto *capture = qobject_cast<StoreCapture *>(m_source);
    if (!capture || capture->connections().isEmpty()) {
        QMessageBox::information(this, tr("Replay"), tr("Open or capture a session with connections to replay first."));
        return;
    }
    if (m_loading) {
        statusBar()->showMessage(tr("Wait until the session is loaded"), 5000);
        return;
    }
    CaptureStore *store = capture->store();
    // A writable store (the live capture, an imported HAR) records the runs
    // itself; a file opened read-only is copied into a new live capture first.
    ReplayDialog dialog(store, store->isReadOnly() ? nullptr : capture->sink(), this);
    dialog.setAdoptCopy([this](std::unique_ptr<CaptureStore> copy) {
        auto live = std::make_unique<StoreCapture>(std::move(copy));
        StoreCapture *raw = live.get();
        adoptCapture(std::move(live), true, QString());
        raw->catchUp();
        statusBar()->showMessage(tr("The session was copied into a new capture; replay runs are added there"), 8000);
    });
    QList<quint64> ids;
    const QModelIndexList rows = m_connectionView->selectionModel()->selectedRows();
    for (const QModelIndex &r : rows)
        ids.append(m_connectionModel->connectionId(r.row()));
    if (!ids.isEmpty())
        dialog.setSelectedConnections(ids);
    dialog.exec();
}

void MainWindow::openMockServer()
{
    if (m_mock) {
        m_mock->show();
        m_mock->raise();
        m_mock->activateWindow();
        return;
    }
    auto *capture = qobject_cast<StoreCapture *>(m_source);
    if (!capture || capture->connections().isEmpty()) {
        QMessageBox::information(this, tr("Mock server"), tr("Open or capture a session with connections to answer from first."));
        return;
    }
    m_mock = new MockServerDialog(capture->store(), this);
    m_mock->setCaptureProvider([this] { return liveSink(); });
    m_mock->setAttribute(Qt::WA_DeleteOnClose);
    m_mock->show();
}

void MainWindow::openCaDialog(int action)
{
    CaDialog dialog(QString(), this);
    switch (action) {
    case ExportCa:
        if (!dialog.exportWithDialog())
            return;
        break;
    case RegenerateCa:
        if (!dialog.regenerateWithConfirmation())
            return;
        break;
    default: break;
    }
    dialog.exec();
}

} // namespace wslens::ui
