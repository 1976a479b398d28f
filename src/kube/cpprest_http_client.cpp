#include "kube/cpprest_http_client.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <system_error>

#include <cpprest/http_client.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pplx/threadpool.h>
#include <boost/asio/ssl.hpp>

namespace flotilla::kube {
namespace {

namespace http = web::http;
namespace httpclient = web::http::client;

struct TlsMaterial {
  std::string caPem;
  std::string certPem;
  std::string keyPem;
  bool insecureSkipVerify = false;
};

// cpprest reports every failed handshake as just "Error in SSL handshake". To say *why* (wrong CA, expired,
// name mismatch), certificate verification runs through this hook, which records the last failure of a client;
// the error message for a failed handshake quotes it.
class VerifyDiagnostics {
 public:
  void record(std::string reason) {
    std::lock_guard lock(mutex_);
    last_ = std::move(reason);
  }
  std::string last() const {
    std::lock_guard lock(mutex_);
    return last_;
  }

  // SSL_CTX_set_cert_verify_callback hook: the normal chain verification (which still calls cpprest's
  // per-certificate callback), plus a note of what failed.
  static int verify(X509_STORE_CTX* store, void* self) {
    const int ok = X509_verify_cert(store);
    if (ok <= 0) static_cast<VerifyDiagnostics*>(self)->record(describe(store));
    return ok;
  }

 private:
  static std::string describe(X509_STORE_CTX* store) {
    const int error = X509_STORE_CTX_get_error(store);
    std::string reason = error == X509_V_OK
                             ? "the certificate does not match the server's host name"
                             : std::string("certificate verify failed: ") + X509_verify_cert_error_string(error);
    if (X509* cert = X509_STORE_CTX_get_current_cert(store)) {
      char subject[256];
      char issuer[256];
      X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
      X509_NAME_oneline(X509_get_issuer_name(cert), issuer, sizeof issuer);
      reason += std::string(" (subject ") + subject + ", issuer " + issuer + ")";
    }
    return reason;
  }

  mutable std::mutex mutex_;
  std::string last_;
};

// Runs inside cpprest for every new TLS connection (on its pool thread). The material was checked by
// checkTlsMaterial() up front, so nothing here is expected to throw.
void configureSsl(const TlsMaterial& tls, VerifyDiagnostics* diagnostics, boost::asio::ssl::context& ctx) {
  diagnostics->record({});  // a new connection: forget an earlier connection's failure
  SSL_CTX_set_cert_verify_callback(ctx.native_handle(), &VerifyDiagnostics::verify, diagnostics);
  if (!tls.caPem.empty()) ctx.add_certificate_authority(boost::asio::buffer(tls.caPem));
  if (!tls.certPem.empty()) {
    ctx.use_certificate_chain(boost::asio::buffer(tls.certPem));
    ctx.use_private_key(boost::asio::buffer(tls.keyPem), boost::asio::ssl::context::pem);
  }
}

Result<void> checkTlsMaterial(const TlsMaterial& tls) {
  boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
  boost::system::error_code ec;
  if (!tls.caPem.empty() && ctx.add_certificate_authority(boost::asio::buffer(tls.caPem), ec)) {
    return configError("certificate authority: cannot be loaded (" + ec.message() + ")");
  }
  if (tls.certPem.empty()) return {};
  if (ctx.use_certificate_chain(boost::asio::buffer(tls.certPem), ec)) {
    return configError("client certificate: cannot be loaded (" + ec.message() + ")");
  }
  if (ctx.use_private_key(boost::asio::buffer(tls.keyPem), boost::asio::ssl::context::pem, ec)) {
    if (ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
      return configError("client key: does not match the client certificate");
    }
    return configError("client key: cannot be loaded (" + ec.message() + ")");
  }
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    return configError("client key: does not match the client certificate");
  }
  return {};
}

http::http_request toCpprest(const HttpRequest& request) {
  http::http_request out(request.method);
  out.set_request_uri(web::uri(request.pathAndQuery));
  std::string contentType = "application/json";
  for (const auto& [name, value] : request.headers.entries()) {
    if (headerNameEquals(name, "Content-Type")) {
      contentType = value;
    } else {
      out.headers().add(name, value);
    }
  }
  if (!request.body.empty()) out.set_body(request.body, contentType);
  return out;
}

HttpHeaders fromCpprest(const http::http_headers& headers) {
  HttpHeaders out;
  for (const auto& [name, value] : headers) out.add(name, value);
  return out;
}

// Describes what failed in terms a user can act on; `what` is cpprest's own message.
class FailureMapper {
 public:
  FailureMapper(std::string server, const HttpRequest& request, std::shared_ptr<const VerifyDiagnostics> tls)
      : target_(request.method + " " + server + request.pathAndQuery),
        timeout_(request.timeout),
        tls_(std::move(tls)) {}

