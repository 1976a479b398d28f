#pragma once
// Starting HAProxy without a shell: argv vectors go straight to posix_spawn, so nothing in a path or a config
// value is ever interpreted. Children start with default signal dispositions, an empty signal mask and only
// stdin/stdout/stderr open (the agent's sockets and pipes never leak into HAProxy).

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flotilla::gateway {

// Added to (and overriding) the agent's own environment.
using Environment = std::map<std::string, std::string>;

struct ProcessResult {
  int exitCode = -1;  // valid when signal == 0 and !timedOut
  int signal = 0;
  bool timedOut = false;   // killed after the timeout
  std::string output;      // stdout and stderr interleaved
  std::string spawnError;  // the program could not be started at all
  bool succeeded() const { return spawnError.empty() && !timedOut && signal == 0 && exitCode == 0; }
};

// Runs argv[0] (looked up in PATH when it has no '/') to completion, capturing its output.
ProcessResult runProcess(const std::vector<std::string>& argv, const Environment& environment,
                         std::chrono::milliseconds timeout);

struct DetachedSpec {
  std::vector<std::string> argv;
  Environment environment;
  std::string stderrPath;  // appended to; "" keeps the agent's stderr
  bool newSession = true;  // own session: a terminal's Ctrl-C reaches only the agent, which stops HAProxy itself
};

// Starts a long-running child and returns its pid, or nullopt with `error` set. The caller reaps it.
std::optional<pid_t> spawnDetached(const DetachedSpec& spec, std::string& error);

// Whether `pid` names a live process (zombies count as gone).
bool processAlive(pid_t pid);

}  // namespace flotilla::gateway
