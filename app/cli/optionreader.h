#pragma once

#include "store/capturerecords.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace wslens::cli {

// Walks a verb's arguments in order (the verbs whose options repeat and whose
// order matters, such as `send --text A --frame B`), takes and checks option
// values, and words every usage error the same way:
//
//     OptionReader args("send", arguments);
//     while (args.next()) {
//         if (args.is("--timeout")) { if (!args.seconds(&timeout)) return args.fail(); }
//         else if (!args.isOption() && url.isEmpty()) url = args.current();
//         else return args.unknown();
//     }
class OptionReader
{
public:
    OptionReader(const char *verb, const QStringList &arguments);

    bool next();                              // moves to the next argument; false at the end
    const QString &current() const { return m_current; }
    bool is(const char *option) const;        // the current argument is this option
    bool isHelp() const { return is("-h") || is("--help"); }
    bool isOption() const;                    // starts with '-' (and is not "-" alone)

    // Each taker reads the value after the current option. On a missing or bad
    // value it stores an error naming the option and returns false; fail()
    // then prints it and returns the usage exit code.
    bool text(QString *out, const char *what);             // any value, even empty
    bool nonEmpty(QString *out, const char *what);
    bool seconds(double *out);                             // > 0 and <= one day
    bool integer(int *out, int min, int max, const char *what);
    bool header(QPair<QByteArray, QByteArray> *out);       // 'Name: value'
    bool hostPort(QString *host, quint16 *port);           // HOST:PORT, [v6]:PORT; port 1-65535
    bool listenAddress(QHostAddress *address, quint16 *port); // ADDR:PORT, port 0 = any

    const QString &error() const { return m_error; } // the last taker's error
    int fail() const;                         // prints the stored error
    int fail(const QString &message) const;   // prints message
    int unknown() const;                      // unknown option or unexpected argument

private:
    bool takeValue(QString *out);
    bool setError(const QString &message);

    const char *m_verb;
    QStringList m_arguments;
    qsizetype m_index = -1;
    QString m_current;
    QString m_error;
};

// "HOST:PORT" or "[v6]:PORT" split; the port may be 0 when allowZeroPort.
bool splitHostPort(const QString &text, bool allowZeroPort, QString *host, quint16 *port);

} // namespace wslens::cli
