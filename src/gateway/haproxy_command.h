#pragma once
// The files of one gateway runtime directory and the HAProxy command lines that use them. Pure: argv vectors only,
// never a shell string.

#include <string>
#include <vector>

namespace flotilla::gateway {

struct RuntimePaths {
  explicit RuntimePaths(std::string runtimeDir);

  std::string runtimeDir;
  std::string config;          // haproxy.cfg: what the master loads (always a config that passed `haproxy -c`)
  std::string candidate;       // haproxy.cfg.candidate: the next config, checked before it replaces `config`
  std::string previousConfig;  // haproxy.cfg.previous: restored when a reload of `config` fails after all
  std::string lastGood;        // last-good.json: the loaded ConfigMap content (survives agent restarts)
  std::string masterSocket;    // master.sock (master CLI)
  std::string adminSocket;     // admin.sock: the rendered config's `stats socket` under FLOTILLA_RUNTIME_DIR
  std::string pidFile;         // haproxy.pid: the master's pid (-p)
  std::string masterLog;       // haproxy.log: the master's stderr ([NOTICE]/[ALERT] lines of starts and reloads)
};

// haproxy -c -f <config>
std::vector<std::string> checkCommand(const std::string& haproxyBinary, const std::string& config);

// haproxy -W -S <master.sock>,mode,600 -p <pid file> -f <config>: master-worker mode, master CLI only for us.
std::vector<std::string> masterCommand(const std::string& haproxyBinary, const RuntimePaths& paths);

}  // namespace flotilla::gateway
