#include "apiserver/echo_server.h"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <utility>  // before Boost.Asio 1.74: its awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace flotilla::apiserver {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Idle keep-alive connections are dropped after this long, like most servers, so abandoned clients don't pile up.
constexpr auto kIdleTimeout = std::chrono::seconds(120);
constexpr auto kWriteTimeout = std::chrono::seconds(30);

std::string lowerCase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

EchoRequest toEchoRequest(const http::request<http::string_body>& request) {
  EchoRequest out;
  out.method = std::string(request.method_string());
  out.target = std::string(request.target());
  for (const auto& field : request) {
    auto [it, inserted] =
        out.headers.emplace(lowerCase(std::string_view(field.name_string().data(), field.name_string().size())),
                            std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  out.body = request.body();
  return out;
}

}  // namespace

// Shared by the server and its sessions; sessions keep it alive through a shared_ptr while they run.
struct EchoServerState {
  EchoServerState(std::string service, std::string pod, EchoSettings settings)
      : behaviour(std::move(service), std::move(pod), settings) {}

  EchoBehaviour behaviour;
  std::mutex mutex;
  std::condition_variable sessionsChanged;
  std::unordered_map<void*, std::function<void()>> closeIdle;  // per live session: close it if it is idle
  bool stopping = false;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<EchoServerState> state)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), state_(std::move(state)) {}

  ~Session() {
    std::lock_guard lock(state_->mutex);
    state_->closeIdle.erase(this);
    state_->sessionsChanged.notify_all();
  }

  void start() {
    {
      std::lock_guard lock(state_->mutex);
      if (state_->stopping) return;  // dropping the last reference closes the socket
      std::weak_ptr<Session> weak = shared_from_this();
      state_->closeIdle[this] = [weak] {
        if (auto self = weak.lock()) asio::post(self->stream_.get_executor(), [self] { self->closeIfIdle(); });
      };
    }
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  void read() {
    request_ = {};
    busy_ = false;
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec) return close();
    busy_ = true;
    EchoResponse answer = state_->behaviour.answer(toEchoRequest(request_));
    response_ = {};
    response_.version(request_.version());
    response_.result(static_cast<unsigned>(answer.status));
    response_.set(http::field::server, "flotilla-echo");
    response_.set(http::field::content_type, "application/json");
    response_.set("X-Served-By", state_->behaviour.pod());
    response_.body() = answer.body.dump() + "\n";
    response_.prepare_payload();
    if (answer.delay.count() <= 0) return write();
    stream_.expires_never();
    timer_.expires_after(answer.delay);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->write(); });
  }

  void write() {
    bool keepAlive = request_.keep_alive();
    {
      std::lock_guard lock(state_->mutex);
      if (state_->stopping) keepAlive = false;
    }
    response_.keep_alive(keepAlive);
    stream_.expires_after(kWriteTimeout);
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || !self->response_.keep_alive()) return self->close();
      self->read();
    });
  }

  void closeIfIdle() {
    if (!busy_) close();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  std::shared_ptr<EchoServerState> state_;
  bool busy_ = false;  // a request is being answered; only touched on the session's strand
};

}  // namespace

class EchoServer::Impl {
 public:
  explicit Impl(EchoServerOptions options)
      : options_(std::move(options)),
        state_(std::make_shared<EchoServerState>(options_.service, options_.pod, options_.settings)),
        acceptor_(asio::make_strand(io_)) {}

  std::optional<std::string> start() {
    beast::error_code ec;
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec) return "invalid listen address '" + options_.host + "': " + ec.message();
    tcp::endpoint endpoint(address, options_.port);
    if (acceptor_.open(endpoint.protocol(), ec); ec) return "socket: " + ec.message();
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (acceptor_.bind(endpoint, ec); ec)
      return "bind " + endpoint.address().to_string() + ":" + std::to_string(options_.port) + ": " + ec.message();
    if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) return "listen: " + ec.message();
    port_ = acceptor_.local_endpoint().port();
    accept();
    unsigned threads = std::max(1u, options_.threads);
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
    return std::nullopt;
  }

  void stop(std::chrono::milliseconds grace) {
    std::unique_lock lock(state_->mutex);
    if (state_->stopping) return;
    state_->stopping = true;
    // Called without the lock: a closer holds a session for a moment, and when that session's connection has just
    // ended, dropping it runs ~Session here, which takes the lock (a test run hung on exactly that).
    std::vector<std::function<void()>> closers;
    for (auto& [session, closeIdle] : state_->closeIdle) closers.push_back(closeIdle);
    lock.unlock();
    for (auto& closeIdle : closers) closeIdle();
    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    lock.lock();
    state_->sessionsChanged.wait_for(lock, grace, [this] { return state_->closeIdle.empty(); });
    lock.unlock();
    io_.stop();
    for (auto& thread : threads_) thread.join();
    threads_.clear();
  }

  std::uint16_t port() const { return port_; }
  const EchoServerOptions& options() const { return options_; }
  EchoBehaviour& behaviour() { return state_->behaviour; }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) std::make_shared<Session>(std::move(socket), state_)->start();
      accept();
    });
  }

  EchoServerOptions options_;
  std::shared_ptr<EchoServerState> state_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
};

EchoServer::EchoServer(EchoServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

EchoServer::~EchoServer() {
  stop(std::chrono::milliseconds(0));
}

std::optional<std::string> EchoServer::start() {
  return impl_->start();
}

std::uint16_t EchoServer::port() const {
  return impl_->port();
}

std::string EchoServer::url() const {
  return "http://" + impl_->options().host + ":" + std::to_string(port());
}

EchoBehaviour& EchoServer::behaviour() {
  return impl_->behaviour();
}

void EchoServer::stop(std::chrono::milliseconds grace) {
  impl_->stop(grace);
}

}  // namespace flotilla::apiserver
