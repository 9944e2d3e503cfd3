#pragma once

#include <QByteArray>
#include <QtGlobal>

namespace wslens::tls {

// What the first bytes a client sent say about a TLS connection it is opening.
// Read-only: the bytes stay where they are (the relay peeks them and then lets
// QSslSocket do the real handshake).
struct ClientHelloPeek
{
    enum class Status {
        NeedMore, // a TLS record has started but is not complete yet
        NotTls,   // not a TLS handshake record
        Complete, // the first record is here; serverName is set if it has SNI
    };
    Status status = Status::NeedMore;
    QByteArray serverName; // SNI host_name as sent (not validated), empty when none
};

// The most a caller has to buffer before peekClientHello() decides: one TLS
// record (header + 16 KiB plaintext limit + expansion slack).
constexpr qsizetype kMaxClientHelloRecord = 5 + 16384 + 2048;

// Looks at the start of a client's byte stream. Parses only the first record;
// a ClientHello longer than one record yields Complete with whatever SNI the
// first record held. Never reads beyond size, never trusts a length field.
ClientHelloPeek peekClientHello(const char *data, qsizetype size);

} // namespace wslens::tls
