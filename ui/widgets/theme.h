#pragma once

#include <QString>

namespace wslens::ui {

// System follows the platform's palette (light or dark); Light and Dark
// force a Fusion palette.
enum class Theme { System, Light, Dark };

void applyTheme(Theme theme);
Theme themeFromString(const QString &name);
QString themeToString(Theme theme);
// True when the current application palette is dark.
bool isDarkPalette();

} // namespace wslens::ui
