#pragma once
// A small synchronous HTTP(S) client for the emulator's integration tests (Boost.Beast): one connection per
// request, TLS with the emulator's CA and an optional client certificate, bearer tokens, and watch streams read
// line by line on a background thread.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::apiserver {
class TestApiServer;
}

namespace flotilla::apiserver::testing {

struct ClientConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  bool tls = false;
  std::string caPem;
  std::string clientCertPem;
  std::string clientKeyPem;
  std::string token;
  std::string userAgent = "flotilla-tests/1.0 (linux/amd64)";
};

struct HttpResult {
  int status = 0;  // 0: the request failed (see error)
  std::string error;
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string body;

  nlohmann::json json() const;
  std::string header(const std::string& name) const;
  std::vector<std::string> headerValues(const std::string& name) const;
};

class WatchConnection;

class TestClient {
 public:
  explicit TestClient(ClientConfig config) : config_(std::move(config)) {}
  // Plain HTTP, or TLS with the server's CA and client certificate (as its kubeconfig would say).
  static TestClient forServer(TestApiServer& server);

  HttpResult request(const std::string& method, const std::string& target, const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {}) const;
  HttpResult get(const std::string& target, const std::string& accept = "application/json") const;
  HttpResult post(const std::string& target, const nlohmann::json& body) const;
  HttpResult put(const std::string& target, const nlohmann::json& body) const;
  HttpResult patch(const std::string& target, const nlohmann::json& body,
                   const std::string& contentType = "application/merge-patch+json") const;
  HttpResult del(const std::string& target, const nlohmann::json& body = nullptr) const;

  // Opens a watch (GET target, which should carry watch=1) and returns once the response headers arrived.
  std::unique_ptr<WatchConnection> watch(const std::string& target,
                                         const std::string& accept = "application/json") const;

  ClientConfig& config() { return config_; }

 private:
  ClientConfig config_;
};

class WatchConnection {
 public:
  ~WatchConnection();
  int status() const { return status_; }
  // The next event (one JSON line); nullopt when none arrived within `timeout` or the stream ended.
  std::optional<nlohmann::json> next(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Waits for an event satisfying `match`, skipping others (BOOKMARKs, unrelated objects).
  template <typename Match>
  std::optional<nlohmann::json> nextMatching(Match match, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      auto event = next(left);
      if (!event) return std::nullopt;
      if (match(*event)) return event;
    }
    return std::nullopt;
  }
  // True once the server ended the stream (after every queued event was read with next()).
  bool waitForEnd(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void close();

  struct Transport;  // the connection (plain or TLS), defined in test_client.cpp

 private:
  friend class TestClient;
  WatchConnection() = default;
  void readLoop();

  std::unique_ptr<Transport> transport_;
  int status_ = 0;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> lines_;
  bool ended_ = false;
};

}  // namespace flotilla::apiserver::testing
