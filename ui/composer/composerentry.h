#pragma once

// What the composer can store and send again: a format and the body as typed
// (variables unexpanded; for a file, its path). Templates and history keep
// these in QSettings.

#include <QList>
#include <QString>
#include <QVariant>

namespace wslens::ui {

struct ComposerEntry
{
    // endpoints::ComposerFormat values, or kFileFormat (body is a file path, sent as binary).
    static constexpr int kFileFormat = 100;

    int format = 0;
    QString body;

    bool operator==(const ComposerEntry &o) const { return format == o.format && body == o.body; }
    bool operator!=(const ComposerEntry &o) const { return !(*this == o); }

    QVariantMap toVariant() const;
    static ComposerEntry fromVariant(const QVariant &value);
    // "JSON", "Text", "Hex", "Base64", "Frame", "File"
    static QString formatLabel(int format);
};

// Named templates, stored under one QSettings key (a map name -> entry).
class ComposerTemplates
{
public:
    explicit ComposerTemplates(const QString &settingsKey = QStringLiteral("composer/templates"));

    QStringList names() const; // sorted, case-insensitively
    bool contains(const QString &name) const;
    ComposerEntry load(const QString &name) const;
    // Replaces a template of the same name. Empty (trimmed) names are refused.
    bool save(const QString &name, const ComposerEntry &entry);
    void remove(const QString &name);

private:
    QVariantMap all() const;
    QString m_key;
};

} // namespace wslens::ui
