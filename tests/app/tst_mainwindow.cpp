// The main window shell: menus and the About box.
#include "mainwindow.h"

#include <QtTest>
#include <QMenuBar>

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void hasTopLevelMenus();
};

void TestMainWindow::hasTopLevelMenus()
{
    wslens::ui::MainWindow window;
    window.show();
    QStringList titles;
    const auto actions = window.menuBar()->actions();
    for (const QAction *a : actions)
        titles << a->text().remove(QLatin1Char('&'));
    QCOMPARE(titles, (QStringList{QStringLiteral("File"), QStringLiteral("Capture"),
                                  QStringLiteral("View"), QStringLiteral("Help")}));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
