#include "apiserver/loopback_address_pool.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>

namespace flotilla::apiserver {
namespace {

constexpr std::uint32_t kLoopbackLast = 0x7FFFFFFE;  // 127.255.255.254
constexpr std::uint32_t kMaxCandidates = 4096;       // how far past a busy stretch to look

std::string toText(std::uint32_t address) {
  in_addr in{htonl(address)};
  char buffer[INET_ADDRSTRLEN];
  return inet_ntop(AF_INET, &in, buffer, sizeof buffer) ? buffer : "";
}

std::optional<std::uint32_t> fromText(const std::string& text) {
  in_addr in{};
  if (inet_pton(AF_INET, text.c_str(), &in) != 1) return std::nullopt;
  return ntohl(in.s_addr);
}

}  // namespace

bool isLoopbackAddress(const std::string& text) {
  auto parsed = fromText(text);
  return parsed && (*parsed >> 24) == 127;
}

LoopbackAddressPool::LoopbackAddressPool(const std::string& first) {
  first_ = isLoopbackAddress(first) ? *fromText(first) : 0x7F000002;
}

std::string LoopbackAddressPool::randomFirstAddress() {
  std::mt19937 engine{std::random_device{}()};
  return "127." + std::to_string(std::uniform_int_distribution<int>(1, 250)(engine)) + "." +
         std::to_string(std::uniform_int_distribution<int>(0, 255)(engine)) + ".2";
}

bool LoopbackAddressPool::canBind(const std::string& address, std::uint16_t port) {
  auto parsed = fromText(address);
  if (!parsed) return false;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int one = 1;
  // Same option as the servers use, so a port in TIME_WAIT counts as free just as it does for them.
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(*parsed);
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  close(fd);
  return ok;
}

std::optional<std::string> LoopbackAddressPool::allocate(const std::vector<std::uint16_t>& ports,
                                                         const std::string& preferred) {
  std::lock_guard lock(mutex_);
  auto bindable = [&](const std::string& text) {
    for (auto port : ports) {
      if (!canBind(text, port)) return false;
    }
    return true;
  };
  if (auto wanted = fromText(preferred);
      wanted && *wanted >= first_ && *wanted <= kLoopbackLast && !used_.count(*wanted) && bindable(preferred)) {
    used_.insert(*wanted);
    return preferred;
  }
  std::uint32_t looked = 0;
  for (std::uint32_t candidate = first_; candidate <= kLoopbackLast && looked < kMaxCandidates; ++candidate) {
    std::uint32_t lastOctet = candidate & 0xFF;
    if (lastOctet == 0 || lastOctet == 0xFF || used_.count(candidate)) continue;
    ++looked;
    std::string text = toText(candidate);
    if (!bindable(text)) continue;
    used_.insert(candidate);
    return text;
  }
  return std::nullopt;
}

void LoopbackAddressPool::release(const std::string& address) {
  std::lock_guard lock(mutex_);
  if (auto parsed = fromText(address)) used_.erase(*parsed);
}

}  // namespace flotilla::apiserver
