#include "protocol/closecode.h"

namespace wslens::CloseCode {

bool isValidOnWire(std::uint16_t code)
{
    if (code >= 1000 && code <= 1003)
        return true;
    if (code >= 1007 && code <= 1014)
        return true;
    return code >= 3000 && code <= 4999;
}

const char *name(std::uint16_t code)
{
    switch (code) {
    case Normal: return "normal";
    case GoingAway: return "going-away";
    case ProtocolError: return "protocol-error";
    case UnsupportedData: return "unsupported-data";
    case Reserved1004: return "reserved";
    case NoStatusReceived: return "no-status-received";
    case AbnormalClosure: return "abnormal-closure";
    case InvalidPayload: return "invalid-payload";
    case PolicyViolation: return "policy-violation";
    case MessageTooBig: return "message-too-big";
    case MandatoryExtension: return "mandatory-extension";
    case InternalError: return "internal-error";
    case ServiceRestart: return "service-restart";
    case TryAgainLater: return "try-again-later";
    case BadGateway: return "bad-gateway";
    case TlsHandshake: return "tls-handshake";
    default: break;
    }
    if (code >= 3000 && code <= 3999)
        return "registered";
    if (code >= 4000 && code <= 4999)
        return "private";
    return "unknown";
}

} // namespace wslens::CloseCode
