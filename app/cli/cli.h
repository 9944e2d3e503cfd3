#pragma once

#include <QStringList>

#include <cstdio>

namespace wslens::cli {

// Exit codes shared by every verb.
enum ExitCode { Success = 0, Failure = 1, UsageOrInputError = 2 };

struct Verb
{
    const char *name;
    const char *synopsis; // one line, shown by --help
    int (*run)(const QStringList &arguments); // arguments after the verb; QCoreApplication exists
};

// Every verb, in --help order; ends with a {nullptr, ...} entry.
const Verb *verbTable();
const Verb *findVerb(const QString &name);

void printUsage(std::FILE *out);

// Prints "wslens VERB: message" to stderr and returns UsageOrInputError.
int usageError(const char *verb, const QString &message);

} // namespace wslens::cli
