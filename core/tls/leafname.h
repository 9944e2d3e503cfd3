#pragma once

#include <QByteArray>
#include <QString>

namespace wslens::tls {

// The name a leaf certificate is made for: a DNS host name or an IP address,
// normalised so that equal names share one cache entry.
struct LeafName
{
    enum class Kind { Dns, Ip };

    Kind kind = Kind::Dns;
    QString text;      // "example.com" (lower case, no trailing dot) or "127.0.0.1" / "::1"
    QByteArray ipBytes; // 4 or 16 bytes in network order when kind == Ip

    bool isIp() const { return kind == Kind::Ip; }

    // Parses a host as it appears in CONNECT, SNI, a Host header or a URL:
    // "Example.COM.", "127.0.0.1", "::1", "[::1]". Internationalised names are
    // converted to their ASCII (punycode) form; "*.example.com" is accepted.
    // Returns false with a reason for anything that cannot be a certificate name
    // (empty, too long, bad characters, empty labels). Never trusts the length.
    static bool parse(const QString &hostOrIp, LeafName *out, QString *error = nullptr);
};

} // namespace wslens::tls
