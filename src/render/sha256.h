#pragma once
// SHA-256 of a byte string, as lowercase hex. Used for config hashes and pod-template hashes.

#include <string>
#include <string_view>

namespace flotilla::render {

std::string sha256Hex(std::string_view data);

}  // namespace flotilla::render