  Error map(std::exception_ptr failure, const pplx::cancellation_token& token) const {
    if (token.is_canceled()) return cancelledError(target_ + ": cancelled");
    try {
      std::rethrow_exception(failure);
    } catch (const pplx::task_canceled&) {
      return cancelledError(target_ + ": cancelled");
    } catch (const http::http_exception& e) {
      return fromHttpException(e);
    } catch (const std::exception& e) {
      return transportError(target_ + ": " + e.what());
    }
  }

 private:
  Error fromHttpException(const http::http_exception& e) const {
    const std::string what = e.what();
    const int code = e.error_code().value();
    if (code == static_cast<int>(std::errc::operation_canceled)) return cancelledError(target_ + ": cancelled");
    if (code == static_cast<int>(std::errc::timed_out)) {
      Error err = transportError(target_ + ": no data for " + std::to_string(timeout_.count()) + " ms (" + what + ")");
      err.kind = ErrorKind::Timeout;
      return err;
    }
    if (what.find("SSL") != std::string::npos || what.find("handshake") != std::string::npos) {
      const std::string reason = tls_ ? tls_->last() : std::string();
      return transportError(target_ + ": TLS handshake failed: " + (reason.empty() ? what : reason) +
                            "; check the server's certificate against certificate-authority");
    }
    // cpprest reports both "connection refused" and "pooled connection closed before the request was written" as
    // host_unreachable: in both cases the server never saw the request.
    const bool notSent = code == static_cast<int>(std::errc::host_unreachable) ||
                         code == static_cast<int>(std::errc::connection_refused);
    return transportError(target_ + ": " + what, notSent);
  }

  std::string target_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<const VerifyDiagnostics> tls_;
};

// Links our CancelToken to a cpprest cancellation source for one request (and, for streams, its body).
struct RequestCancellation {
  explicit RequestCancellation(const CancelToken& cancel)
      : registration(cancel.onCancel([source = source]() mutable { source.cancel(); })) {}
  pplx::cancellation_token_source source;
  CancelRegistration registration;
};

class CpprestLineReader : public LineReader {
 public:
  CpprestLineReader(std::shared_ptr<httpclient::http_client> client, std::unique_ptr<RequestCancellation> cancellation,
                    http::http_response response, FailureMapper failures)
      : client_(std::move(client)),
        cancellation_(std::move(cancellation)),
        response_(std::move(response)),
        body_(response_.body()),
        failures_(std::move(failures)) {}

  ~CpprestLineReader() override {
    // Closing our end aborts the transfer; without this a long watch would keep streaming into a dead buffer.
    cancellation_->source.cancel();
  }

  Result<std::optional<std::string>> readLine() override {
    const auto token = cancellation_->source.get_token();
    if (token.is_canceled()) return failures_.map(std::make_exception_ptr(pplx::task_canceled()), token);
    try {
      // Blocking here is safe: readLine() runs on the caller's thread, never inside a cpprest continuation.
      while (true) {
        if (auto line = takeLine()) return line;
        if (fill()) continue;
        if (token.is_canceled()) return failures_.map(std::make_exception_ptr(pplx::task_canceled()), token);
        // A connection lost mid-body closes the buffer with the error: that is not a clean end of the stream.
        if (auto error = body_.streambuf().exception()) std::rethrow_exception(error);
        if (consumed_ < pending_.size()) {  // a last line without "\n"
          std::string last = pending_.substr(consumed_);
          pending_.clear();
          consumed_ = scanned_ = 0;
          return std::optional<std::string>(std::move(last));
        }
        return std::optional<std::string>();
      }
    } catch (...) {
      return failures_.map(std::current_exception(), token);
    }
  }

