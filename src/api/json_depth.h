#pragma once
// How deeply a JSON value nests, found without recursion. nlohmann::json copies, compares and serialises
// recursively, so a value nested tens of thousands of levels deep (a JSON parser other than the YAML loader sets no
// limit) overflows the stack of whoever touches it; the decoders refuse such objects before copying anything.

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace flotilla::api {

// nullopt when `value` nests at most `maxDepth` levels (a scalar is 0, {"a": 1} is 1); else the path of the
// outermost field (at most four levels down, e.g. "spec.env[0].valueFrom") holding the part that nests deeper.
std::optional<std::string> fieldNestedDeeperThan(const nlohmann::json& value, std::size_t maxDepth);

}  // namespace flotilla::api
