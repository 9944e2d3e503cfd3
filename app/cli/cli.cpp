#include "cli/cli.h"

#include "common/version.h"

namespace wslens::cli {

const Verb *findVerb(const QString &name)
{
    for (const Verb *v = verbTable(); v->name; ++v) {
        if (name == QLatin1String(v->name))
            return v;
    }
    return nullptr;
}

void printUsage(std::FILE *out)
{
    std::fprintf(out,
                 "wslens %s - WebSocket inspector, intercepting relay and test harness\n\n"
                 "Usage:\n"
                 "  wslens [FILE]            open the desktop app (optionally a session or HAR file)\n"
                 "  wslens VERB [OPTIONS]    run a command headless (no display needed)\n"
                 "  wslens --version | --help\n\n"
                 "Verbs:\n",
                 qPrintable(versionString()));
    for (const Verb *v = verbTable(); v->name; ++v)
        std::fprintf(out, "  %-9s %s\n", v->name, v->synopsis);
    std::fprintf(out, "\nRun 'wslens VERB --help' for the options of a verb.\n");
}

int usageError(const char *verb, const QString &message)
{
    std::fprintf(stderr, "wslens %s: %s\n", verb, qPrintable(message));
    return UsageOrInputError;
}

} // namespace wslens::cli
