// libFuzzer target: the HTTP/1.1 head parser fed in chunks, then the
// WebSocket handshake rules and permessage-deflate negotiation on what parsed.
// Input: byte 0 = chunk size (0 = whole) and message kind (bit 7), rest = bytes.
#include "protocol/extensionheader.h"
#include "protocol/handshake.h"
#include "protocol/httpmessage.h"
#include "protocol/permessagedeflate.h"

#include <cstdint>
#include <cstdlib>

using namespace wslens;

namespace {

struct Outcome
{
    HttpHeadParser::Status status;
    std::size_t consumed;
    HttpHead head;
    QString error;
};

Outcome parse(HttpMessageKind kind, const char *data, std::size_t size, std::size_t chunk, const HttpLimits &limits)
{
    HttpHeadParser p(kind, limits);
    Outcome o {HttpHeadParser::Status::NeedMore, 0, {}, {}};
    std::size_t pos = 0;
    while (pos < size) {
        const std::size_t n = chunk == 0 ? size - pos : std::min(chunk, size - pos);
        std::size_t used = 0;
        o.status = p.feed(data + pos, n, &used);
        o.consumed += used;
        if (o.status != HttpHeadParser::Status::NeedMore)
            break;
        if (used != n)
            abort(); // NeedMore must consume everything
        pos += n;
    }
    if (o.consumed > limits.maxHeaderBytes)
        abort(); // never past the limit
    o.head = p.head();
    o.error = p.errorString();
    return o;
}

void exercise(const HttpHead &head)
{
    (void)head.bodyInfo(QByteArrayLiteral("GET"));
    (void)head.bodyInfo(QByteArrayLiteral("CONNECT"));
    (void)head.bodyInfo(QByteArrayLiteral("HEAD"));
    QByteArray scheme, authority, path;
    http::splitAbsoluteTarget(head.target, &scheme, &authority, &path);
    QList<WebSocketExtension> exts;
    if (parseExtensionList(head.header(QByteArrayLiteral("Sec-WebSocket-Extensions")), &exts)) {
        const pmd::ServerSelection sel = pmd::selectForServer(exts);
        if (sel.accepted) {
            // Whatever we answer must be acceptable to a client that offered it.
            QList<pmd::DeflateParams> offers;
            for (const WebSocketExtension &e : exts) {
                pmd::DeflateParams p;
                if (e.name == pmd::ExtensionName && pmd::parseParams(e, pmd::ParamsContext::Offer, &p))
                    offers.append(p);
            }
            if (!pmd::validateResponseAgainstOffers(offers, sel.response.toExtension(), nullptr))
                abort();
        }
        if (const auto d = pmd::findDeflate(exts)) {
            pmd::DeflateAgreement a;
            pmd::validateResponse(pmd::defaultClientOffer(), *d, &a);
        }
    }
    if (head.isRequest()) {
        UpgradeRequestInfo info;
        if (validateUpgradeRequest(head, &info).ok()) {
            UpgradeResponseOptions ro;
            ro.key = info.key;
            HttpHeadParser rp(HttpMessageKind::Response);
            if (rp.feed(buildUpgradeResponse(ro)) != HttpHeadParser::Status::Complete)
                abort();
            if (!validateUpgradeResponse(rp.head(), clientOfferFromRequest(head)).ok())
                abort();
        }
    } else {
        ClientOffer offer;
        offer.key = QByteArrayLiteral("dGhlIHNhbXBsZSBub25jZQ==");
        offer.protocols = {QByteArrayLiteral("chat")};
        offer.extensionNames = {QByteArrayLiteral("permessage-deflate")};
        validateUpgradeResponse(head, offer);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    const HttpMessageKind kind = (data[0] & 0x80) ? HttpMessageKind::Response : HttpMessageKind::Request;
    const std::size_t chunk = data[0] & 0x7f;
    const char *bytes = reinterpret_cast<const char *>(data + 1);
    const std::size_t n = size - 1;
    HttpLimits limits;
    limits.maxHeaderBytes = 4096;
    limits.maxHeaderLines = 32;

    const Outcome whole = parse(kind, bytes, n, 0, limits);
    const Outcome pieces = parse(kind, bytes, n, chunk, limits);
    // Chunking is invisible.
    if (whole.status != pieces.status || whole.consumed != pieces.consumed || whole.error != pieces.error
        || whole.head.headers != pieces.head.headers)
        abort();
    if (whole.status != HttpHeadParser::Status::Complete)
        return 0;
    // What we parsed serialises to something we parse again the same way.
    const QByteArray again = whole.head.toBytes();
    HttpLimits big;
    big.maxHeaderBytes = std::size_t(again.size());
    const Outcome re = parse(kind, again.constData(), std::size_t(again.size()), 0, big);
    if (re.status != HttpHeadParser::Status::Complete || re.head.headers != whole.head.headers)
        abort();
    exercise(whole.head);
    return 0;
}
