#pragma once
// Standard base64 (RFC 4648, with padding), as used by kubeconfig *-data fields and Secret data.

#include <optional>
#include <string>
#include <string_view>

namespace flotilla::kube {

std::string base64Encode(std::string_view bytes);
// Whitespace (line breaks in pasted data) is ignored; anything else outside the alphabet, or bad padding,
// gives std::nullopt.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace flotilla::kube
