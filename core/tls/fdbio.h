#pragma once
// Internal to core/tls: an OpenSSL BIO that reads and writes a non-blocking
// socket descriptor directly (read(2)/send(2), no memory BIO in between), and
// first serves bytes that were read before TLS started (a ClientHello the
// relay peeked at, or a server's first record that arrived with the CONNECT
// answer).

#include <QByteArray>

#include <openssl/bio.h>

namespace wslens::tls::detail {

struct FdBioState
{
    int fd = -1;
    QByteArray prefix;     // served before the descriptor
    qsizetype prefixPos = 0;
    bool eof = false;      // read(2) returned 0
    int lastErrno = 0;     // the last hard error (not EAGAIN/EINTR)
    QByteArray out;        // records not yet sent: [outPos, size)
    qsizetype outPos = 0;

    qsizetype outPending() const { return out.size() - outPos; }
};

constexpr qsizetype kOutLimit = 4 * (16384 + 64);

// Sends what is gathered. True when all of it went out; false on EAGAIN (try
// again when writable) or a hard error (lastErrno set).
bool drainFdBio(FdBioState *state);

// A new BIO over `state` (not owned; it must outlive the BIO).
BIO *newFdBio(FdBioState *state);

} // namespace wslens::tls::detail
