#include "gateway/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

extern char** environ;

namespace flotilla::gateway {
namespace {

// argv/envp as the C arrays posix_spawn wants; the strings stay owned by this object.
class CStrings {
 public:
  explicit CStrings(std::vector<std::string> strings) : strings_(std::move(strings)) {
    for (auto& s : strings_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
  }
  char* const* get() { return pointers_.data(); }

 private:
  std::vector<std::string> strings_;
  std::vector<char*> pointers_;
};

std::vector<std::string> mergedEnvironment(const Environment& overrides) {
  std::map<std::string, std::string> merged;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text(*entry);
    auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    merged[std::string(text.substr(0, equals))] = std::string(text.substr(equals + 1));
  }
  for (const auto& [name, value] : overrides) merged[name] = value;
  std::vector<std::string> out;
  for (const auto& [name, value] : merged) out.push_back(name + "=" + value);
  return out;
}

// Attributes shared by every child: default signal handlers, nothing blocked, optionally a new session.
class SpawnAttributes {
 public:
  explicit SpawnAttributes(bool newSession) {
    posix_spawnattr_init(&attr_);
    sigset_t all;
    sigfillset(&all);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr_, &all);
    posix_spawnattr_setsigmask(&attr_, &none);
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    if (newSession) flags |= POSIX_SPAWN_SETSID;
    posix_spawnattr_setflags(&attr_, flags);
  }
  ~SpawnAttributes() { posix_spawnattr_destroy(&attr_); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  const posix_spawnattr_t* get() const { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  void dup2(int from, int to) { posix_spawn_file_actions_adddup2(&actions_, from, to); }
  void openStdin() { posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0); }
  void closeFrom(int fd) { posix_spawn_file_actions_addclosefrom_np(&actions_, fd); }
  const posix_spawn_file_actions_t* get() const { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

int spawn(pid_t& pid, const std::vector<std::string>& argv, const Environment& environment, const FileActions& actions,
          const SpawnAttributes& attributes) {
  CStrings args(argv);
  CStrings env(mergedEnvironment(environment));
  const bool searchPath = argv.front().find('/') == std::string::npos;
  return searchPath ? posix_spawnp(&pid, argv.front().c_str(), actions.get(), attributes.get(), args.get(), env.get())
                    : posix_spawn(&pid, argv.front().c_str(), actions.get(), attributes.get(), args.get(), env.get());
}

void recordExit(int status, ProcessResult& result) {
  if (WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
}

}  // namespace

ProcessResult runProcess(const std::vector<std::string>& argv, const Environment& environment,
                         std::chrono::milliseconds timeout) {
  ProcessResult result;
  if (argv.empty()) {
    result.spawnError = "empty command";
    return result;
  }
  int pipeFds[2];
  if (pipe2(pipeFds, O_CLOEXEC) != 0) {
    result.spawnError = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  FileActions actions;
  actions.openStdin();
  actions.dup2(pipeFds[1], 1);
  actions.dup2(pipeFds[1], 2);
  actions.closeFrom(3);
  SpawnAttributes attributes(false);
  pid_t pid = 0;
  const int rc = spawn(pid, argv, environment, actions, attributes);
  close(pipeFds[1]);
  if (rc != 0) {
    close(pipeFds[0]);
    result.spawnError = argv.front() + ": " + std::strerror(rc);
    return result;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[4096];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      kill(pid, SIGKILL);
      result.timedOut = true;
      break;
    }
    pollfd fd{pipeFds[0], POLLIN, 0};
    const int ready = poll(&fd, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = read(pipeFds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child (and anything it forked) closed the pipe
    result.output.append(buffer, static_cast<std::size_t>(n));
  }
  close(pipeFds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!result.timedOut) recordExit(status, result);
  return result;
}

std::optional<pid_t> spawnDetached(const DetachedSpec& spec, std::string& error) {
  if (spec.argv.empty()) {
    error = "empty command";
    return std::nullopt;
  }
  int stderrFd = -1;
  if (!spec.stderrPath.empty()) {
    stderrFd = open(spec.stderrPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (stderrFd < 0) {
      error = spec.stderrPath + ": " + std::strerror(errno);
      return std::nullopt;
    }
  }
  FileActions actions;
  actions.openStdin();
  if (stderrFd >= 0) actions.dup2(stderrFd, 2);
  actions.closeFrom(3);
  SpawnAttributes attributes(spec.newSession);
  pid_t pid = 0;
  const int rc = spawn(pid, spec.argv, spec.environment, actions, attributes);
  if (stderrFd >= 0) close(stderrFd);
  if (rc != 0) {
    error = spec.argv.front() + ": " + std::strerror(rc);
    return std::nullopt;
  }
  return pid;
}

bool processAlive(pid_t pid) {
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0 && errno == ESRCH) return false;
  // kill() succeeds on zombies: look at the state letter in /proc/<pid>/stat ("pid (comm) S ...").
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;  // no procfs: trust kill()
  const auto paren = line.rfind(')');
  if (paren == std::string::npos || paren + 2 >= line.size()) return true;
  const char state = line[paren + 2];
  return state != 'Z' && state != 'X';
}

}  // namespace flotilla::gateway
