#pragma once

#include <QString>

namespace wslens {

// The product version, as set by CMake's project(VERSION).
QString versionString();

} // namespace wslens
