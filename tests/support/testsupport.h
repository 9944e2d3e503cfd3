#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>

namespace wslens::test {

// Absolute path of a file under tests/ in the source tree.
QString testDataPath(const QString &relative);

// The built wslens executable (from the WSLENS_BINARY environment set by ctest).
QString wslensBinary();

// Debian's python3 (has python3-websockets); never a pyenv interpreter.
QString debianPython();

// Node.js and the directory holding Debian's node-ws module (NODE_PATH).
QString nodeBinary();
QString nodeModulesPath();

// A child process that is killed when the object goes away.
class ChildProcess
{
public:
    ChildProcess();
    ~ChildProcess();
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;

    // Starts program; returns false (with errorString()) if it does not start.
    bool start(const QString &program, const QStringList &arguments,
               const QStringList &extraEnvironment = {});
    // Waits until a line of stdout matches the prefix; returns the rest of that line.
    // Returns an empty QByteArray and sets errorString() on timeout or exit.
    QByteArray waitForLine(const QByteArray &prefix, int timeoutMs = 10000);
    // Waits for exit; returns the exit code, or -1 on timeout (process is killed).
    int waitForExit(int timeoutMs = 30000);
    QByteArray allStdout() const { return m_stdout; }
    QByteArray allStderr();
    QString errorString() const { return m_error; }
    QProcess &process() { return *m_process; }

private:
    std::unique_ptr<QProcess> m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
    int m_scanned = 0;
    QString m_error;
};

// Parses "listening on HOST:PORT" style output; returns the port or 0.
quint16 portFromListeningLine(const QByteArray &rest);

} // namespace wslens::test
