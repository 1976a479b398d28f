// `flotilla apiserver` as a process: the listening line, the kubeconfig, flag errors and a clean SIGTERM exit.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support.h"

namespace flotilla::apiserver::testing {
namespace {

struct Process {
  pid_t pid = -1;
  FILE* out = nullptr;
};

Process spawn(const std::vector<std::string>& args) {
  int pipeFds[2];
  if (::pipe(pipeFds) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipeFds[1], 1);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 2);
    ::close(pipeFds[0]);
    std::vector<char*> argv;
    std::string binary = FLOTILLA_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(pipeFds[1]);
  return {pid, ::fdopen(pipeFds[0], "r")};
}

int waitExit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string tempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "flotilla-cmd-XXXXXX").string();
  return ::mkdtemp(pattern.data());
}

TEST(ApiServerCommandTest, PrintsItsUrlWritesAKubeconfigAndStopsOnSigterm) {
  std::string dir = tempDir();
  std::string kubeconfig = dir + "/kubeconfig";
  Process process = spawn({"apiserver", "--listen", "127.0.0.1:0", "--kubeconfig-out", kubeconfig});
  ASSERT_GT(process.pid, 0);
  char line[256] = {0};
  ASSERT_NE(std::fgets(line, sizeof line, process.out), nullptr);
  std::string text(line);
  ASSERT_EQ(text.rfind("listening on http://127.0.0.1:", 0), 0u) << text;
  std::uint16_t port = static_cast<std::uint16_t>(std::stoi(text.substr(text.rfind(':') + 1)));
  std::ifstream in(kubeconfig);
  std::stringstream config;
  config << in.rdbuf();
  EXPECT_NE(config.str().find("server: http://127.0.0.1:" + std::to_string(port)), std::string::npos) << config.str();
  ClientConfig clientConfig;
  clientConfig.port = port;
  EXPECT_EQ(TestClient(clientConfig).get("/api/v1/namespaces/default").status, 200);
  ::kill(process.pid, SIGTERM);
  EXPECT_EQ(waitExit(process.pid), 0);
  std::fclose(process.out);
  std::filesystem::remove_all(dir);
}

TEST(ApiServerCommandTest, UnknownFlagIsAnError) {
  Process process = spawn({"apiserver", "--no-such-flag"});
  ASSERT_GT(process.pid, 0);
  EXPECT_EQ(waitExit(process.pid), 2);
  std::fclose(process.out);
}

TEST(ApiServerCommandTest, BadListenAddressIsAnError) {
  Process process = spawn({"apiserver", "--listen", "nowhere"});
  ASSERT_GT(process.pid, 0);
  EXPECT_EQ(waitExit(process.pid), 2);
  std::fclose(process.out);
}

}  // namespace
}  // namespace flotilla::apiserver::testing
