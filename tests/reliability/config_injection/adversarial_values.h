#pragma once
// Values a hostile (or careless) CR author could put into a field that ends up in haproxy.cfg: pieces of HAProxy
// syntax (newlines, carriage returns, NUL, quotes, '#', backslashes, %[ sample fetches, ${ } expansion, a leading
// '-' that HAProxy reads as a flag), whole injected directives, non-ASCII and invalid UTF-8, and very long strings,
// mixed with harmless text shaped like the field (so that many values get past the first character check).

#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_support.h"

namespace flotilla::reliability {

// A random hostile string; `shape` is a plausible start for the field ("/" for paths, "x-" for header names...),
// used about half of the time.
std::string adversarialString(Rng& rng, const std::string& shape);

// A valid value with one character or piece of syntax inserted at a random place (sometimes left as it is): the
// hostile values closest to what validation accepts.
std::string mutatedValid(Rng& rng, const std::string& valid);

// For numeric fields: mostly numbers (negative, zero, huge, int32/int64 edges, fractions), sometimes a string or
// another JSON type.
nlohmann::json adversarialNumber(Rng& rng);

}  // namespace flotilla::reliability
