#include "mainwindow.h"

#include "common/version.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

namespace wslens::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("wslens"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/wslens.svg")));
    resize(1200, 760);
    createMenus();
    auto *placeholder = new QLabel(tr("No capture yet."), this);
    placeholder->setAlignment(Qt::AlignCenter);
    setCentralWidget(placeholder);
    statusBar()->showMessage(tr("Relay stopped"));
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    menuBar()->addMenu(tr("&Capture"));
    menuBar()->addMenu(tr("&View"));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About wslens"));
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About wslens"),
                       tr("<h3>wslens %1</h3><p>WebSocket inspector, intercepting relay and test harness.</p>"
                          "<p>Built with Qt %2.</p>")
                           .arg(versionString(), QString::fromLatin1(qVersion())));
}

void MainWindow::openFile(const QString &path)
{
    statusBar()->showMessage(tr("Opening %1 is not supported yet").arg(path));
}

} // namespace wslens::ui
