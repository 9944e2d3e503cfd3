#pragma once

// Scripted server behaviour: the JSON script of `wslens serve --script FILE`
// (format: docs/SCRIPTS.md).

#include "endpoints/framespectext.h"
#include "endpoints/serverbehaviour.h"

#include <QByteArray>
#include <QList>
#include <QRegularExpression>
#include <QString>

namespace wslens::endpoints {

// One thing the server does.
struct ScriptAction
{
    enum class Kind : quint8 { Text, Binary, Frame, Ping, Close };
    Kind kind = Kind::Text;
    int delayMs = 0;
    QString text;         // Text: may use $0-$9 (groups of the matching regex)
    QByteArray data;      // Binary payload, Ping payload, Close reason
    QString frameSpec;    // Frame: a frame spec (framespectext.h), unmasked by default
    int closeCode = 1000; // Close: < 0 sends an empty close payload
};

struct ScriptRule
{
    QRegularExpression match; // tested against text messages (binary: against their Latin-1 bytes)
    bool binary = false;      // rule applies to binary messages instead of text ones
    QList<ScriptAction> actions;
};

struct ScriptTimer
{
    int intervalMs = 1000;
    int times = 0; // 0: until the connection closes
    QList<ScriptAction> actions;
};

struct ServerScript
{
    QList<ScriptAction> onConnect;
    QList<ScriptRule> onMessage;
    QList<ScriptTimer> every;
    enum class Fallback : quint8 { Ignore, Echo } unmatched = Fallback::Ignore;
};

// Parses a script (JSON text); false with *error (one line, with the JSON path) on a bad script.
bool parseServerScript(const QByteArray &json, ServerScript *out, QString *error);

std::unique_ptr<ServerBehaviour> makeScriptBehaviour(const ServerScript &script);

} // namespace wslens::endpoints
