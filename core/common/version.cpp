#include "common/version.h"

namespace wslens {

QString versionString()
{
    return QStringLiteral(WSLENS_VERSION_STRING);
}

} // namespace wslens
