#pragma once
// HAProxy's master CLI (`haproxy -W -S <socket>`): `show proc` and `reload`. In 2.6 `reload` answers nothing and
// closes the connection; whether it worked shows in `show proc` afterwards: the master's reload counter moves on,
// `[failed: N]` counts failed reloads since the last good one, and a fresh worker (0 reloads) appears.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/unix_socket.h"

namespace flotilla::gateway {

struct ProcStatus {
  int masterPid = 0;
  int masterReloads = 0;
  int failedReloads = 0;
  struct Worker {
    int pid = 0;
    int reloads = 0;  // how many reloads this worker has lived through: 0 = the current config's worker
  };
  std::vector<Worker> workers;
  bool hasCurrentWorker() const;
};

// Parses `show proc`; nullopt when the text has no master line.
std::optional<ProcStatus> parseShowProc(std::string_view text);

// What a finished reload looks like compared to the status before it: the master reloaded and nothing failed.
enum class ReloadVerdict { Pending, Succeeded, Failed };
ReloadVerdict judgeReload(const ProcStatus& before, const ProcStatus& after);

class MasterCli {
 public:
  MasterCli(std::string socketPath, std::chrono::milliseconds timeout = std::chrono::seconds(2));

  SocketAnswer command(std::string_view command) const;
  // nullopt with `error` set when the master does not answer (not running, or re-executing during a reload).
  std::optional<ProcStatus> showProc(std::string& error) const;
  // Sends `reload`; the caller polls showProc() for the verdict.
  bool requestReload(std::string& error) const;

  const std::string& socketPath() const { return socketPath_; }

 private:
  std::string socketPath_;
  std::chrono::milliseconds timeout_;
};

}  // namespace flotilla::gateway
