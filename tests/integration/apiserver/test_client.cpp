#include "test_client.h"

#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <variant>

#include "apiserver/test_api_server.h"

namespace flotilla::apiserver::testing {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using nlohmann::json;

struct WatchConnection::Transport {
  net::io_context io;
  std::unique_ptr<ssl::context> sslContext;
  std::variant<std::monostate, tcp::socket, ssl::stream<tcp::socket>> stream;
  beast::flat_buffer buffer;

  int fd() {
    if (auto* plain = std::get_if<tcp::socket>(&stream)) return plain->native_handle();
    return std::get<ssl::stream<tcp::socket>>(stream).next_layer().native_handle();
  }

  template <typename F>
  auto visit(F&& f) {
    if (auto* plain = std::get_if<tcp::socket>(&stream)) return f(*plain);
    return f(std::get<ssl::stream<tcp::socket>>(stream));
  }
};

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::unique_ptr<WatchConnection::Transport> connect(const ClientConfig& config, std::string& error) {
  auto transport = std::make_unique<WatchConnection::Transport>();
  try {
    tcp::socket socket(transport->io);
    socket.connect(tcp::endpoint(net::ip::make_address(config.host), config.port));
    if (!config.tls) {
      transport->stream.emplace<tcp::socket>(std::move(socket));
      return transport;
    }
    transport->sslContext = std::make_unique<ssl::context>(ssl::context::tls_client);
    if (!config.caPem.empty()) {
      transport->sslContext->add_certificate_authority(net::buffer(config.caPem));
      transport->sslContext->set_verify_mode(ssl::verify_peer);
    }
    if (!config.clientCertPem.empty()) {
      transport->sslContext->use_certificate_chain(net::buffer(config.clientCertPem));
      transport->sslContext->use_private_key(net::buffer(config.clientKeyPem), ssl::context::pem);
    }
    auto& stream = transport->stream.emplace<ssl::stream<tcp::socket>>(std::move(socket), *transport->sslContext);
    stream.handshake(ssl::stream_base::client);
    return transport;
  } catch (const std::exception& e) {
    error = e.what();
    return nullptr;
  }
}

http::request<http::string_body> makeRequest(const ClientConfig& config, const std::string& method,
                                             const std::string& target, const std::string& body,
                                             const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, config.host + ":" + std::to_string(config.port));
  request.set(http::field::user_agent, config.userAgent);
  if (!config.token.empty()) request.set(http::field::authorization, "Bearer " + config.token);
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty()) {
    request.body() = body;
    request.prepare_payload();
  }
  return request;
}

}  // namespace

json HttpResult::json() const {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json() : parsed;
}

std::string HttpResult::header(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? "" : it->second;
}