 private:
  // Reading in chunks instead of cpprest's read_line(), which costs a task continuation per byte: on a watch of
  // thousands of objects that was a tenth of the operator's CPU (bench/operator_scale.sh at 1,000, perf).
  static constexpr std::size_t kChunkBytes = 64 * 1024;

  // The next complete line of what was read (without "\n" or "\r\n"), or nullopt when none is complete yet.
  std::optional<std::string> takeLine() {
    const auto newline = pending_.find('\n', scanned_);
    if (newline == std::string::npos) {
      scanned_ = pending_.size();
      return std::nullopt;
    }
    std::size_t end = newline;
    if (end > consumed_ && pending_[end - 1] == '\r') --end;
    std::string line = pending_.substr(consumed_, end - consumed_);
    consumed_ = scanned_ = newline + 1;
    return line;
  }

  // Appends what the body has to `pending_`: waits for one byte, then takes whatever else has already arrived
  // without waiting for more, so a line is returned as soon as its "\n" is here. False at the end of the body.
  bool fill() {
    if (consumed_ > 0) {  // drop the lines already returned, once per chunk rather than once per line
      pending_.erase(0, consumed_);
      scanned_ -= consumed_;
      consumed_ = 0;
    }
    // A very long line (a ConfigMap of megabytes) must not keep its buffer for the life of the watch.
    if (pending_.empty() && pending_.capacity() > 4 * kChunkBytes) std::string().swap(pending_);
    auto buffer = body_.streambuf();
    std::uint8_t first = 0;
    if (buffer.getn(&first, 1).get() == 0) return false;
    pending_.push_back(static_cast<char>(first));
    const std::size_t available = std::min(buffer.in_avail(), kChunkBytes);
    if (available == 0) return true;
    const std::size_t before = pending_.size();
    pending_.resize(before + available);
    const std::size_t read = buffer.getn(reinterpret_cast<std::uint8_t*>(pending_.data() + before), available).get();
    pending_.resize(before + read);
    return true;
  }

  std::shared_ptr<httpclient::http_client> client_;  // must outlive the transfer
  std::unique_ptr<RequestCancellation> cancellation_;
  http::http_response response_;
  concurrency::streams::istream body_;
  FailureMapper failures_;
  std::string pending_;       // read from the body, not yet returned from `consumed_` on
  std::size_t consumed_ = 0;  // bytes of pending_ already returned as lines
  std::size_t scanned_ = 0;   // pending_ holds no "\n" in [consumed_, scanned_)
};

class CpprestHttpClient : public HttpClient {
 public:
  CpprestHttpClient(std::string server, TlsMaterial tls) : server_(std::move(server)), tls_(std::move(tls)) {}

  Result<HttpResponse> send(const HttpRequest& request, const CancelToken& cancel) override {
    const HttpRequest effective = withDefaults(request);
    FailureMapper failures(server_, effective, diagnostics_);
    RequestCancellation cancellation(cancel);
    const auto token = cancellation.source.get_token();
    try {
      auto client = pooledClient(effective.timeout);
      http::http_response response = client->request(toCpprest(effective), token).get();
      std::string body = response.extract_utf8string(/*ignore_content_type=*/true).get();
      return HttpResponse{response.status_code(), fromCpprest(response.headers()), std::move(body)};
    } catch (...) {
      return failures.map(std::current_exception(), token);
    }
  }

