#pragma once
// A child process the emulator starts and supervises (a pod's container under --run-pods). POSIX only.
// Never throws: spawn failures come back as an error message.

#include <sys/types.h>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace flotilla::apiserver {

struct ChildSpec {
  std::vector<std::string> argv;           // argv[0] is the executable path
  std::map<std::string, std::string> env;  // added to (and overriding) the parent's environment
  bool inheritEnvironment = true;
  bool captureStdout = false;  // readable with readStdoutLine(); else inherited (or /dev/null)
  bool silenceOutput = false;  // stdout/stderr to /dev/null (unless stdout is captured)
  std::string outputFile;      // non-empty: stdout (unless captured) and stderr appended to this file (mode 600)
};

// How a child ended.
struct ChildExit {
  int exitCode = 0;  // valid when signal == 0
  int signal = 0;    // the terminating signal, 0 when it exited normally
  std::string describe() const;
};

class ChildProcess {
 public:
  static std::unique_ptr<ChildProcess> spawn(const ChildSpec& spec, std::string& error);
  ~ChildProcess();  // kills (SIGKILL) and reaps the child if it is still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Non-blocking: the exit status once the child has ended (reaped on the first call that sees it).
  std::optional<ChildExit> poll();
  // Waits up to `timeout` for the child to end.
  std::optional<ChildExit> waitFor(std::chrono::milliseconds timeout);
  void signal(int signo);
  // SIGTERM, up to `grace` for it to end, then SIGKILL. Returns how it ended.
  ChildExit terminate(std::chrono::milliseconds grace);
  // One line of the captured stdout (without the newline), waiting up to `timeout`; nullopt on EOF or timeout.
  std::optional<std::string> readStdoutLine(std::chrono::milliseconds timeout);

 private:
  ChildProcess(pid_t pid, int stdoutFd) : pid_(pid), stdoutFd_(stdoutFd) {}

  pid_t pid_;
  int stdoutFd_;
  std::string stdoutBuffer_;
  std::optional<ChildExit> exit_;
};

}  // namespace flotilla::apiserver
