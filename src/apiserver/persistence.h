#pragma once
// `--data-dir`: the store written to DIR/state.json (atomically) and read back at start, so a restarted emulator
// keeps its objects and its resourceVersions stay monotonic. History is not kept: watches from before the
// restart resume only if nothing changed since (else 410 Gone, and clients relist).

#include <string>

#include "apiserver/object_store.h"
#include "apiserver/result.h"

namespace flotilla::apiserver {

Status saveSnapshot(const ObjectStore& store, const std::string& dataDir);
// Returns false (and does nothing) when there is no snapshot yet; an unreadable snapshot is an error.
Result<bool> loadSnapshot(ObjectStore& store, const std::string& dataDir);

}  // namespace flotilla::apiserver
