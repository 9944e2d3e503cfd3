#include "tls/opensslhandles.h"

#include <openssl/err.h>

namespace wslens::tls::detail {

QString openSslError(const char *what)
{
    QString text = QString::fromUtf8(what);
    unsigned long code;
    bool first = true;
    while ((code = ERR_get_error()) != 0) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        text += (first ? QStringLiteral(": ") : QStringLiteral("; ")) + QString::fromUtf8(buffer);
        first = false;
    }
    return text;
}

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    if (size <= 0 || !data)
        return {};
    return QByteArray(data, qsizetype(size));
}

} // namespace wslens::tls::detail
