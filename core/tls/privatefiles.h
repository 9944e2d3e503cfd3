#pragma once
// POSIX file helpers for secrets: a private folder (0700), files written
// atomically with an exact mode, private files read without following links.

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace wslens::tls::files {

// Creates `dir` (and missing parents) so that `dir` itself is mode 0700 from the
// start (mkdir with mode, not chmod afterwards). An existing folder must be owned
// by the current user; if it is group/world accessible, it is changed to 0700
// and a warning is appended.
bool ensurePrivateDirectory(const QString &dir, QStringList *warnings, QString *error);

// Writes `data` to a temporary file in the same folder (created 0600 by
// mkstemp, then set to `mode`), flushes it to disk and renames it over `path`:
// readers see the old or the new file, never a mix or a world-readable key.
bool writeFileAtomically(const QString &path, const QByteArray &data, unsigned mode, QString *error);

// Reads a file holding a secret. Refuses symbolic links, non-regular files,
// files owned by another user and files larger than maxBytes. A file readable
// by group or others is changed to 0600 and a warning is appended.
// Returns false with *error empty if the file does not exist.
bool readPrivateFile(const QString &path, QByteArray *data, qint64 maxBytes,
                     QStringList *warnings, QString *error);

// The permission bits (st_mode & 07777) of path, or -1 if it cannot be stat'ed.
int permissionBits(const QString &path);

} // namespace wslens::tls::files
