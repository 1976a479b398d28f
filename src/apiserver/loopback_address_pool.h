#pragma once
// Addresses for pods that really run (--run-pods): each pod gets its own loopback address (127.0.0.2 upward; all
// of 127.0.0.0/8 reaches the local host on Linux), so every pod can listen on its container port as in a cluster.
// Freed addresses are reused, lowest first. An address is only handed out when the wanted ports can be bound on
// it right now, so pods never collide with other programs (or another emulator) using the same address and port.

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace flotilla::apiserver {

// Whether `text` is an IPv4 address in 127.0.0.0/8 (the pool's constructor falls back to 127.0.0.2 otherwise).
bool isLoopbackAddress(const std::string& text);

class LoopbackAddressPool {
 public:
  // `first`: the lowest address handed out ("127.0.0.2"; tests running in parallel pick distinct ranges).
  explicit LoopbackAddressPool(const std::string& first = "127.0.0.2");

  // `preferred` when it is a free address of the pool with the ports bindable (a pod keeping its address across
  // an emulator restart), else the lowest free address on which every port in `ports` can be bound now; nullopt
  // when none is left.
  std::optional<std::string> allocate(const std::vector<std::uint16_t>& ports, const std::string& preferred = "");
  void release(const std::string& address);

  // A random first address ("127.<1..250>.<0..255>.2"), for emulators running side by side (parallel tests), so
  // they do not all start from 127.0.0.2.
  static std::string randomFirstAddress();

  // Whether a TCP listener could bind address:port at this moment.
  static bool canBind(const std::string& address, std::uint16_t port);

 private:
  std::mutex mutex_;
  std::uint32_t first_;
  std::set<std::uint32_t> used_;
};

}  // namespace flotilla::apiserver
