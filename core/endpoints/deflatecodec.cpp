#include "endpoints/deflatecodec.h"

#include "protocol/deflatecodec.h"
#include "protocol/extensionheader.h"
#include "protocol/permessagedeflate.h"

#include <QString>

namespace wslens::endpoints {

bool negotiateDeflateAsServer(const QByteArray &requestExtensions, DeflateParams *params,
                              QByteArray *responseValue)
{
    QList<WebSocketExtension> offers;
    if (requestExtensions.isEmpty() || !parseExtensionList(requestExtensions, &offers))
        return false;
    const pmd::ServerSelection selection = pmd::selectForServer(offers);
    if (!selection.accepted)
        return false;
    *params = selection.agreement;
    *responseValue = selection.response.toBytes();
    return true;
}

QByteArray deflateClientOffer()
{
    return pmd::defaultClientOffer().toBytes();
}

bool acceptDeflateResponse(const QByteArray &responseExtensions, bool *accepted, DeflateParams *params,
                           QString *error)
{
    *accepted = false;
    if (responseExtensions.isEmpty())
        return true;
    QList<WebSocketExtension> answer;
    QString parseError;
    if (!parseExtensionList(responseExtensions, &answer, &parseError)) {
        *error = QStringLiteral("Sec-WebSocket-Extensions does not parse: ") + parseError;
        return false;
    }
    if (answer.size() != 1 || answer.first().name != pmd::ExtensionName) {
        *error = QStringLiteral("server answered extensions we did not offer: %1")
                     .arg(QString::fromLatin1(responseExtensions));
        return false;
    }
    if (!pmd::validateResponse(pmd::defaultClientOffer(), answer.first(), params, error))
        return false;
    *accepted = true;
    return true;
}

struct DeflateCodec::Private
{
    Private(const InflaterOptions &in, const DeflaterOptions &out)
        : inflater(in)
        , deflater(out)
    {
    }
    Inflater inflater;
    Deflater deflater;
};

namespace {

InflaterOptions inflaterOptions(Role role, const DeflateParams &params, quint64 cap)
{
    InflaterOptions o;
    o.windowBits = params.receiveWindowBits(role);
    o.noContextTakeover = params.receiveNoContextTakeover(role);
    o.maxMessageSize = cap;
    return o;
}

DeflaterOptions deflaterOptions(Role role, const DeflateParams &params)
{
    DeflaterOptions o;
    o.windowBits = params.sendWindowBits(role);
    o.noContextTakeover = params.sendNoContextTakeover(role);
    return o;
}

} // namespace

DeflateCodec::DeflateCodec(Role localRole, const DeflateParams &params, quint64 maxDecompressedSize)
    : d(std::make_unique<Private>(inflaterOptions(localRole, params, maxDecompressedSize),
                                  deflaterOptions(localRole, params)))
{
}

DeflateCodec::~DeflateCodec() = default;

QByteArray DeflateCodec::compress(const QByteArray &message)
{
    return d->deflater.compressMessage(message);
}

Violation DeflateCodec::transform(AssembledMessage &message)
{
    QByteArray out;
    const Violation v = d->inflater.inflateMessage(message.data, &out);
    message.compressed = false;
    if (v == Violation::DecompressedTooLarge) {
        message.tooLarge = true;
        message.data = QByteArray();
        return v;
    }
    message.data = v == Violation::None ? std::move(out) : QByteArray();
    return v;
}

} // namespace wslens::endpoints
