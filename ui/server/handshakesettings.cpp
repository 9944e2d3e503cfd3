#include "server/handshakesettings.h"

#include "endpoints/serveroptionstext.h"
#include "endpoints/wsserver.h"

#include <QCoreApplication>
#include <QSettings>

namespace wslens::ui {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("wslens::ui::HandshakeSettings", text);
}
} // namespace

HandshakeSettings HandshakeSettings::load()
{
    const QSettings settings;
    HandshakeSettings s;
    s.subprotocols = settings.value(QStringLiteral("server/subprotocols")).toStringList();
    s.deflate = settings.value(QStringLiteral("server/deflate"), true).toBool();
    s.origins = settings.value(QStringLiteral("server/allowedOrigins")).toStringList();
    return s;
}

void HandshakeSettings::save() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("server/subprotocols"), subprotocols);
    settings.setValue(QStringLiteral("server/deflate"), deflate);
    settings.setValue(QStringLiteral("server/allowedOrigins"), origins);
}

bool HandshakeSettings::apply(endpoints::ServerOptions *options, QString *error) const
{
    if (!endpoints::parseSubprotocols(subprotocols, &options->subprotocols, error)
        || !endpoints::parseOrigins(origins, &options->allowedOrigins, error)) {
        error->prepend(tr("Options: "));
        error->append(tr(". Fix it in Options…"));
        return false;
    }
    options->deflate = deflate;
    return true;
}

QString HandshakeSettings::summary() const
{
    const QString protocols = subprotocols.isEmpty() ? tr("no subprotocol")
                                                     : tr("subprotocols %1").arg(subprotocols.join(QStringLiteral(", ")));
    const QString compression = deflate ? tr("deflate on") : tr("deflate off");
    const QString allowed = origins.isEmpty() ? tr("any Origin") : tr("Origins %1").arg(origins.join(QStringLiteral(", ")));
    return protocols + QStringLiteral(" · ") + compression + QStringLiteral(" · ") + allowed;
}

} // namespace wslens::ui
