#include "store/captureloader.h"

#include "store/har.h"
#include "store/sessionreader.h"

#include <QFile>

namespace wslens {

LoadedCapture loadCapture(const QString &path, const CaptureStore::OpenOptions &options)
{
    LoadedCapture r;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        r.error = QStringLiteral("cannot open %1: %2").arg(path, f.errorString());
        return r;
    }
    const QByteArray head = f.read(64);
    f.close();
    if (head.isEmpty()) {
        r.error = QStringLiteral("%1: the file is empty").arg(path);
        return r;
    }
    auto store = std::make_unique<CaptureStore>();
    if (har::looksLikeJson(head)) {
        r.format = CaptureFileFormat::Har;
        if (!store->createTemporary()) {
            r.error = store->errorString();
            return r;
        }
        const har::ImportResult ir = har::importHarFile(path, *store);
        store->close();
        if (!ir.ok) {
            r.error = ir.error;
            return r;
        }
        if (ir.skippedMessages)
            r.warning = QStringLiteral("%1: %2 WebSocket messages without a usable type or time were skipped")
                            .arg(path)
                            .arg(ir.skippedMessages);
        r.store = std::move(store);
        return r;
    }
    if (!session::looksLikeSession(head)) {
        r.error = QStringLiteral("%1: not a wslens session or HAR file").arg(path);
        return r;
    }
    if (!store->open(path, options)) {
        r.error = store->errorString();
        return r;
    }
    r.warning = store->warningString();
    r.store = std::move(store);
    return r;
}

} // namespace wslens
