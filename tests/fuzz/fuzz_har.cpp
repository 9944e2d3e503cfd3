// libFuzzer target: HAR import (issue 3). Feeds a sink that keeps nothing.
#include "store/har.h"

#include <cstddef>
#include <cstdint>

namespace {

class NullSink : public wslens::CaptureSink
{
public:
    quint64 openConnection(const wslens::ConnectionInfo &) override { return ++m_connections; }
    void updateConnection(const wslens::ConnectionInfo &) override { }
    void appendFrame(wslens::FrameRecord &&f) override
    {
        if (f.connectionId == 0 || f.connectionId > m_connections || f.message.size() != f.payload.size())
            __builtin_trap();
    }

private:
    quint64 m_connections = 0;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size > 1024 * 1024)
        return 0;
    NullSink sink;
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    wslens::har::importHar(bytes, sink);
    return 0;
}
