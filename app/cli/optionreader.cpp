#include "cli/optionreader.h"

#include "cli/cli.h"

#include "endpoints/endpointaddress.h"

namespace wslens::cli {

OptionReader::OptionReader(const char *verb, const QStringList &arguments)
    : m_verb(verb)
    , m_arguments(arguments)
{
}

bool OptionReader::next()
{
    if (m_index + 1 >= m_arguments.size())
        return false;
    m_current = m_arguments.at(++m_index);
    return true;
}

bool OptionReader::is(const char *option) const
{
    return m_current == QLatin1String(option);
}

bool OptionReader::isOption() const
{
    return m_current.size() > 1 && m_current.startsWith(QLatin1Char('-'));
}

bool OptionReader::takeValue(QString *out)
{
    if (m_index + 1 >= m_arguments.size())
        return false;
    *out = m_arguments.at(++m_index);
    return true;
}

bool OptionReader::setError(const QString &message)
{
    m_error = message;
    return false;
}

bool OptionReader::text(QString *out, const char *what)
{
    if (!takeValue(out))
        return setError(QStringLiteral("%1 needs %2").arg(m_current, QLatin1String(what)));
    return true;
}

bool OptionReader::nonEmpty(QString *out, const char *what)
{
    if (!takeValue(out) || out->isEmpty())
        return setError(QStringLiteral("%1 needs %2").arg(m_current, QLatin1String(what)));
    return true;
}

bool OptionReader::seconds(double *out)
{
    QString value;
    bool ok = false;
    const double v = takeValue(&value) ? value.toDouble(&ok) : 0;
    if (!ok || !(v > 0) || v > 86400)
        return setError(QStringLiteral("%1 needs seconds > 0 (at most 86400)").arg(m_current));
    *out = v;
    return true;
}

bool OptionReader::integer(int *out, int min, int max, const char *what)
{
    QString value;
    bool ok = false;
    const qlonglong v = takeValue(&value) ? value.toLongLong(&ok) : 0;
    if (!ok || v < min || v > max)
        return setError(QStringLiteral("%1 needs %2 from %3 to %4").arg(m_current, QLatin1String(what)).arg(min).arg(max));
    *out = int(v);
    return true;
}

bool OptionReader::header(QPair<QByteArray, QByteArray> *out)
{
    QString value;
    const qsizetype colon = takeValue(&value) ? value.indexOf(QLatin1Char(':')) : -1;
    const QString name = colon > 0 ? value.left(colon).trimmed() : QString();
    if (name.isEmpty() || name.contains(QLatin1Char(' ')))
        return setError(QStringLiteral("%1 needs 'Name: value'").arg(m_current));
    *out = {name.toLatin1(), value.mid(colon + 1).trimmed().toUtf8()};
    return true;
}

bool OptionReader::hostPort(QString *host, quint16 *port)
{
    QString value;
    if (!takeValue(&value) || !splitHostPort(value, false, host, port))
        return setError(QStringLiteral("%1 needs HOST:PORT").arg(m_current));
    return true;
}

bool OptionReader::listenAddress(QHostAddress *address, quint16 *port)
{
    QString value;
    if (!takeValue(&value) || !endpoints::parseEndpoint(value, address, port))
        return setError(QStringLiteral("%1 needs ADDR:PORT (e.g. 127.0.0.1:0)").arg(m_current));
    return true;
}

int OptionReader::fail() const
{
    return usageError(m_verb, m_error);
}

int OptionReader::fail(const QString &message) const
{
    return usageError(m_verb, message);
}

int OptionReader::unknown() const
{
    const QString help = QStringLiteral(" (see 'wslens %1 --help')").arg(QLatin1String(m_verb));
    if (isOption())
        return usageError(m_verb, QStringLiteral("unknown option '%1'").arg(m_current) + help);
    return usageError(m_verb, QStringLiteral("unexpected argument '%1'").arg(m_current) + help);
}

bool splitHostPort(const QString &text, bool allowZeroPort, QString *host, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    QString h = text.left(colon);
    if (h.startsWith(QLatin1Char('['))) { // [v6]:PORT; a bare v6 address works too ("::1:0")
        if (!h.endsWith(QLatin1Char(']')) || h.size() < 3)
            return false;
        h = h.mid(1, h.size() - 2);
    }
    bool ok = false;
    const uint p = text.mid(colon + 1).toUInt(&ok);
    if (!ok || p > 65535 || (p == 0 && !allowZeroPort))
        return false;
    *host = h;
    *port = quint16(p);
    return true;
}

} // namespace wslens::cli
