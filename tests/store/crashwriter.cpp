// Test helper for tst_sessionfile: captures frames into a session file in a
// loop and reports progress ("appended N" = N frames handed to the store) on
// stdout until it is killed.

#include "storetestutil.h"

#include "store/capturestore.h"

#include <QCoreApplication>

#include <cstdio>
#include <thread>

using namespace wslens;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s SESSION_FILE\n", argv[0]);
        return 2;
    }
    CaptureStore store;
    if (!store.create(QString::fromLocal8Bit(argv[1]))) {
        std::fprintf(stderr, "%s\n", qPrintable(store.errorString()));
        return 1;
    }
    const quint64 conn = store.openConnection(test::sampleConnection(1));
    std::printf("started\n");
    std::fflush(stdout);
    for (quint64 i = 0;;) {
        for (int k = 0; k < 200; ++k, ++i)
            store.appendFrame(test::sampleFrame(conn, i));
        std::printf("appended %llu\n", static_cast<unsigned long long>(i));
        std::fflush(stdout);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}
