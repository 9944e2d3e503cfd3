#include "tls/privatefiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wslens::tls::files {

namespace {

QString errnoText(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

bool writeAll(int fd, const QByteArray &data)
{
    const char *p = data.constData();
    qsizetype left = data.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, size_t(left));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += n;
        left -= n;
    }
    return true;
}

void syncDirectory(const QByteArray &dir)
{
    const int fd = ::open(dir.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

bool ensurePrivateDirectory(const QString &dir, QStringList *warnings, QString *error)
{
    if (dir.isEmpty())
        return fail(error, QStringLiteral("no CA folder given"));
    const QString absolute = QFileInfo(dir).absoluteFilePath();
    const QString parent = QFileInfo(absolute).absolutePath();
    if (!QDir().mkpath(parent))
        return fail(error, QStringLiteral("cannot create folder %1").arg(parent));

    const QByteArray native = QFile::encodeName(absolute);
    if (::mkdir(native.constData(), 0700) != 0 && errno != EEXIST)
        return fail(error, QStringLiteral("cannot create folder %1: %2").arg(absolute, errnoText(errno)));

    struct stat st;
    if (::stat(native.constData(), &st) != 0)
        return fail(error, QStringLiteral("cannot inspect folder %1: %2").arg(absolute, errnoText(errno)));
    if (!S_ISDIR(st.st_mode))
        return fail(error, QStringLiteral("%1 exists and is not a folder").arg(absolute));
    if (st.st_uid != ::geteuid())
        return fail(error, QStringLiteral("folder %1 belongs to another user; refusing to keep a CA key there").arg(absolute));
    if ((st.st_mode & 077) != 0) {
        if (::chmod(native.constData(), 0700) != 0)
            return fail(error, QStringLiteral("folder %1 is accessible by other users and cannot be made private: %2")
                                   .arg(absolute, errnoText(errno)));
        if (warnings)
            warnings->append(QStringLiteral("folder %1 was accessible by other users (mode %2); changed to 0700")
                                 .arg(absolute, QString::number(st.st_mode & 0777, 8)));
    }
    return true;
}

bool writeFileAtomically(const QString &path, const QByteArray &data, unsigned mode, QString *error)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QByteArray templ = QFile::encodeName(absolute) + ".tmp-XXXXXX";
    // mkstemp creates the file with mode 0600 whatever the umask: a secret
    // is never readable by others, not even for a moment.
    const int fd = ::mkstemp(templ.data());
    if (fd < 0)
        return fail(error, QStringLiteral("cannot create a file next to %1: %2").arg(absolute, errnoText(errno)));
    bool ok = ::fchmod(fd, mode_t(mode)) == 0 && writeAll(fd, data) && ::fsync(fd) == 0;
    const int writeErrno = errno;
    ok = (::close(fd) == 0) && ok;
    if (!ok) {
        ::unlink(templ.constData());
        return fail(error, QStringLiteral("cannot write %1: %2").arg(absolute, errnoText(writeErrno)));
    }
    const QByteArray target = QFile::encodeName(absolute);
    if (::rename(templ.constData(), target.constData()) != 0) {
        const int renameErrno = errno;
        ::unlink(templ.constData());
        return fail(error, QStringLiteral("cannot replace %1: %2").arg(absolute, errnoText(renameErrno)));
    }
    syncDirectory(QFile::encodeName(QFileInfo(absolute).absolutePath()));
    return true;
}

bool readPrivateFile(const QString &path, QByteArray *data, qint64 maxBytes,
                     QStringList *warnings, QString *error)
{
    if (error)
        error->clear();
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT)
            return false;
        if (err == ELOOP)
            return fail(error, QStringLiteral("%1 is a symbolic link; refusing to read a private key through it").arg(path));
        return fail(error, QStringLiteral("cannot open %1: %2").arg(path, errnoText(err)));
    }
    struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};

    struct stat st;
    if (::fstat(fd, &st) != 0)
        return fail(error, QStringLiteral("cannot inspect %1: %2").arg(path, errnoText(errno)));
    if (!S_ISREG(st.st_mode))
        return fail(error, QStringLiteral("%1 is not a regular file").arg(path));
    if (st.st_uid != ::geteuid())
        return fail(error, QStringLiteral("%1 belongs to another user; refusing to use it as a private key").arg(path));
    if (st.st_size > maxBytes)
        return fail(error, QStringLiteral("%1 is too large (%2 bytes) to be a key file").arg(path).arg(qint64(st.st_size)));
    if ((st.st_mode & 077) != 0) {
        if (::fchmod(fd, 0600) != 0)
            return fail(error, QStringLiteral("%1 is readable by other users and cannot be made private: %2")
                                   .arg(path, errnoText(errno)));
        if (warnings)
            warnings->append(QStringLiteral("private key %1 was accessible by other users (mode %2); changed to 0600. "
                                            "Consider regenerating the CA if others may have read it.")
                                 .arg(path, QString::number(st.st_mode & 0777, 8)));
    }

    QByteArray buffer;
    buffer.resize(qsizetype(st.st_size) + 1); // +1 to notice growth beyond the stat'ed size
    qsizetype got = 0;
    while (got < buffer.size()) {
        const ssize_t n = ::read(fd, buffer.data() + got, size_t(buffer.size() - got));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(error, QStringLiteral("cannot read %1: %2").arg(path, errnoText(errno)));
        }
        if (n == 0)
            break;
        got += n;
    }
    if (got > st.st_size)
        return fail(error, QStringLiteral("%1 changed while it was read").arg(path));
    buffer.truncate(got);
    *data = buffer;
    return true;
}

int permissionBits(const QString &path)
{
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

} // namespace wslens::tls::files
