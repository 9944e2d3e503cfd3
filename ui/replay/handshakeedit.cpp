#include "replay/handshakeedit.h"

namespace wslens::ui {

namespace {
bool sameName(const QByteArray &a, const QByteArray &b)
{
    return a.trimmed().compare(b.trimmed(), Qt::CaseInsensitive) == 0;
}

bool containsName(const QList<QByteArray> &names, const QByteArray &name)
{
    for (const QByteArray &n : names)
        if (sameName(n, name))
            return true;
    return false;
}

void removeHeader(HttpHeaders *headers, const QByteArray &name)
{
    headers->removeIf([&name](const QPair<QByteArray, QByteArray> &h) { return sameName(h.first, name); });
}
} // namespace

QByteArray headerValue(const HttpHeaders &headers, const QByteArray &name)
{
    for (const auto &h : headers)
        if (sameName(h.first, name))
            return h.second.trimmed();
    return {};
}

HandshakeEdit HandshakeEdit::fromTables(const HttpHeaders &shown, const HttpHeaders &edited)
{
    HandshakeEdit edit;
    QList<QByteArray> editedNames;
    for (const auto &h : edited)
        editedNames.append(h.first);
    for (const auto &h : shown)
        if (!containsName(editedNames, h.first) && !containsName(edit.removed, h.first))
            edit.removed.append(h.first.trimmed());
    for (const auto &h : edited) {
        if (h.first.trimmed().isEmpty())
            continue;
        bool unchanged = false;
        for (const auto &s : shown)
            unchanged = unchanged || (sameName(s.first, h.first) && s.second.trimmed() == h.second.trimmed());
        if (!unchanged)
            edit.set.append({h.first.trimmed(), h.second.trimmed()});
    }
    return edit;
}

void applyHandshakeEdit(const HandshakeEdit &edit, QList<replay::RecordedConnection> *recordings,
                        replay::ClientReplayOptions *options)
{
    static const QByteArray protocol = QByteArrayLiteral("Sec-WebSocket-Protocol");
    for (replay::RecordedConnection &r : *recordings) {
        HttpHeaders &headers = r.info.requestHeaders;
        for (const QByteArray &name : edit.removed)
            removeHeader(&headers, name);
        if (edit.subprotocols) {
            removeHeader(&headers, protocol);
            if (!edit.subprotocols->trimmed().isEmpty())
                headers.append({protocol, edit.subprotocols->trimmed()});
        }
    }
    options->headers = edit.set;
    options->origin = edit.origin;
    options->dropCookies = edit.dropCookies;
}

} // namespace wslens::ui
