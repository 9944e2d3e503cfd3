#include "cli/cli.h"

namespace wslens::cli {

// Each verb lives in its own verb_NAME.cpp and is declared here.
// (Add new verbs to both lists below.)
int runCa(const QStringList &arguments);

const Verb *verbTable()
{
    static const Verb verbs[] = {
        {"ca", "export, locate or regenerate the local CA used for wss:// interception", runCa},
        {nullptr, nullptr, nullptr},
    };
    return verbs;
}

} // namespace wslens::cli