  Result<HttpStreamResponse> stream(const HttpRequest& request, const CancelToken& cancel) override {
    const HttpRequest effective = withDefaults(request);
    FailureMapper failures(server_, effective, diagnostics_);
    auto cancellation = std::make_unique<RequestCancellation>(cancel);
    const auto token = cancellation->source.get_token();
    try {
      // A stream holds its connection for minutes: it gets a client of its own instead of a pooled one.
      auto client = newClient(effective.timeout);
      http::http_response response = client->request(toCpprest(effective), token).get();
      HttpStreamResponse out{response.status_code(), fromCpprest(response.headers()), nullptr};
      out.body = std::make_unique<CpprestLineReader>(std::move(client), std::move(cancellation), std::move(response),
                                                     std::move(failures));
      return out;
    } catch (...) {
      return failures.map(std::current_exception(), token);
    }
  }

 private:
  static constexpr std::chrono::seconds kDefaultTimeout{30};

  static HttpRequest withDefaults(const HttpRequest& request) {
    HttpRequest out = request;
    if (out.timeout.count() <= 0) out.timeout = kDefaultTimeout;
    return out;
  }

  std::shared_ptr<httpclient::http_client> newClient(std::chrono::milliseconds timeout) const {
    httpclient::http_client_config config;
    config.set_timeout(timeout);
    config.set_validate_certificates(!tls_.insecureSkipVerify);
    config.set_ssl_context_callback([tls = tls_, diagnostics = diagnostics_](boost::asio::ssl::context& ctx) {
      configureSsl(tls, diagnostics.get(), ctx);
    });
    return std::make_shared<httpclient::http_client>(web::uri(server_), config);
  }

  // cpprest fixes the timeout per client, so requests share one client (and its keep-alive pool) per timeout.
  std::shared_ptr<httpclient::http_client> pooledClient(std::chrono::milliseconds timeout) {
    std::lock_guard lock(mutex_);
    auto& client = pooled_[timeout.count()];
    if (!client) client = newClient(timeout);
    return client;
  }

  const std::string server_;
  const TlsMaterial tls_;
  // Shared with every TLS context this client creates (their callbacks may outlive a request).
  const std::shared_ptr<VerifyDiagnostics> diagnostics_ = std::make_shared<VerifyDiagnostics>();
  std::mutex mutex_;
  std::map<std::chrono::milliseconds::rep, std::shared_ptr<httpclient::http_client>> pooled_;
};

// cpprestsdk runs the I/O and continuations of every client on one shared pool, 40 threads by default. On the few
// cores an operator gets, that many threads mostly hand work to each other: at 1,000 Microservices ~40 % of the
// operator's samples were in the pool, a fifth of them in thread switches. Four threads cut the operator's CPU while
// converging from 10.6–11.1 s to 7.5–8.0 s (docs/performance.md, round four). Nothing blocks on a pool thread (every
// .get() in this file runs on the caller's own thread), so a small pool cannot starve itself.
constexpr std::size_t kHttpThreads = 4;

void sizeThreadPoolOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    try {
      crossplat::threadpool::initialize_with_threads(kHttpThreads);
    } catch (const std::exception&) {
      // The pool already exists (something used cpprestsdk first): keep it.
    }
  });
}

}  // namespace

Result<std::shared_ptr<HttpClient>> makeCpprestHttpClient(const RestConfig& config) {
  sizeThreadPoolOnce();
  try {
    web::uri uri(config.server);
    if (uri.scheme() != "https" && uri.scheme() != "http") {
      return configError("server " + config.server + ": the scheme must be https or http");
    }
  } catch (const std::exception& e) {
    return configError("server " + config.server + ": not a valid URL (" + e.what() + ")");
  }
  TlsMaterial tls{config.caPem, config.clientCertPem, config.clientKeyPem, config.insecureSkipTlsVerify};
  if (auto checked = checkTlsMaterial(tls); !checked) {
    Error e = checked.error();
    e.message = config.source.empty() ? e.message : config.source + ": " + e.message;
    return e;
  }
  return std::shared_ptr<HttpClient>(std::make_shared<CpprestHttpClient>(config.server, std::move(tls)));
}

}  // namespace flotilla::kube
