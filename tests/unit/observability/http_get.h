#pragma once
// A blocking HTTP/1.1 GET against 127.0.0.1, enough to scrape the operational endpoints in tests.

#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace flotilla::observability::testing {

struct HttpResult {
  int status = 0;
  std::string contentType;
  std::string body;
};

inline HttpResult httpGet(int port, const std::string& target) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1");
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  beast::error_code ec;
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  return {static_cast<int>(response.result_int()), std::string(response[http::field::content_type]), response.body()};
}

}  // namespace flotilla::observability::testing
