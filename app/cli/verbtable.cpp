#include "cli/cli.h"

namespace wslens::cli {

// Each verb lives in its own verb_NAME.cpp and is declared here.
// (Add new verbs to both lists below.)

const Verb *verbTable()
{
    static const Verb verbs[] = {
        {nullptr, nullptr, nullptr},
    };
    return verbs;
}

} // namespace wslens::cli
