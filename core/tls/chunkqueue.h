#pragma once
// Internal to core/tls: TlsSocket's read buffer. Received bytes are appended
// into fixed-size chunks (allocated once, never grown or moved); read() hands a
// whole chunk over without copying when it fits, so a relay forwards the very
// buffer the bytes were decrypted into. Chunks come from a small per-thread
// pool that TlsSocket refills with chunks it has finished writing.

#include <QByteArray>

#include <deque>

namespace wslens::tls::detail {

class ChunkQueue
{
public:
    static constexpr qsizetype kChunkSize = 64 * 1024;

    qint64 size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }

    // Room for up to maxBytes (at least 1, at most what the last chunk has
    // left) at the end; endAppend(used) keeps `used` of them. One at a time.
    char *beginAppend(qsizetype maxBytes, qsizetype *space);
    void endAppend(qsizetype used);

    // At most maxSize bytes: the first chunk itself when it fits (no copy), so
    // this may return less than maxSize while more is buffered.
    QByteArray read(qint64 maxSize);
    QByteArray readAll();
    qint64 peek(char *data, qint64 maxSize) const;
    qint64 skip(qint64 maxSize);
    void clear();
    // Puts bytes back in front of what is buffered (they are read first).
    void prepend(const QByteArray &bytes);

    // Gives a chunk that has been written out back to this thread's pool (if
    // nobody else holds it), so the next read reuses warm memory instead of
    // allocating: a relay's read -> forward -> write loop allocates nothing.
    static void recycle(QByteArray &&chunk);

private:
    std::deque<QByteArray> m_chunks;
    qsizetype m_offset = 0; // read position in m_chunks.front()
    qint64 m_size = 0;
    qsizetype m_appendBase = -1; // size of the last chunk before beginAppend()
};

} // namespace wslens::tls::detail
