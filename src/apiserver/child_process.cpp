#include "apiserver/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

extern char** environ;

namespace flotilla::apiserver {
namespace {

std::vector<std::string> buildEnvironment(const ChildSpec& spec) {
  std::map<std::string, std::string> merged;
  if (spec.inheritEnvironment) {
    for (char** entry = environ; entry && *entry; ++entry) {
      std::string text(*entry);
      auto eq = text.find('=');
      if (eq != std::string::npos) merged[text.substr(0, eq)] = text.substr(eq + 1);
    }
  }
  for (const auto& [name, value] : spec.env) merged[name] = value;
  std::vector<std::string> out;
  out.reserve(merged.size());
  for (const auto& [name, value] : merged) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

ChildExit decode(int status) {
  ChildExit exit;
  if (WIFSIGNALED(status)) exit.signal = WTERMSIG(status);
  if (WIFEXITED(status)) exit.exitCode = WEXITSTATUS(status);
  return exit;
}

}  // namespace

std::string ChildExit::describe() const {
  if (signal != 0) return std::string("killed by signal ") + strsignal(signal);
  return "exited with code " + std::to_string(exitCode);
}

std::unique_ptr<ChildProcess> ChildProcess::spawn(const ChildSpec& spec, std::string& error) {
  if (spec.argv.empty()) {
    error = "empty command";
    return nullptr;
  }
  // Everything the child needs is prepared before fork: between fork and exec only async-signal-safe calls.
  std::vector<std::string> args = spec.argv;
  std::vector<std::string> env = buildEnvironment(spec);
  std::vector<char*> argvPointers = pointers(args);
  std::vector<char*> envPointers = pointers(env);
  const pid_t parent = getpid();

  int outPipe[2] = {-1, -1};
  if (spec.captureStdout && pipe2(outPipe, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return nullptr;
  }
  // Opened here, not in the child: a failure is reported like any other, and the child only has to dup2 it.
  int outputFd = -1;
  if (!spec.outputFile.empty()) {
    outputFd = open(spec.outputFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (outputFd < 0) {
      error = "open " + spec.outputFile + ": " + std::strerror(errno);
      return nullptr;
    }
  }
  // The child reports a failed exec through this pipe (closed by a successful exec thanks to O_CLOEXEC).
  int execPipe[2];
  if (pipe2(execPipe, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    if (outputFd >= 0) close(outputFd);
    return nullptr;
  }

  pid_t pid = fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    if (outputFd >= 0) close(outputFd);
    return nullptr;
  }
  if (pid == 0) {
    // A child must not outlive the emulator that supervises it (a crashed test would leak servers and ports).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);  // the parent may block SIGTERM for its own sigwait
    int devNull = open("/dev/null", O_RDWR);
    const int quietFd = outputFd >= 0 ? outputFd : (spec.silenceOutput ? devNull : -1);
    if (spec.captureStdout) {
      dup2(outPipe[1], STDOUT_FILENO);
    } else if (quietFd >= 0) {
      dup2(quietFd, STDOUT_FILENO);
    }
    if (quietFd >= 0) dup2(quietFd, STDERR_FILENO);
    if (devNull >= 0) dup2(devNull, STDIN_FILENO);
    // Listening sockets and other descriptors of the emulator must not leak into the child.
    for (int fd = 3; fd < 1024; ++fd) {
      if (fd != execPipe[1]) close(fd);
    }
    execve(argvPointers[0], argvPointers.data(), envPointers.data());
    int code = errno;
    (void)!write(execPipe[1], &code, sizeof code);
    _exit(127);
  }

  close(execPipe[1]);
  if (outputFd >= 0) close(outputFd);
  int execErrno = 0;
  ssize_t n;
  do {
    n = read(execPipe[0], &execErrno, sizeof execErrno);
  } while (n < 0 && errno == EINTR);
  close(execPipe[0]);
  if (spec.captureStdout) close(outPipe[1]);
  if (n == static_cast<ssize_t>(sizeof execErrno)) {
    waitpid(pid, nullptr, 0);
    if (spec.captureStdout) close(outPipe[0]);
    error = "exec " + spec.argv[0] + ": " + std::strerror(execErrno);
    return nullptr;
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, spec.captureStdout ? outPipe[0] : -1));
}

ChildProcess::~ChildProcess() {
  if (!exit_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (stdoutFd_ >= 0) close(stdoutFd_);
}

std::optional<ChildExit> ChildProcess::poll() {
  if (exit_) return exit_;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_ = decode(status);
  } else if (r < 0 && errno == ECHILD) {
    exit_ = ChildExit{-1, 0};  // reaped by someone else: it has ended, how is unknown
  }
  return exit_;
}

std::optional<ChildExit> ChildProcess::waitFor(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (auto exit = poll()) return exit;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void ChildProcess::signal(int signo) {
  if (!poll()) ::kill(pid_, signo);
}

ChildExit ChildProcess::terminate(std::chrono::milliseconds grace) {
  signal(SIGTERM);
  if (auto exit = waitFor(grace)) return *exit;
  signal(SIGKILL);
  return waitFor(std::chrono::seconds(10)).value_or(ChildExit{-1, SIGKILL});
}

std::optional<std::string> ChildProcess::readStdoutLine(std::chrono::milliseconds timeout) {
  if (stdoutFd_ < 0) return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (auto newline = stdoutBuffer_.find('\n'); newline != std::string::npos) {
      std::string line = stdoutBuffer_.substr(0, newline);
      stdoutBuffer_.erase(0, newline + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd pfd{stdoutFd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char chunk[4096];
    ssize_t got = read(stdoutFd_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return std::nullopt;
    stdoutBuffer_.append(chunk, static_cast<std::size_t>(got));
  }
}

}  // namespace flotilla::apiserver
