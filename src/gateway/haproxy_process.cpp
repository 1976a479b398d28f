#include "gateway/haproxy_process.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "gateway/config_validator.h"
#include "gateway/gateway_config.h"

namespace flotilla::gateway {
namespace {

constexpr std::size_t kMaxLogBytes = 1 << 20;  // haproxy.log is cut back before a start or reload beyond this

using Clock = std::chrono::steady_clock;

}  // namespace

HaproxyProcess::HaproxyProcess(HaproxyOptions options)
    : options_(std::move(options)),
      paths_(options_.runtimeDir),
      master_(paths_.masterSocket),
      admin_(paths_.adminSocket) {}

HaproxyProcess::~HaproxyProcess() = default;

std::optional<pid_t> HaproxyProcess::pidFromFile() const {
  auto text = readFile(paths_.pidFile);
  if (!text) return std::nullopt;
  try {
    const long pid = std::stol(*text);
    if (pid > 0) return static_cast<pid_t>(pid);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::size_t HaproxyProcess::logSize() const {
  struct stat info {};
  if (::stat(paths_.masterLog.c_str(), &info) != 0) return 0;
  if (static_cast<std::size_t>(info.st_size) > kMaxLogBytes) {
    // The master appends (O_APPEND), so cutting the file under it is safe.
    if (truncate(paths_.masterLog.c_str(), 0) == 0) return 0;
  }
  return static_cast<std::size_t>(info.st_size);
}

std::string HaproxyProcess::alertsSince(std::size_t offset) const {
  auto text = readFile(paths_.masterLog);
  if (!text || text->size() <= offset) return {};
  const std::string added = text->substr(offset);
  if (added.find("[ALERT]") == std::string::npos) return {};
  return truncateMessage(alertLines(added));
}

bool HaproxyProcess::adopt() {
  const auto pid = pidFromFile();
  if (!pid || !processAlive(*pid)) return false;
  std::string error;
  const auto status = master_.showProc(error);
  if (!status || status->masterPid != *pid) return false;
  pid_ = *pid;
  child_ = false;
  adopted_ = true;
  return true;
}

LoadResult HaproxyProcess::start() {
  // Leftovers of a master that is gone would make the first commands talk to nothing.
  unlink(paths_.masterSocket.c_str());
  unlink(paths_.adminSocket.c_str());
  unlink(paths_.pidFile.c_str());
  const std::size_t offset = logSize();
  DetachedSpec spec;
  spec.argv = masterCommand(options_.binary, paths_);
  spec.environment = options_.environment;
  spec.stderrPath = paths_.masterLog;
  std::string error;
  const auto pid = spawnDetached(spec, error);
  if (!pid) return {false, "cannot start haproxy: " + error};
  pid_ = *pid;
  child_ = true;
  adopted_ = false;
  const auto deadline = Clock::now() + options_.startTimeout;
  while (Clock::now() < deadline) {
    if (!running()) {
      const std::string alerts = alertsSince(offset);
      return {false, alerts.empty() ? "haproxy exited during start" : alerts};
    }
    const auto status = master_.showProc(error);
    if (status && status->hasCurrentWorker()) return {true, {}};
    std::this_thread::sleep_for(options_.pollInterval);
  }
  const std::string alerts = alertsSince(offset);
  return {false, alerts.empty() ? "haproxy did not start a worker in time" : alerts};
}

LoadResult HaproxyProcess::reload() {
  std::string error;
  const auto before = master_.showProc(error);
  if (!before) return {false, "master CLI: " + error};
  const std::size_t offset = logSize();
  if (!master_.requestReload(error)) return {false, "master CLI: " + error};
  const auto deadline = Clock::now() + options_.reloadTimeout;
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(options_.pollInterval);
    if (!running()) return {false, "haproxy exited during reload"};
    const auto after = master_.showProc(error);
    if (!after) continue;  // the master is re-executing itself
    switch (judgeReload(*before, *after)) {
      case ReloadVerdict::Succeeded:
        return {true, {}};
      case ReloadVerdict::Failed: {
        const std::string alerts = alertsSince(offset);
        return {false, alerts.empty() ? "reload failed; the previous config keeps serving" : alerts};
      }
      case ReloadVerdict::Pending:
        break;
    }
  }
  return {false, "reload did not finish in time"};
}

bool HaproxyProcess::running() {
  if (pid_ <= 0) return false;
  if (child_) {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_ || (done < 0 && errno == ECHILD)) {
      pid_ = 0;
      child_ = false;
      return false;
    }
    return true;
  }
  if (processAlive(pid_)) return true;
  pid_ = 0;
  adopted_ = false;
  return false;
}

bool HaproxyProcess::waitUntilGone(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (running()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(options_.pollInterval);
  }
  return true;
}

void HaproxyProcess::stop(std::chrono::milliseconds grace) {
  if (!running()) return;
  kill(pid_, SIGUSR1);
  if (waitUntilGone(grace)) return;
  kill(pid_, SIGTERM);
  if (waitUntilGone(std::chrono::seconds(3))) return;
  kill(pid_, SIGKILL);
  waitUntilGone(std::chrono::seconds(3));
}

}  // namespace flotilla::gateway
