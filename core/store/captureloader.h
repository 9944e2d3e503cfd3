#pragma once

// Opens whatever file the user hands us: a native session file, or a HAR
// file imported into a temporary session.

#include "store/capturestore.h"

#include <memory>

namespace wslens {

enum class CaptureFileFormat { Session, Har };

struct LoadedCapture
{
    std::unique_ptr<CaptureStore> store; // null on error
    CaptureFileFormat format = CaptureFileFormat::Session;
    QString error;   // one line, when store is null
    QString warning; // one line: damaged tail, skipped HAR entries...
};

LoadedCapture loadCapture(const QString &path, const CaptureStore::OpenOptions &options = {});

} // namespace wslens
