#include "protocol/permessagedeflate.h"

#include <algorithm>

namespace wslens::pmd {

namespace {

const QByteArray kServerNoContext = QByteArrayLiteral("server_no_context_takeover");
const QByteArray kClientNoContext = QByteArrayLiteral("client_no_context_takeover");
const QByteArray kServerBits = QByteArrayLiteral("server_max_window_bits");
const QByteArray kClientBits = QByteArrayLiteral("client_max_window_bits");

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

// RFC 7692 7.1.2: 1*DIGIT without leading zeros, 8..15.
int parseBits(const QByteArray &v)
{
    if (v.size() == 1 && (v.at(0) == '8' || v.at(0) == '9'))
        return v.at(0) - '0';
    if (v.size() == 2 && v.at(0) == '1' && v.at(1) >= '0' && v.at(1) <= '5')
        return 10 + (v.at(1) - '0');
    return 0;
}

void addFlag(WebSocketExtension &e, const QByteArray &name)
{
    ExtensionParam p;
    p.name = name;
    e.params.append(p);
}

void addBits(WebSocketExtension &e, const QByteArray &name, int bits)
{
    ExtensionParam p;
    p.name = name;
    if (bits > 0) {
        p.value = QByteArray::number(bits);
        p.hasValue = true;
    }
    e.params.append(p);
}

} // namespace

WebSocketExtension DeflateParams::toExtension() const
{
    WebSocketExtension e;
    e.name = ExtensionName;
    if (serverNoContextTakeover)
        addFlag(e, kServerNoContext);
    if (clientNoContextTakeover)
        addFlag(e, kClientNoContext);
    if (serverMaxWindowBits > 0)
        addBits(e, kServerBits, serverMaxWindowBits);
    if (clientMaxWindowBits != 0)
        addBits(e, kClientBits, clientMaxWindowBits);
    return e;
}

bool parseParams(const WebSocketExtension &extension, ParamsContext context, DeflateParams *out, QString *error)
{
    if (extension.name != ExtensionName)
        return fail(error, QStringLiteral("not a permessage-deflate element"));
    DeflateParams p;
    QList<QByteArray> seen;
    for (const ExtensionParam &param : extension.params) {
        const QString name = QString::fromLatin1(param.name);
        if (seen.contains(param.name))
            return fail(error, QStringLiteral("RFC 7692 7: duplicate parameter %1").arg(name));
        seen.append(param.name);
        if (param.name == kServerNoContext || param.name == kClientNoContext) {
            if (param.hasValue)
                return fail(error, QStringLiteral("RFC 7692 7.1.1: %1 takes no value").arg(name));
            (param.name == kServerNoContext ? p.serverNoContextTakeover : p.clientNoContextTakeover) = true;
        } else if (param.name == kServerBits || param.name == kClientBits) {
            const bool server = param.name == kServerBits;
            if (!param.hasValue) {
                if (server || context == ParamsContext::Response)
                    return fail(error, QStringLiteral("RFC 7692 7.1.2: %1 needs a value here").arg(name));
                p.clientMaxWindowBits = WindowBitsNoValue;
                continue;
            }
            const int bits = parseBits(param.value);
            if (bits == 0)
                return fail(error, QStringLiteral("RFC 7692 7.1.2: %1=%2 is not an integer 8..15")
                                       .arg(name, QString::fromLatin1(param.value)));
            (server ? p.serverMaxWindowBits : p.clientMaxWindowBits) = bits;
        } else {
            return fail(error, QStringLiteral("RFC 7692 7: unknown parameter %1").arg(name));
        }
    }
    if (out)
        *out = p;
    return true;
}

DeflateAgreement agreementFromResponse(const DeflateParams &response)
{
    DeflateAgreement a;
    a.serverNoContextTakeover = response.serverNoContextTakeover;
    a.clientNoContextTakeover = response.clientNoContextTakeover;
    a.serverMaxWindowBits = response.serverMaxWindowBits > 0 ? response.serverMaxWindowBits : 15;
    a.clientMaxWindowBits = response.clientMaxWindowBits > 0 ? response.clientMaxWindowBits : 15;
    return a;
}

ServerSelection selectForServer(const QList<WebSocketExtension> &offers, const ServerPolicy &policy)
{
    ServerSelection sel;
    if (!policy.enabled)
        return sel;
    const int ourServerBits = std::clamp(policy.serverMaxWindowBits, 8, 15);
    const int ourClientBits = std::clamp(policy.clientMaxWindowBits, 8, 15);
    for (const WebSocketExtension &offer : offers) {
        if (offer.name != ExtensionName)
            continue;
        DeflateParams o;
        QString why;
        if (!parseParams(offer, ParamsContext::Offer, &o, &why)) {
            if (!sel.declined.isEmpty())
                sel.declined += QLatin1String("; ");
            sel.declined += QStringLiteral("declined \"%1\": %2").arg(QString::fromLatin1(offer.toBytes()), why);
            continue;
        }
        DeflateParams r;
        r.serverNoContextTakeover = o.serverNoContextTakeover || policy.serverNoContextTakeover;
        r.clientNoContextTakeover = o.clientNoContextTakeover || policy.clientNoContextTakeover;
        if (o.serverMaxWindowBits > 0)
            r.serverMaxWindowBits = std::min(o.serverMaxWindowBits, ourServerBits);
        else if (ourServerBits < 15)
            r.serverMaxWindowBits = ourServerBits;
        if (o.clientMaxWindowBits > 0)
            r.clientMaxWindowBits = std::min(o.clientMaxWindowBits, ourClientBits);
        else if (o.clientMaxWindowBits == WindowBitsNoValue && ourClientBits < 15)
            r.clientMaxWindowBits = ourClientBits;
        sel.accepted = true;
        sel.response = r;
        sel.agreement = agreementFromResponse(r);
        return sel;
    }
    return sel;
}

DeflateParams defaultClientOffer()
{
    DeflateParams p;
    p.clientMaxWindowBits = WindowBitsNoValue;
    return p;
}

bool validateResponse(const DeflateParams &offer, const WebSocketExtension &response, DeflateAgreement *agreement,
                      QString *error)
{
    DeflateParams r;
    if (!parseParams(response, ParamsContext::Response, &r, error))
        return false;
    if (r.clientMaxWindowBits > 0 && offer.clientMaxWindowBits == 0)
        return fail(error, QStringLiteral("RFC 7692 7.1.2.2: client_max_window_bits in the response but not offered"));
    if (r.clientMaxWindowBits > 0 && offer.clientMaxWindowBits > 0 && r.clientMaxWindowBits > offer.clientMaxWindowBits)
        return fail(error, QStringLiteral("RFC 7692 7.1.2.2: client_max_window_bits=%1 above the offered %2")
                               .arg(r.clientMaxWindowBits)
                               .arg(offer.clientMaxWindowBits));
    if (offer.serverMaxWindowBits > 0 && r.serverMaxWindowBits == 0)
        return fail(error, QStringLiteral("RFC 7692 7.1.2.1: server_max_window_bits was offered but not accepted"));
    if (offer.serverMaxWindowBits > 0 && r.serverMaxWindowBits > offer.serverMaxWindowBits)
        return fail(error, QStringLiteral("RFC 7692 7.1.2.1: server_max_window_bits=%1 above the offered %2")
                               .arg(r.serverMaxWindowBits)
                               .arg(offer.serverMaxWindowBits));
    if (offer.serverNoContextTakeover && !r.serverNoContextTakeover)
        return fail(error, QStringLiteral("RFC 7692 7.1.1.1: server_no_context_takeover was offered but not accepted"));
    if (agreement) {
        DeflateAgreement a = agreementFromResponse(r);
        if (r.clientMaxWindowBits == 0 && offer.clientMaxWindowBits > 0)
            a.clientMaxWindowBits = offer.clientMaxWindowBits; // we promised not to exceed it
        *agreement = a;
    }
    return true;
}

bool validateResponseAgainstOffers(const QList<DeflateParams> &offers, const WebSocketExtension &response,
                                   DeflateAgreement *agreement, QString *error)
{
    QString firstError = QStringLiteral("no permessage-deflate offer was made");
    for (qsizetype i = 0; i < offers.size(); ++i) {
        QString e;
        if (validateResponse(offers.at(i), response, agreement, &e))
            return true;
        if (i == 0)
            firstError = e;
    }
    return fail(error, firstError);
}

std::optional<WebSocketExtension> findDeflate(const QList<WebSocketExtension> &extensions)
{
    for (const WebSocketExtension &e : extensions) {
        if (e.name == ExtensionName)
            return e;
    }
    return std::nullopt;
}

} // namespace wslens::pmd
