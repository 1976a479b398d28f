#pragma once
// Supervises one HAProxy master (master-worker mode, `haproxy -W -S master.sock`) in the runtime directory:
// starts it, adopts one a previous agent left running, reloads it through the master CLI and stops it softly.
// HAProxy runs in its own session and is not tied to the agent's life: when the agent restarts, the next one adopts
// the master (its socket answers and it is the pid in the pid file) instead of starting a second HAProxy.
//
// The master's stderr goes to haproxy.log in the runtime directory, which survives agent restarts; the [ALERT]
// lines written there during a failed start or reload become the reported error.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "gateway/admin_socket.h"
#include "gateway/haproxy_command.h"
#include "gateway/master_cli.h"
#include "gateway/subprocess.h"

namespace flotilla::gateway {

struct HaproxyOptions {
  std::string binary = "haproxy";
  std::string runtimeDir;
  Environment environment;  // FLOTILLA_RUNTIME_DIR, FLOTILLA_CERT_DIR, FLOTILLA_BIND_ADDRESS... for the config
  std::chrono::milliseconds startTimeout{std::chrono::seconds(15)};
  std::chrono::milliseconds reloadTimeout{std::chrono::seconds(30)};
  std::chrono::milliseconds pollInterval{20};
};

struct LoadResult {
  bool ok = false;
  std::string error;  // HAProxy's [ALERT] lines, or what went wrong
};

class HaproxyProcess {
 public:
  explicit HaproxyProcess(HaproxyOptions options);
  ~HaproxyProcess();  // leaves HAProxy running (see stop())
  HaproxyProcess(const HaproxyProcess&) = delete;
  HaproxyProcess& operator=(const HaproxyProcess&) = delete;

  // Takes over a master left by a previous agent. False (and nothing changes) when there is none.
  bool adopt();
  // Starts a master on paths().config and waits until a worker serves it.
  LoadResult start();
  // Reloads paths().config through the master CLI and waits for the verdict in `show proc`.
  LoadResult reload();
  // Whether the master is alive; reaps it when it was our child and has exited.
  bool running();
  // Soft stop: SIGUSR1 makes the workers finish their connections (bounded by the config's hard-stop-after) and
  // the master exit. After `grace`, SIGTERM, then SIGKILL.
  void stop(std::chrono::milliseconds grace);

  pid_t masterPid() const { return pid_; }
  bool adopted() const { return adopted_; }
  const RuntimePaths& paths() const { return paths_; }
  const MasterCli& masterCli() const { return master_; }
  const AdminSocket& admin() const { return admin_; }

 private:
  std::optional<pid_t> pidFromFile() const;
  std::size_t logSize() const;
  std::string alertsSince(std::size_t offset) const;
  bool waitUntilGone(std::chrono::milliseconds timeout);

  const HaproxyOptions options_;
  const RuntimePaths paths_;
  const MasterCli master_;
  const AdminSocket admin_;
  pid_t pid_ = 0;
  bool child_ = false;  // we started it (and must reap it)
  bool adopted_ = false;
};

}  // namespace flotilla::gateway