std::vector<std::string> HttpResult::headerValues(const std::string& name) const {
  std::vector<std::string> out;
  auto range = headers.equal_range(lower(name));
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

TestClient TestClient::forServer(TestApiServer& server) {
  ClientConfig config;
  config.port = server.port();
  if (const auto& certificates = server.server().certificates()) {
    config.tls = true;
    config.caPem = certificates->caCertPem;
    config.clientCertPem = certificates->clientCertPem;
    config.clientKeyPem = certificates->clientKeyPem;
  }
  return TestClient(config);
}

HttpResult TestClient::request(const std::string& method, const std::string& target, const std::string& body,
                               const std::map<std::string, std::string>& headers) const {
  HttpResult result;
  auto transport = connect(config_, result.error);
  if (!transport) return result;
  try {
    auto message = makeRequest(config_, method, target, body, headers);
    http::response<http::string_body> response;
    transport->visit([&](auto& stream) {
      http::write(stream, message);
      http::response_parser<http::string_body> parser;
      parser.body_limit(512 * 1024 * 1024);
      http::read(stream, transport->buffer, parser);
      response = parser.release();
      return 0;
    });
    result.status = response.result_int();
    for (const auto& field : response) {
      result.headers.emplace(lower(std::string(field.name_string())), std::string(field.value()));
    }
    result.body = response.body();
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

HttpResult TestClient::get(const std::string& target, const std::string& accept) const {
  return request("GET", target, "", {{"Accept", accept}});
}

HttpResult TestClient::post(const std::string& target, const json& body) const {
  return request("POST", target, body.dump(), {{"Content-Type", "application/json"}});
}

HttpResult TestClient::put(const std::string& target, const json& body) const {
  return request("PUT", target, body.dump(), {{"Content-Type", "application/json"}});
}

HttpResult TestClient::patch(const std::string& target, const json& body, const std::string& contentType) const {
  return request("PATCH", target, body.dump(), {{"Content-Type", contentType}});
}

HttpResult TestClient::del(const std::string& target, const json& body) const {
  if (body.is_null()) return request("DELETE", target);
  return request("DELETE", target, body.dump(), {{"Content-Type", "application/json"}});
}

std::unique_ptr<WatchConnection> TestClient::watch(const std::string& target, const std::string& accept) const {
  std::unique_ptr<WatchConnection> watch(new WatchConnection());
  std::string error;
  watch->transport_ = connect(config_, error);
  if (!watch->transport_) return watch;
  try {
    auto message = makeRequest(config_, "GET", target, "", {{"Accept", accept}});
    http::response_parser<http::empty_body> header;
    watch->transport_->visit([&](auto& stream) {
      http::write(stream, message);
      http::read_header(stream, watch->transport_->buffer, header);
      return 0;
    });
    watch->status_ = header.get().result_int();
  } catch (const std::exception&) {
    return watch;
  }
  watch->reader_ = std::thread([w = watch.get()] { w->readLoop(); });
  return watch;
}

// Reads the chunked body after the headers: raw bytes, decoding chunk framing by hand so lines arrive as soon
// as their chunk does.
void WatchConnection::readLoop() {
  std::string pending;  // undecoded bytes
  std::string line;
  auto take = [&](std::string& data) {
    // Decode as many complete chunks as available.
    while (true) {
      size_t crlf = data.find("\r\n");
      if (crlf == std::string::npos) return true;
      std::size_t size = std::stoul(data.substr(0, crlf), nullptr, 16);
      if (size == 0) return false;
      if (data.size() < crlf + 2 + size + 2) return true;
      line += data.substr(crlf + 2, size);
      data.erase(0, crlf + 2 + size + 2);
      size_t newline;
      while ((newline = line.find('\n')) != std::string::npos) {
        std::lock_guard lock(mutex_);
        lines_.push_back(line.substr(0, newline));
        line.erase(0, newline + 1);
        wake_.notify_all();
      }
    }
  };
  {
    auto data = transport_->buffer.data();
    pending.append(static_cast<const char*>(data.data()), data.size());
    transport_->buffer.consume(data.size());
  }
  bool more = take(pending);
  while (more) {
    char buffer[65536];
    beast::error_code ec;
    std::size_t n = transport_->visit([&](auto& stream) { return stream.read_some(net::buffer(buffer), ec); });
    if (ec || n == 0) break;
    pending.append(buffer, n);
    more = take(pending);
  }
  std::lock_guard lock(mutex_);
  ended_ = true;
  wake_.notify_all();
}

std::optional<json> WatchConnection::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, timeout, [&] { return !lines_.empty() || ended_; });
  if (lines_.empty()) return std::nullopt;
  std::string line = std::move(lines_.front());
  lines_.pop_front();
  auto parsed = json::parse(line, nullptr, false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

bool WatchConnection::waitForEnd(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return wake_.wait_for(lock, timeout, [&] { return ended_; });
}

void WatchConnection::close() {
  if (transport_ && !std::holds_alternative<std::monostate>(transport_->stream))
    ::shutdown(transport_->fd(), SHUT_RDWR);
  if (reader_.joinable()) reader_.join();
}

WatchConnection::~WatchConnection() {
  close();
}

}  // namespace flotilla::apiserver::testing
