#pragma once
// One blocking HTTP/1.1 request with a deadline: what the simulated kubelet's readiness probes send to pods it runs,
// and what tests use to talk to echo backends. Plain HTTP only; a fresh connection per call.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace flotilla::apiserver {

struct HttpCall {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string method = "GET";
  std::string target = "/";
  std::map<std::string, std::string> headers;
  std::string body;
  std::chrono::milliseconds timeout{2000};  // covers connect, send and receive
};

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// The reply, or an error message (connection refused, timeout...) — never throws.
struct HttpOutcome {
  std::optional<HttpReply> reply;
  std::string error;
  bool ok() const { return reply.has_value(); }
};

HttpOutcome performHttpCall(const HttpCall& call);

// Whether a TCP connection to host:port is accepted within `timeout` (a tcpSocket probe).
bool tcpConnects(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout);

}  // namespace flotilla::apiserver
