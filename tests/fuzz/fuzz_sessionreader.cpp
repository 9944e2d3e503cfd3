// libFuzzer target: the native session file reader (issue 3). Every record
// the scanner accepts is also fully decoded, as CaptureStore::frame() does.
#include "store/sessionformat.h"
#include "store/sessionreader.h"

#include <QBuffer>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace wslens;
    QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    QBuffer buf(&bytes);
    buf.open(QIODevice::ReadOnly);
    session::ScanCallbacks cb;
    quint64 sink = 0;
    cb.connection = [&](ConnectionInfo &&c) { sink += quint64(c.url.size() + c.requestHeaders.size()); };
    cb.frame = [&](const session::FrameFixed &fixed, quint64 offset, quint32 recordSize, const char *body) {
        FrameRecord f;
        if (!session::decodeFrame(body, recordSize - session::kRecordOverhead, &f))
            __builtin_trap(); // the scanner accepted what the decoder refuses
        sink += offset + fixed.payloadSize + quint64(f.payload.size());
    };
    const session::ScanResult r = session::scanSession(buf, cb);
    if (r.ok && r.validBytes > size)
        __builtin_trap();
    return sink == 42 ? 0 : 0;
}
