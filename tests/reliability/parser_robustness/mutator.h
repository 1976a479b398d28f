#pragma once
// A seeded mutator for YAML/JSON manifests: the damage real files suffer (truncation, lost or repeated lines,
// stray bytes, wrong indentation) and the shapes attackers send (invalid UTF-8, control characters, huge numbers,
// alias bombs, deep nesting). Deterministic for a given Rng.

#include <string>
#include <vector>

#include "fuzz_support.h"

namespace flotilla::reliability {

// `text` with 1 to `maxSteps` random mutations applied.
std::string mutateManifest(Rng& rng, std::string text, int maxSteps = 4);

// `levels` nested collections around `leaf` in one of the syntaxes the loader reads: JSON/flow sequences
// ("[[[...]]]"), flow maps ({"a":{"a":...}}), block sequences ("- - - x") or block maps (one indented key per line).
enum class Nesting { FlowSequence, FlowMap, BlockSequence, BlockMap };
std::string nestedDocument(Nesting syntax, int levels, const std::string& leaf = "x");

}  // namespace flotilla::reliability
