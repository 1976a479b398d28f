#pragma once
// "127.0.0.1:8080", "[::1]:0", ":6443" (all interfaces) → host and port.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flotilla::apiserver {

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

std::optional<ListenAddress> parseListenAddress(std::string_view text);

}  // namespace flotilla::apiserver
