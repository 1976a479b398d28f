#pragma once
// HAProxy's admin socket (`stats socket ... level admin`, path from the rendered config): what the servers are
// (`show servers state`: address, port, admin state), how they do (`show stat`: status, health-analysis failures,
// session limit), and runtime changes (`set server ...`). Every runtime change is lost on reload.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/unix_socket.h"

namespace flotilla::gateway {

// One line of `show servers state` (format version 1).
struct ServerState {
  std::string backend;
  std::string server;
  std::string address;
  int port = 0;
  int operationalState = 0;  // 0 stopped, 1 starting, 2 running, 3 stopping
  int adminState = 0;        // SRV_ADMF_* bits
  // Forced, inherited, resolution or hostname maintenance. The configuration bit (0x04, `disabled`) stays set after
  // `state ready` and then no longer means maintenance, so it is not counted.
  bool maintenance() const { return (adminState & (0x01 | 0x02 | 0x20 | 0x40)) != 0; }
  bool draining() const { return (adminState & (0x08 | 0x10)) != 0; }
};
std::vector<ServerState> parseServersState(std::string_view text);

// One server row of `show stat` (CSV; columns are found by the header's names).
struct ServerStat {
  std::string backend;
  std::string server;
  std::string status;                       // "UP", "UP 1/2", "DOWN", "DOWN 1/3", "MAINT", "DRAIN", "no check", ...
  std::int64_t healthAnalysisFailures = 0;  // hanafail: what `observe layer7` counted
  std::int32_t sessionLimit = 0;            // slim: the server's maxconn, 0 = none
  std::string address;                      // "ip:port"
  bool up() const { return status.starts_with("UP") || status == "no check"; }
  bool down() const { return status.starts_with("DOWN"); }
};
std::vector<ServerStat> parseServerStats(std::string_view csv);

// Lines of a `set server ...` answer that report a failure. HAProxy answers a successful `addr` change with
// "... changed from ..." (or "no need to change ..."), and `state` / `health` / `set maxconn` with nothing.
std::vector<std::string> runtimeCommandErrors(std::string_view answer);

class AdminSocket {
 public:
  AdminSocket(std::string socketPath, std::chrono::milliseconds timeout = std::chrono::seconds(2));

  SocketAnswer command(std::string_view command) const;
  std::optional<std::vector<ServerState>> serversState(std::string& error) const;
  std::optional<std::vector<ServerStat>> serverStats(std::string& error) const;

  const std::string& socketPath() const { return socketPath_; }

 private:
  std::string socketPath_;
  std::chrono::milliseconds timeout_;
};

}  // namespace flotilla::gateway
