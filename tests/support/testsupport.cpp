#include "testsupport.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QStandardPaths>

namespace wslens::test {

QString testDataPath(const QString &relative)
{
    return QStringLiteral(WSLENS_TESTS_DIR) + QLatin1Char('/') + relative;
}

QString wslensBinary()
{
    return qEnvironmentVariable("WSLENS_BINARY");
}

QString debianPython()
{
    const QString env = qEnvironmentVariable("WSLENS_PYTHON");
    if (!env.isEmpty())
        return env;
    return QStringLiteral("/usr/bin/python3");
}

QString nodeBinary()
{
    const QString found = QStandardPaths::findExecutable(QStringLiteral("node"));
    return found.isEmpty() ? QStringLiteral("/usr/bin/node") : found;
}

QString nodeModulesPath()
{
    return QStringLiteral("/usr/share/nodejs:/usr/lib/nodejs");
}

ChildProcess::ChildProcess()
    : m_process(std::make_unique<QProcess>())
{
}

ChildProcess::~ChildProcess()
{
    if (m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

bool ChildProcess::start(const QString &program, const QStringList &arguments,
                         const QStringList &extraEnvironment)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &kv : extraEnvironment) {
        const qsizetype eq = kv.indexOf(QLatin1Char('='));
        env.insert(kv.left(eq), kv.mid(eq + 1));
    }
    m_process->setProcessEnvironment(env);
    m_process->start(program, arguments);
    if (!m_process->waitForStarted(10000)) {
        m_error = QStringLiteral("could not start %1: %2").arg(program, m_process->errorString());
        return false;
    }
    return true;
}

QByteArray ChildProcess::waitForLine(const QByteArray &prefix, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        m_stdout += m_process->readAllStandardOutput();
        while (true) {
            const qsizetype nl = m_stdout.indexOf('\n', m_scanned);
            if (nl < 0)
                break;
            const QByteArray line = m_stdout.mid(m_scanned, nl - m_scanned).trimmed();
            m_scanned = int(nl + 1);
            if (line.startsWith(prefix))
                return line.mid(prefix.size()).trimmed();
        }
        if (m_process->state() == QProcess::NotRunning) {
            m_error = QStringLiteral("process exited before printing '%1'; stderr: %2")
                          .arg(QString::fromUtf8(prefix), QString::fromUtf8(allStderr()));
            return {};
        }
        if (deadline.hasExpired()) {
            m_error = QStringLiteral("timed out waiting for '%1'").arg(QString::fromUtf8(prefix));
            return {};
        }
        m_process->waitForReadyRead(int(qMax<qint64>(1, qMin<qint64>(100, deadline.remainingTime()))));
    }
}

int ChildProcess::waitForExit(int timeoutMs)
{
    if (!m_process->waitForFinished(timeoutMs) && m_process->state() != QProcess::NotRunning) {
        m_process->kill();
        m_process->waitForFinished(5000);
        return -1;
    }
    m_stdout += m_process->readAllStandardOutput();
    return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
}

QByteArray ChildProcess::allStderr()
{
    m_stderr += m_process->readAllStandardError();
    return m_stderr;
}

quint16 portFromListeningLine(const QByteArray &rest)
{
    const qsizetype colon = rest.lastIndexOf(':');
    if (colon < 0)
        return 0;
    bool ok = false;
    const uint port = rest.mid(colon + 1).trimmed().toUInt(&ok);
    return ok && port < 65536 ? quint16(port) : 0;
}

} // namespace wslens::test
