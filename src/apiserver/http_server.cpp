#include "apiserver/http_server.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

namespace flotilla::apiserver {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kBodyLimit = 64 * 1024 * 1024;
constexpr std::uint32_t kHeaderLimit = 1024 * 1024;

struct PeerIdentity {
  std::string commonName;
  std::vector<std::string> organizations;
};

std::string nameEntry(X509_NAME_ENTRY* entry) {
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(entry);
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return "";
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return out;
}

PeerIdentity peerIdentity(SSL* ssl) {
  PeerIdentity identity;
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return identity;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    X509_NAME* subject = X509_get_subject_name(cert);
    for (int i = 0; i < X509_NAME_entry_count(subject); ++i) {
      X509_NAME_ENTRY* entry = X509_NAME_get_entry(subject, i);
      int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
      if (nid == NID_commonName) identity.commonName = nameEntry(entry);
      if (nid == NID_organizationName) identity.organizations.push_back(nameEntry(entry));
    }
  }
  X509_free(cert);
  return identity;
}

// Readable or closed while we expect nothing from the client (during a watch): the client has gone.
bool peerClosed(int fd) {
  char byte;
  ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return true;
  if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  return true;
}

HttpRequest toRequest(http::request<http::string_body>& message, const PeerIdentity& identity) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  size_t question = request.target.find('?');
  request.path = percentDecode(request.target.substr(0, question));
  if (question != std::string::npos) request.query = parseQuery(std::string_view(request.target).substr(question + 1));
  for (const auto& field : message) {
    request.headers[std::string(field.name_string())] = std::string(field.value());
  }
  request.body = std::move(message.body());
  request.clientCertCommonName = identity.commonName;
  request.clientCertOrganizations = identity.organizations;
  return request;
}

template <class Stream>
class ConnectionResponder : public Responder, public ResponseStream {
 public:
  ConnectionResponder(Stream& stream, int fd, unsigned version, bool keepAlive)
      : stream_(stream), fd_(fd), version_(version), keepAlive_(keepAlive) {}

  void send(const HttpResponse& response) override {
    http::response<http::string_body> message{static_cast<http::status>(response.status), version_};
    message.set(http::field::content_type, response.contentType);
    for (const auto& [name, value] : response.headers) message.insert(name, value);
    message.keep_alive(keepAlive_);
    message.body() = response.body;
    message.prepare_payload();
    beast::error_code ec;
    http::write(stream_, message, ec);
    if (ec) keepAlive_ = false;
    status_ = response.status;
  }

  ResponseStream* startStream(int status, const std::string& contentType, const HeaderList& headers) override {
    http::response<http::empty_body> message{static_cast<http::status>(status), version_};
    message.set(http::field::content_type, contentType);
    for (const auto& [name, value] : headers) message.insert(name, value);
    message.chunked(true);
    message.keep_alive(false);
    http::response_serializer<http::empty_body> serializer{message};
    beast::error_code ec;
    http::write_header(stream_, serializer, ec);
    status_ = status;
    keepAlive_ = false;  // a streamed response ends the connection
    if (ec) return nullptr;
    streaming_ = true;
    return this;
  }

  int statusSent() const override { return status_; }

  bool write(std::string_view data) override {
    if (data.empty()) return true;
    beast::error_code ec;
    net::write(stream_, http::make_chunk(net::buffer(data.data(), data.size())), ec);
    return !ec;
  }

  bool clientGone() override { return peerClosed(fd_); }

  void finish() {
    if (!streaming_) return;
    beast::error_code ec;
    net::write(stream_, http::make_chunk_last(), ec);
  }

  bool keepAlive() const { return keepAlive_; }

