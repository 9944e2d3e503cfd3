#include "cli/cli.h"
#include "common/version.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCoreApplication>
#include <QFileInfo>

#include <cstdio>
#include <cstring>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace {

void setApplicationIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("wslens"));
    QCoreApplication::setApplicationName(QStringLiteral("wslens"));
    QCoreApplication::setApplicationVersion(wslens::versionString());
}

int runGui(int argc, char **argv, const QString &fileToOpen)
{
    QApplication app(argc, argv);
    setApplicationIdentity();
    QApplication::setDesktopFileName(QStringLiteral("io.github.wslens.wslens"));
    wslens::ui::MainWindow window;
    window.show();
    if (!fileToOpen.isEmpty())
        window.openFile(fileToOpen);
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    using namespace wslens;
    // The relay allocates and frees a payload buffer per frame on its worker
    // threads. With glibc's defaults the freed top of a thread's heap goes back
    // to the kernel after each burst and large payloads are mmap()ed one by one,
    // so the next frames fault in fresh zeroed pages (~4% of the relay's CPU at
    // 64 KiB frames, docs/PERFORMANCE.md). Keep freed memory for reuse instead.
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 128 * 1024 * 1024);
#endif
    if (argc > 1) {
        const char *first = argv[1];
        if (!std::strcmp(first, "--version") || !std::strcmp(first, "-v")) {
            std::printf("wslens %s\n", qPrintable(versionString()));
            return cli::Success;
        }
        if (!std::strcmp(first, "--help") || !std::strcmp(first, "-h")) {
            cli::printUsage(stdout);
            return cli::Success;
        }
        const QString name = QString::fromLocal8Bit(first);
        if (const cli::Verb *verb = cli::findVerb(name)) {
            QCoreApplication app(argc, argv);
            setApplicationIdentity();
            QStringList args = QCoreApplication::arguments().mid(2);
            return verb->run(args);
        }
        if (first[0] == '-' || argc > 2 || !QFileInfo::exists(name)) {
            if (first[0] == '-')
                std::fprintf(stderr, "wslens: unknown option '%s'\n\n", first);
            else if (argc > 2 || !QFileInfo::exists(name))
                std::fprintf(stderr, "wslens: unknown verb or missing file '%s'\n\n", first);
            cli::printUsage(stderr);
            return cli::UsageOrInputError;
        }
        return runGui(argc, argv, name);
    }
    return runGui(argc, argv, QString());
}
