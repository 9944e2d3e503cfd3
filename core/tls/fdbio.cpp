#include "tls/fdbio.h"

#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <unistd.h>

namespace wslens::tls::detail {

namespace {

FdBioState *stateOf(BIO *bio)
{
    return static_cast<FdBioState *>(BIO_get_data(bio));
}

int fdRead(BIO *bio, char *out, int length)
{
    BIO_clear_retry_flags(bio);
    FdBioState *s = stateOf(bio);
    if (!s || length <= 0)
        return 0;
    const qsizetype buffered = s->prefix.size() - s->prefixPos;
    if (buffered > 0) {
        const int n = int(qMin<qsizetype>(buffered, length));
        std::memcpy(out, s->prefix.constData() + s->prefixPos, size_t(n));
        s->prefixPos += n;
        if (s->prefixPos == s->prefix.size()) {
            s->prefix = QByteArray();
            s->prefixPos = 0;
        }
        return n;
    }
    ssize_t n;
    do
        n = ::read(s->fd, out, size_t(length));
    while (n < 0 && errno == EINTR);
    if (n > 0)
        return int(n);
    if (n == 0) {
        s->eof = true;
        return 0;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        BIO_set_retry_read(bio);
        return -1;
    }
    s->lastErrno = errno;
    return -1;
}

int fdWrite(BIO *bio, const char *in, int length)
{
    BIO_clear_retry_flags(bio);
    FdBioState *s = stateOf(bio);
    if (!s || length <= 0)
        return 0;
    if (s->outPending() + length > kOutLimit && !drainFdBio(s)) {
        if (s->lastErrno)
            return -1;
        BIO_set_retry_write(bio); // the kernel is full: OpenSSL keeps the record and retries
        return -1;
    }
    if (s->outPending() == 0) {
        s->out.resize(0); // keeps the allocation
        s->outPos = 0;
        if (s->out.capacity() < kOutLimit)
            s->out.reserve(kOutLimit);
    }
    s->out.append(in, length);
    return length;
}

long fdControl(BIO *bio, int command, long, void *)
{
    switch (command) {
    case BIO_CTRL_FLUSH: {
        BIO_clear_retry_flags(bio);
        FdBioState *s = stateOf(bio);
        if (!s || drainFdBio(s))
            return 1;
        if (!s->lastErrno)
            BIO_set_retry_write(bio);
        return 0;
    }
    case BIO_CTRL_WPENDING: {
        const FdBioState *s = stateOf(bio);
        return s ? long(s->outPending()) : 0;
    }
    case BIO_CTRL_PENDING: {
        const FdBioState *s = stateOf(bio);
        return s ? long(s->prefix.size() - s->prefixPos) : 0;
    }
    case BIO_CTRL_EOF: {
        const FdBioState *s = stateOf(bio);
        return s && s->eof ? 1 : 0;
    }
    default:
        return 0;
    }
}

int fdCreate(BIO *bio)
{
    BIO_set_init(bio, 0);
    BIO_set_data(bio, nullptr);
    return 1;
}

int fdDestroy(BIO *bio)
{
    BIO_set_data(bio, nullptr);
    BIO_set_init(bio, 0);
    return 1;
}

BIO_METHOD *fdMethod()
{
    static BIO_METHOD *method = [] {
        BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "wslens socket");
        BIO_meth_set_read(m, fdRead);
        BIO_meth_set_write(m, fdWrite);
        BIO_meth_set_ctrl(m, fdControl);
        BIO_meth_set_create(m, fdCreate);
        BIO_meth_set_destroy(m, fdDestroy);
        return m;
    }();
    return method;
}

} // namespace

bool drainFdBio(FdBioState *s)
{
    while (s->outPending() > 0) {
        const ssize_t n = ::send(s->fd, s->out.constData() + s->outPos, size_t(s->outPending()), MSG_NOSIGNAL);
        if (n > 0) {
            s->outPos += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            s->lastErrno = errno;
        return false;
    }
    s->out.resize(0);
    s->outPos = 0;
    return true;
}

BIO *newFdBio(FdBioState *state)
{
    BIO *bio = BIO_new(fdMethod());
    if (!bio)
        return nullptr;
    BIO_set_data(bio, state);
    BIO_set_init(bio, 1);
    return bio;
}

} // namespace wslens::tls::detail
