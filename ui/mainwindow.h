#pragma once

#include <QMainWindow>

namespace wslens::ui {

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens a session or HAR file; reports errors in the window.
    void openFile(const QString &path);

private:
    void createMenus();
    void showAbout();
};

} // namespace wslens::ui
