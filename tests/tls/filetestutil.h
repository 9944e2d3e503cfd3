#pragma once
// Test helpers for files: permission bits, whole-file read and write.

#include <QByteArray>
#include <QFile>
#include <QString>

#include <sys/stat.h>

namespace wslens::test {

// st_mode & 07777 of path (not following a final symbolic link), or -1.
inline int modeOf(const QString &path)
{
    struct stat st;
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

inline QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline bool writeAll(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

} // namespace wslens::test
