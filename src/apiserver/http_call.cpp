#include "apiserver/http_call.h"

#include <algorithm>
#include <cctype>

#include <utility>  // before Boost.Asio 1.74: its awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace flotilla::apiserver {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpOutcome performHttpCall(const HttpCall& call) {
  // Asynchronous operations on a private io_context: the stream's deadline then bounds the whole exchange, which
  // the blocking Beast calls cannot do.
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  http::response<http::string_body> response;
  HttpOutcome outcome;

  beast::error_code ec;
  auto address = asio::ip::make_address(call.host, ec);
  if (ec) return HttpOutcome{std::nullopt, "invalid address '" + call.host + "'"};

  request.method_string(call.method);
  request.target(call.target);
  request.version(11);
  request.set(http::field::host, call.host + ":" + std::to_string(call.port));
  request.set(http::field::user_agent, "flotilla");
  for (const auto& [name, value] : call.headers) request.set(name, value);
  request.body() = call.body;
  if (!call.body.empty() || call.method == "POST" || call.method == "PUT") request.prepare_payload();
  request.keep_alive(false);

  auto fail = [&](const char* stage, beast::error_code error) {
    if (outcome.error.empty()) outcome.error = std::string(stage) + ": " + error.message();
  };
  stream.expires_after(call.timeout);
  stream.async_connect(tcp::endpoint(address, call.port), [&](beast::error_code error) {
    if (error) return fail("connect", error);
    http::async_write(stream, request, [&](beast::error_code error, std::size_t) {
      if (error) return fail("send", error);
      http::async_read(stream, buffer, response, [&](beast::error_code error, std::size_t) {
        if (error) return fail("receive", error);
        HttpReply reply;
        reply.status = static_cast<int>(response.result_int());
        reply.body = response.body();
        for (const auto& field : response) {
          std::string name(field.name_string());
          std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
          reply.headers[name] = std::string(field.value());
        }
        outcome.reply = std::move(reply);
      });
    });
  });
  io.run();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return outcome;
}

bool tcpConnects(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return false;
  bool connected = false;
  stream.expires_after(timeout);
  stream.async_connect(tcp::endpoint(address, port), [&](beast::error_code error) { connected = !error; });
  io.run();
  beast::error_code ignored;
  stream.socket().close(ignored);
  return connected;
}

}  // namespace flotilla::apiserver