 private:
  Stream& stream_;
  int fd_;
  unsigned version_;
  bool keepAlive_;
  bool streaming_ = false;
  int status_ = 0;
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, Handler handler) : options_(std::move(options)), handler_(std::move(handler)) {}

  std::optional<std::string> start() {
    if (options_.tls) {
      try {
        sslContext_ = std::make_unique<ssl::context>(ssl::context::tls_server);
        sslContext_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                                 ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        sslContext_->use_certificate_chain(net::buffer(options_.tls->serverCertPem));
        sslContext_->use_private_key(net::buffer(options_.tls->serverKeyPem), ssl::context::pem);
        sslContext_->add_certificate_authority(net::buffer(options_.tls->caCertPem));
        // Ask for a client certificate (and name our CA so clients pick theirs), but do not require one:
        // bearer tokens and anonymous requests are judged after the handshake.
        SSL_CTX_set_verify(sslContext_->native_handle(), SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
        BIO* bio = BIO_new_mem_buf(options_.tls->caCertPem.data(), static_cast<int>(options_.tls->caCertPem.size()));
        X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
        BIO_free(bio);
        if (ca) {
          STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
          sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(ca)));
          SSL_CTX_set_client_CA_list(sslContext_->native_handle(), names);
          X509_free(ca);
        }
      } catch (const std::exception& e) {
        return std::string("TLS setup failed: ") + e.what();
      }
    }
    try {
      tcp::endpoint endpoint(net::ip::make_address(options_.host), options_.port);
      acceptor_ = std::make_unique<tcp::acceptor>(io_);
      acceptor_->open(endpoint.protocol());
      acceptor_->set_option(net::socket_base::reuse_address(true));
      acceptor_->bind(endpoint);
      acceptor_->listen(1024);
      port_ = acceptor_->local_endpoint().port();
    } catch (const std::exception& e) {
      return "cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " + e.what();
    }
    acceptThread_ = std::thread([this] { acceptLoop(); });
    return std::nullopt;
  }

  void stop() {
    if (stopping_.exchange(true)) return;
    if (acceptor_) ::shutdown(acceptor_->native_handle(), SHUT_RDWR);
    if (acceptThread_.joinable()) acceptThread_.join();
    if (acceptor_) {
      beast::error_code ec;
      acceptor_->close(ec);
    }
    std::unique_lock lock(mutex_);
    for (const auto& [id, fd] : connections_) ::shutdown(fd, SHUT_RDWR);
    finished_.wait(lock, [&] { return active_ == 0; });
  }

  std::uint16_t port() const { return port_; }

  std::size_t openConnections() const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(active_);
  }

 private:
  void acceptLoop() {
    while (!stopping_) {
      tcp::socket socket(io_);
      beast::error_code ec;
      acceptor_->accept(socket, ec);
      if (ec) {
        if (stopping_) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // e.g. out of file descriptors
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      int id;
      {
        std::lock_guard lock(mutex_);
        if (stopping_) break;
        id = nextId_++;
        connections_[id] = socket.native_handle();
        ++active_;
      }
      auto owned = std::make_unique<tcp::socket>(std::move(socket));
      std::thread([this, id, owned = std::move(owned)]() mutable { serve(std::move(owned), id); }).detach();
    }
  }

  void serve(std::unique_ptr<tcp::socket> socket, int id) {
    run(std::move(socket), id);
    // Every socket object is gone by now: stop() may return and the io_context may go away.
    std::lock_guard lock(mutex_);
    --active_;
    finished_.notify_all();
  }

  void run(std::unique_ptr<tcp::socket> socket, int id) {
    int fd = socket->native_handle();
    try {
      if (sslContext_) {
        ssl::stream<tcp::socket> stream(std::move(*socket), *sslContext_);
        socket.reset();
        beast::error_code ec;
        stream.handshake(ssl::stream_base::server, ec);
        if (!ec) {
          PeerIdentity identity = peerIdentity(stream.native_handle());
          session(stream, fd, identity);
          SSL_shutdown(stream.native_handle());  // send close_notify without waiting for the peer's
        }
        forget(id);  // before the stream closes the descriptor, so stop() never shuts down a reused one
      } else {
        session(*socket, fd, PeerIdentity{});
        forget(id);
      }
    } catch (const std::exception& e) {
      spdlog::debug("apiserver connection: {}", e.what());
      forget(id);
    }
  }

  void forget(int id) {
    std::lock_guard lock(mutex_);
    connections_.erase(id);
  }

  template <class Stream>
  void session(Stream& stream, int fd, const PeerIdentity& identity) {
    beast::flat_buffer buffer;
    while (!stopping_) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kBodyLimit);
      parser.header_limit(kHeaderLimit);
      beast::error_code ec;
      http::read_header(stream, buffer, parser, ec);
      if (ec) return;
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> proceed{http::status::continue_, parser.get().version()};
        http::write(stream, proceed, ec);
        if (ec) return;
      }
      if (!parser.is_done()) http::read(stream, buffer, parser, ec);
      if (ec) return;
      auto message = parser.release();
      bool keepAlive = message.keep_alive();
      unsigned version = message.version();
      HttpRequest request = toRequest(message, identity);
      ConnectionResponder<Stream> responder(stream, fd, version, keepAlive && !stopping_);
      handler_(request, responder);
      responder.finish();
      if (responder.statusSent() == 0) {
        HttpResponse fallback;
        fallback.status = 500;
        fallback.body = "{}";
        responder.send(fallback);
      }
      if (!responder.keepAlive()) return;
    }
  }

  HttpServerOptions options_;
  Handler handler_;
  net::io_context io_;
  std::unique_ptr<ssl::context> sslContext_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::thread acceptThread_;
  std::atomic<bool> stopping_{false};
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable finished_;
  std::map<int, int> connections_;
  int nextId_ = 0;
  int active_ = 0;
};

HttpServer::HttpServer(HttpServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() {
  stop();
}

std::optional<std::string> HttpServer::start() {
  return impl_->start();
}
std::uint16_t HttpServer::port() const {
  return impl_->port();
}
void HttpServer::stop() {
  impl_->stop();
}
std::size_t HttpServer::openConnections() const {
  return impl_->openConnections();
}

}  // namespace flotilla::apiserver
