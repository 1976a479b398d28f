#pragma once
// UTF-8 well-formedness (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. YAML and JSON text is
// UTF-8; a string that is not cannot be written back as JSON (nlohmann::json::dump throws on it), so the loaders
// refuse it where it enters.

#include <cstddef>
#include <optional>
#include <string_view>

namespace flotilla::api {

// The offset of the first byte that does not start a well-formed UTF-8 sequence, or nullopt when `text` is valid.
std::optional<std::size_t> firstInvalidUtf8(std::string_view text);

}  // namespace flotilla::api
