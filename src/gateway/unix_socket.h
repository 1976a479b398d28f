#pragma once
// One request/answer exchange over a UNIX stream socket, the way HAProxy's CLIs want it: connect, write one
// command line, read until the peer closes. The master CLI keeps the connection open until our side stops writing,
// so the write side is shut down after the command.

#include <chrono>
#include <string>
#include <string_view>

namespace flotilla::gateway {

struct SocketAnswer {
  std::string text;
  std::string error;  // "" when the exchange completed
  bool ok() const { return error.empty(); }
};

SocketAnswer exchangeOverUnixSocket(const std::string& path, std::string_view command,
                                    std::chrono::milliseconds timeout);

}  // namespace flotilla::gateway
