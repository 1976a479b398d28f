#include "gateway/haproxy_command.h"

namespace flotilla::gateway {
namespace {

std::string join(const std::string& dir, const char* file) {
  if (dir.empty()) return file;
  return dir.back() == '/' ? dir + file : dir + "/" + file;
}

}  // namespace

RuntimePaths::RuntimePaths(std::string dir)
    : runtimeDir(std::move(dir)),
      config(join(runtimeDir, "haproxy.cfg")),
      candidate(join(runtimeDir, "haproxy.cfg.candidate")),
      previousConfig(join(runtimeDir, "haproxy.cfg.previous")),
      lastGood(join(runtimeDir, "last-good.json")),
      masterSocket(join(runtimeDir, "master.sock")),
      adminSocket(join(runtimeDir, "admin.sock")),
      pidFile(join(runtimeDir, "haproxy.pid")),
      masterLog(join(runtimeDir, "haproxy.log")) {}

std::vector<std::string> checkCommand(const std::string& haproxyBinary, const std::string& config) {
  return {haproxyBinary, "-c", "-f", config};
}

std::vector<std::string> masterCommand(const std::string& haproxyBinary, const RuntimePaths& paths) {
  return {haproxyBinary, "-W", "-S", paths.masterSocket + ",mode,600", "-p", paths.pidFile, "-f", paths.config};
}

}  // namespace flotilla::gateway
