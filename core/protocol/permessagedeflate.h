#pragma once

#include "protocol/extensionheader.h"
#include "protocol/frame.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace wslens {

// permessage-deflate (RFC 7692) negotiation: parse, format and check the
// extension parameters of Sec-WebSocket-Extensions offers and responses.
// The compression itself lives in deflatecodec.h.
namespace pmd {

inline constexpr char ExtensionName[] = "permessage-deflate";

// client_max_window_bits may appear in an offer without a value.
inline constexpr int WindowBitsNoValue = -1;

// The parameters of one offer or one response (RFC 7692 7.1).
struct DeflateParams
{
    bool serverNoContextTakeover = false;
    bool clientNoContextTakeover = false;
    int serverMaxWindowBits = 0; // 0: absent, else 8..15
    int clientMaxWindowBits = 0; // 0: absent, WindowBitsNoValue (offer only), else 8..15

    bool operator==(const DeflateParams &o) const
    {
        return serverNoContextTakeover == o.serverNoContextTakeover
            && clientNoContextTakeover == o.clientNoContextTakeover
            && serverMaxWindowBits == o.serverMaxWindowBits && clientMaxWindowBits == o.clientMaxWindowBits;
    }
    // As an extension element: "permessage-deflate; client_max_window_bits"
    WebSocketExtension toExtension() const;
    QByteArray toBytes() const { return toExtension().toBytes(); }
};

enum class ParamsContext { Offer, Response };

// Parses the parameters of a permessage-deflate element. Rejects unknown and
// duplicate parameters, values outside 8..15 (or with leading zeros/signs), a
// value on a *_no_context_takeover, server_max_window_bits without a value,
// and (in a response) client_max_window_bits without a value.
bool parseParams(const WebSocketExtension &extension, ParamsContext context, DeflateParams *out,
                 QString *error = nullptr);

// What both ends agreed on, with defaults filled in.
struct DeflateAgreement
{
    bool serverNoContextTakeover = false;
    bool clientNoContextTakeover = false;
    int serverMaxWindowBits = 15;
    int clientMaxWindowBits = 15;

    // Settings of the endpoint playing `role`.
    bool sendNoContextTakeover(Role role) const
    {
        return role == Role::Client ? clientNoContextTakeover : serverNoContextTakeover;
    }
    bool receiveNoContextTakeover(Role role) const
    {
        return role == Role::Client ? serverNoContextTakeover : clientNoContextTakeover;
    }
    int sendWindowBits(Role role) const { return role == Role::Client ? clientMaxWindowBits : serverMaxWindowBits; }
    int receiveWindowBits(Role role) const { return role == Role::Client ? serverMaxWindowBits : clientMaxWindowBits; }

    bool operator==(const DeflateAgreement &o) const
    {
        return serverNoContextTakeover == o.serverNoContextTakeover
            && clientNoContextTakeover == o.clientNoContextTakeover
            && serverMaxWindowBits == o.serverMaxWindowBits && clientMaxWindowBits == o.clientMaxWindowBits;
    }
};

// The agreement described by a (valid) response.
DeflateAgreement agreementFromResponse(const DeflateParams &response);

// --- server side ------------------------------------------------------------

// What our server is willing to do.
struct ServerPolicy
{
    bool enabled = true;
    bool serverNoContextTakeover = false; // ask for it even if not offered
    bool clientNoContextTakeover = false; // ask for it even if not offered
    int serverMaxWindowBits = 15;         // 9..15: our compressor's window (zlib cannot do 8)
    int clientMaxWindowBits = 15;         // 8..15: limit the client's window when it allows it
};

struct ServerSelection
{
    bool accepted = false;
    DeflateParams response;     // to send back
    DeflateAgreement agreement; // what is in force after the handshake
    QString declined;           // why offers were declined (for the inspector)
};

// Picks the first acceptable permessage-deflate offer from a parsed
// Sec-WebSocket-Extensions request value (RFC 7692 5: invalid offers are
// declined; the next one is tried). Offers for other extensions are ignored.
ServerSelection selectForServer(const QList<WebSocketExtension> &offers, const ServerPolicy &policy = {});

// --- client side ------------------------------------------------------------

// Our client's default offer: "permessage-deflate; client_max_window_bits".
DeflateParams defaultClientOffer();

// Checks a server's permessage-deflate response against the offer it
// answers (RFC 7692 7.1): parameters valid for a response,
// client_max_window_bits only if offered and not above the offered value,
// server_max_window_bits not above the offered value and present if it was
// offered, server_no_context_takeover present if it was offered.
bool validateResponse(const DeflateParams &offer, const WebSocketExtension &response,
                      DeflateAgreement *agreement, QString *error = nullptr);

// Same against several offers (the response answers one of them): the first
// offer the response is valid for wins.
bool validateResponseAgainstOffers(const QList<DeflateParams> &offers, const WebSocketExtension &response,
                                   DeflateAgreement *agreement, QString *error = nullptr);

// Finds the permessage-deflate element in a response extension list; nullopt when absent.
std::optional<WebSocketExtension> findDeflate(const QList<WebSocketExtension> &extensions);

} // namespace pmd
} // namespace wslens
