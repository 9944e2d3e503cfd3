#include "cli/cli.h"

namespace wslens::cli {

// Each verb lives in its own verb_NAME.cpp and is declared here.
// (Add new verbs to both lists below.)
int runCa(const QStringList &arguments);
int runServe(const QStringList &arguments);
int runSend(const QStringList &arguments);
int runCapture(const QStringList &arguments);
int runInspect(const QStringList &arguments);
int runExport(const QStringList &arguments);
int runImport(const QStringList &arguments);
int runReplay(const QStringList &arguments);

const Verb *verbTable()
{
    static const Verb verbs[] = {
        {"ca", "export, locate or regenerate the local CA used for wss:// interception", runCa},
        {"capture", "run the relay headless and record WebSocket traffic to a session file", runCapture},
        {"serve", "run the built-in WebSocket test server (echo, broadcast or scripted)", runServe},
        {"send", "connect to a WebSocket server, send messages or raw frames, print the replies", runSend},
        {"inspect", "summarise a session or HAR file (--json, --frames for JSON Lines)", runInspect},
        {"export", "write a session as HAR (Chrome DevTools) or JSON Lines", runExport},
        {"import", "turn a HAR file saved by Chrome DevTools into a session file", runImport},
        {"replay", "replay recorded client messages against a server and compare the answers", runReplay},
        {nullptr, nullptr, nullptr},
    };
    return verbs;
}

} // namespace wslens::cli
