#include "composer/composerentry.h"

#include "endpoints/composermessage.h"

#include <QCollator>
#include <QSettings>

#include <algorithm>

namespace wslens::ui {

QVariantMap ComposerEntry::toVariant() const
{
    return {{QStringLiteral("format"), format}, {QStringLiteral("body"), body}};
}

ComposerEntry ComposerEntry::fromVariant(const QVariant &value)
{
    const QVariantMap map = value.toMap();
    ComposerEntry e;
    e.format = map.value(QStringLiteral("format")).toInt();
    e.body = map.value(QStringLiteral("body")).toString();
    return e;
}

QString ComposerEntry::formatLabel(int format)
{
    if (format == kFileFormat)
        return QStringLiteral("File");
    switch (endpoints::ComposerFormat(format)) {
    case endpoints::ComposerFormat::Text: return QStringLiteral("Text");
    case endpoints::ComposerFormat::Json: return QStringLiteral("JSON");
    case endpoints::ComposerFormat::Hex: return QStringLiteral("Hex");
    case endpoints::ComposerFormat::Base64: return QStringLiteral("Base64");
    case endpoints::ComposerFormat::FrameSpec: return QStringLiteral("Frame");
    }
    return QStringLiteral("?");
}

ComposerTemplates::ComposerTemplates(const QString &settingsKey)
    : m_key(settingsKey)
{
}

QVariantMap ComposerTemplates::all() const
{
    return QSettings().value(m_key).toMap();
}

QStringList ComposerTemplates::names() const
{
    QStringList names = all().keys();
    QCollator collator;
    collator.setCaseSensitivity(Qt::CaseInsensitive);
    std::sort(names.begin(), names.end(), collator);
    return names;
}

bool ComposerTemplates::contains(const QString &name) const
{
    return all().contains(name);
}

ComposerEntry ComposerTemplates::load(const QString &name) const
{
    return ComposerEntry::fromVariant(all().value(name));
}

bool ComposerTemplates::save(const QString &name, const ComposerEntry &entry)
{
    const QString n = name.trimmed();
    if (n.isEmpty())
        return false;
    QVariantMap map = all();
    map.insert(n, entry.toVariant());
    QSettings().setValue(m_key, map);
    return true;
}

void ComposerTemplates::remove(const QString &name)
{
    QVariantMap map = all();
    if (map.remove(name))
        QSettings().setValue(m_key, map);
}

} // namespace wslens::ui
