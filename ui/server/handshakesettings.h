#pragma once

// The Server dock's handshake options: the subprotocols it accepts, whether
// it accepts permessage-deflate, the Origins it allows (`wslens serve
// --subprotocol / --no-deflate / --allow-origin`). Kept in QSettings
// (server/subprotocols, server/deflate, server/allowedOrigins).

#include <QString>
#include <QStringList>

namespace wslens::endpoints {
struct ServerOptions;
}

namespace wslens::ui {

struct HandshakeSettings
{
    QStringList subprotocols; // preference order; empty: no subprotocol is ever chosen
    bool deflate = true;      // like `wslens serve` without --no-deflate
    QStringList origins;      // empty: any Origin

    static HandshakeSettings load();
    void save() const;
    // Into the server's options; false with *error (which entry, what to type).
    bool apply(endpoints::ServerOptions *options, QString *error) const;
    // One line for the dock: "subprotocols: chat, v2 · deflate · Origins: any".
    QString summary() const;

    bool operator==(const HandshakeSettings &o) const
    {
        return subprotocols == o.subprotocols && deflate == o.deflate && origins == o.origins;
    }
};

} // namespace wslens::ui
