// wslens ca: export, locate or regenerate the local interception CA (issue 5).
#include "cli/cli.h"

#include "tls/certificateauthority.h"

#include <QCommandLineParser>
#include <QCryptographicHash>

#include <cstdio>

namespace wslens::cli {

namespace {

const char UsageText[] =
    "Usage:\n"
    "  wslens ca export [--ca-dir DIR] --format pem|der -o FILE\n"
    "      write the CA certificate (never the key) to FILE, creating the CA if there is none\n"
    "  wslens ca path [--ca-dir DIR]\n"
    "      print the path of the CA certificate (PEM), creating the CA if there is none\n"
    "  wslens ca regenerate [--ca-dir DIR]\n"
    "      replace the CA with a new one; browsers must then trust the new certificate\n\n"
    "Options:\n"
    "  --ca-dir DIR     folder of the CA (default: %s)\n"
    "  --format FMT     pem or der\n"
    "  -o, --output F   output file, used exactly as given\n";

void printCaUsage(std::FILE *out)
{
    const QString dir = tls::CertificateAuthority::defaultDirectory();
    std::fprintf(out, UsageText, dir.isEmpty() ? "unknown" : qPrintable(dir));
}

QString fingerprint(const QSslCertificate &certificate)
{
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

// Prints the CA's warnings (e.g. fixed key permissions) and, on failure, the error.
bool report(const tls::CertificateAuthority &ca, bool ok, const QString &error)
{
    for (const QString &warning : ca.warnings())
        std::fprintf(stderr, "wslens ca: warning: %s\n", qPrintable(warning));
    if (!ok)
        std::fprintf(stderr, "wslens ca: %s\n", qPrintable(error));
    return ok;
}

// Loads or creates the CA, saying so when it is new.
bool openCa(tls::CertificateAuthority &ca)
{
    QString error;
    if (!report(ca, ca.loadOrCreate(&error), error))
        return false;
    if (ca.wasCreated())
        for (const QString &line : ca.createdNotice())
            std::fprintf(stderr, "wslens ca: %s\n", qPrintable(line));
    return true;
}

} // namespace

int runCa(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QString());
    const QCommandLineOption caDir(QStringLiteral("ca-dir"), QString(), QStringLiteral("DIR"));
    const QCommandLineOption format(QStringLiteral("format"), QString(), QStringLiteral("FMT"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QString(), QStringLiteral("FILE"));
    parser.addOptions({help, caDir, format, output});
    if (!parser.parse(QStringList{QStringLiteral("wslens ca")} + arguments)) {
        QString message = parser.errorText();
        if (message.endsWith(QLatin1Char('.')))
            message.chop(1);
        return usageError("ca", message + QStringLiteral(" (see 'wslens ca --help')"));
    }
    if (parser.isSet(help)) {
        printCaUsage(stdout);
        return Success;
    }

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usageError("ca", QStringLiteral("missing action: export, path or regenerate (see 'wslens ca --help')"));
    if (positional.size() > 1)
        return usageError("ca", QStringLiteral("unexpected argument '%1'").arg(positional.at(1)));
    const QString action = positional.first();
    if (action != QLatin1String("export") && action != QLatin1String("path") && action != QLatin1String("regenerate"))
        return usageError("ca", QStringLiteral("unknown action '%1': use export, path or regenerate").arg(action));
    if (parser.isSet(caDir) && parser.value(caDir).isEmpty())
        return usageError("ca", QStringLiteral("--ca-dir needs a folder"));
    if (action != QLatin1String("export") && (parser.isSet(format) || parser.isSet(output)))
        return usageError("ca", QStringLiteral("--format and -o belong to 'wslens ca export'"));

    tls::CertificateAuthority::Format exportFormat = tls::CertificateAuthority::Format::Pem;
    if (action == QLatin1String("export")) {
        if (!parser.isSet(format))
            return usageError("ca", QStringLiteral("export needs --format pem or --format der"));
        const QString f = parser.value(format).toLower();
        if (f == QLatin1String("der"))
            exportFormat = tls::CertificateAuthority::Format::Der;
        else if (f != QLatin1String("pem"))
            return usageError("ca", QStringLiteral("unknown format '%1': use pem or der").arg(parser.value(format)));
        if (!parser.isSet(output) || parser.value(output).isEmpty())
            return usageError("ca", QStringLiteral("export needs -o FILE"));
    }

    tls::CertificateAuthority ca(parser.value(caDir));
    if (action == QLatin1String("regenerate")) {
        QString error;
        if (!report(ca, ca.regenerate(&error), error))
            return Failure;
        std::printf("new CA certificate: %s\nSHA-256 fingerprint: %s\n",
                    qPrintable(ca.certificateFilePath()), qPrintable(fingerprint(ca.caCertificate())));
        std::fprintf(stderr, "wslens ca: browsers and systems that trusted the old CA must now import the new one\n");
        return Success;
    }

    if (!openCa(ca))
        return Failure;
    if (action == QLatin1String("path")) {
        std::printf("%s\n", qPrintable(ca.certificateFilePath()));
        return Success;
    }

    const QString file = parser.value(output);
    QString error;
    if (!ca.exportCertificateToFile(file, exportFormat, &error)) {
        std::fprintf(stderr, "wslens ca: %s\n", qPrintable(error));
        return Failure;
    }
    std::printf("wrote the CA certificate (%s) to %s\nSHA-256 fingerprint: %s\n",
                exportFormat == tls::CertificateAuthority::Format::Pem ? "PEM" : "DER",
                qPrintable(file), qPrintable(fingerprint(ca.caCertificate())));
    return Success;
}

} // namespace wslens::cli
