#include "gateway/master_cli.h"

#include <charconv>
#include <sstream>

namespace flotilla::gateway {
namespace {

std::optional<int> toInt(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

bool ProcStatus::hasCurrentWorker() const {
  for (const auto& worker : workers) {
    if (worker.reloads == 0) return true;
  }
  return false;
}

std::optional<ProcStatus> parseShowProc(std::string_view text) {
  // "<pid> master <reloads> [failed: <n>] <uptime> <version>" and "<pid> worker <reloads> <uptime> <version>";
  // comment lines start with '#' ("# workers", "# programs").
  ProcStatus status;
  bool sawMaster = false;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line.front() == '#') continue;
    std::istringstream words(line);
    std::string pidText, type, reloadsText;
    if (!(words >> pidText >> type >> reloadsText)) continue;
    auto pid = toInt(pidText);
    auto reloads = toInt(reloadsText);
    if (!pid || !reloads) continue;
    if (type == "master") {
      sawMaster = true;
      status.masterPid = *pid;
      status.masterReloads = *reloads;
      const auto failed = line.find("[failed: ");
      if (failed != std::string::npos) {
        const auto start = failed + 9;
        const auto end = line.find(']', start);
        if (end != std::string::npos) status.failedReloads = toInt(line.substr(start, end - start)).value_or(0);
      }
    } else if (type == "worker") {
      status.workers.push_back({*pid, *reloads});
    }
  }
  if (!sawMaster) return std::nullopt;
  return status;
}

ReloadVerdict judgeReload(const ProcStatus& before, const ProcStatus& after) {
  if (after.masterReloads <= before.masterReloads) return ReloadVerdict::Pending;
  if (after.failedReloads > 0) return ReloadVerdict::Failed;
  // The master has re-executed; the new worker shows up once it has parsed the config and bound its listeners.
  return after.hasCurrentWorker() ? ReloadVerdict::Succeeded : ReloadVerdict::Pending;
}

MasterCli::MasterCli(std::string socketPath, std::chrono::milliseconds timeout)
    : socketPath_(std::move(socketPath)), timeout_(timeout) {}

SocketAnswer MasterCli::command(std::string_view command) const {
  return exchangeOverUnixSocket(socketPath_, command, timeout_);
}

std::optional<ProcStatus> MasterCli::showProc(std::string& error) const {
  auto answer = command("show proc");
  if (!answer.ok()) {
    error = answer.error;
    return std::nullopt;
  }
  auto status = parseShowProc(answer.text);
  if (!status) error = "unexpected `show proc` answer: " + answer.text.substr(0, 200);
  return status;
}

bool MasterCli::requestReload(std::string& error) const {
  auto answer = command("reload");
  if (!answer.ok()) {
    error = answer.error;
    return false;
  }
  return true;
}

}  // namespace flotilla::gateway
