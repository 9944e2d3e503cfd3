#pragma once

// permessage-deflate (RFC 7692) for one connection of our server or client:
// negotiation helpers and a MessageTransform that inflates incoming messages
// (with a cap) and compresses outgoing ones.

#include "protocol/frame.h"
#include "protocol/messageassembler.h"
#include "protocol/permessagedeflate.h"

#include <QByteArray>

#include <memory>

namespace wslens::endpoints {

// The agreed parameters of permessage-deflate (defaults filled in).
using DeflateParams = pmd::DeflateAgreement;

// Server side: picks the first acceptable permessage-deflate offer of a
// Sec-WebSocket-Extensions request value. Returns false when there is none;
// otherwise sets *params and *responseValue (the response header value).
bool negotiateDeflateAsServer(const QByteArray &requestExtensions, DeflateParams *params,
                              QByteArray *responseValue);

// Client side: the offer we send.
QByteArray deflateClientOffer();
// Client side: reads the server's answer. Returns false (with *error) when the
// answer is not acceptable; *accepted tells whether deflate is on.
bool acceptDeflateResponse(const QByteArray &responseExtensions, bool *accepted, DeflateParams *params,
                           QString *error);

class DeflateCodec : public MessageTransform
{
public:
    DeflateCodec(Role localRole, const DeflateParams &params, quint64 maxDecompressedSize);
    ~DeflateCodec() override;

    // The payload of an RSV1 frame carrying message (the 00 00 ff ff tail removed).
    QByteArray compress(const QByteArray &message);

    // MessageTransform: inflates an incoming compressed message.
    Violation transform(AssembledMessage &message) override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace wslens::endpoints
