// The cpprest transport against a real HTTP(S) server: the emulator's Beast server (src/apiserver/http_server.h)
// driven by scripted handlers, so each test controls timing (streams, stalls) and TLS material exactly.

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "apiserver/http_server.h"
#include "apiserver/tls_certificates.h"
#include "kube/connect.h"
#include "kube/cpprest_http_client.h"
#include "kube/well_known_resources.h"

namespace flotilla::kube {
namespace {

namespace as = flotilla::apiserver;
using namespace std::chrono_literals;

as::CertificateBundle makeBundle() {
  std::string error;
  auto bundle = as::generateCertificates({"127.0.0.1", "localhost"}, error);
  EXPECT_TRUE(bundle.has_value()) << error;
  return bundle.value_or(as::CertificateBundle{});
}

// One scripted server per test.
class ScriptedServer {
 public:
  using Handler = std::function<void(as::HttpRequest&, as::Responder&)>;
  explicit ScriptedServer(Handler handler, std::optional<as::CertificateBundle> tls = std::nullopt)
      : server_(as::HttpServerOptions{"127.0.0.1", 0, std::move(tls)}, std::move(handler)) {
    auto error = server_.start();
    EXPECT_FALSE(error.has_value()) << *error;
  }
  std::string url(bool tls = false) const {
    return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(server_.port());
  }
  void stop() { server_.stop(); }

 private:
  as::HttpServer server_;
};

std::shared_ptr<HttpClient> transportFor(const RestConfig& config) {
  auto http = makeHttpClient(config);
  EXPECT_TRUE(http.ok()) << http.error().toString();
  return http.ok() ? *http : nullptr;
}

RestConfig plainConfig(const std::string& server) {
  RestConfig config;
  config.server = server;
  return config;
}

kube::HttpRequest get(const std::string& path) {
  kube::HttpRequest request;
  request.pathAndQuery = path;
  return request;
}

void sendJson(as::Responder& responder, int status, std::string body, as::HeaderList headers = {}) {
  as::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  responder.send(response);
}

TEST(Transport, SendsMethodPathHeadersAndBody) {
  std::mutex mutex;
  as::HttpRequest seen;
  ScriptedServer server([&](as::HttpRequest& request, as::Responder& responder) {
    {
      std::lock_guard lock(mutex);
      seen = request;
    }
    sendJson(responder, 201, R"({"ok":true})", {{"X-Reply", "yes"}});
  });
  auto http = transportFor(plainConfig(server.url()));
  kube::HttpRequest request;
  request.method = "PATCH";
  request.pathAndQuery = "/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=flotilla&force=true";
  request.headers.set("Content-Type", "application/apply-patch+yaml");
  request.headers.set("User-Agent", "flotilla/test (operator)");
  request.body = R"({"kind":"Deployment"})";
  auto response = http->send(request, {});
  ASSERT_TRUE(response.ok()) << response.error().toString();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"({"ok":true})");
  EXPECT_EQ(response->headers.get("x-reply"), "yes");
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen.method, "PATCH");
  EXPECT_EQ(seen.target, request.pathAndQuery);
  EXPECT_EQ(seen.header("Content-Type"), "application/apply-patch+yaml");
  EXPECT_EQ(seen.header("User-Agent"), "flotilla/test (operator)");
  EXPECT_EQ(seen.body, R"({"kind":"Deployment"})");
}

TEST(Transport, TlsWithTheRightCaSucceeds) {
  auto bundle = makeBundle();
  ScriptedServer server([](as::HttpRequest&, as::Responder& r) { sendJson(r, 200, "{}"); }, bundle);
  RestConfig config = plainConfig(server.url(true));
  config.caPem = bundle.caCertPem;
  auto response = transportFor(config)->send(get("/version"), {});
  ASSERT_TRUE(response.ok()) << response.error().toString();
  EXPECT_EQ(response->status, 200);
}

TEST(Transport, TlsWithAWrongCaFailsClearly) {
  auto bundle = makeBundle();
  auto other = makeBundle();
  ScriptedServer server([](as::HttpRequest&, as::Responder& r) { sendJson(r, 200, "{}"); }, bundle);
  RestConfig config = plainConfig(server.url(true));
  config.caPem = other.caCertPem;
  auto response = transportFor(config)->send(get("/version"), {});
  ASSERT_TRUE(response.is(ErrorKind::Transport));
  const std::string& message = response.error().message;
  EXPECT_NE(message.find("TLS handshake failed"), std::string::npos) << message;
  EXPECT_NE(message.find("certificate verify failed"), std::string::npos) << message;
  EXPECT_NE(message.find(server.url(true)), std::string::npos) << message;
}

TEST(Transport, TlsWithoutCaFailsAndInsecureSkipsVerification) {
  auto bundle = makeBundle();
  ScriptedServer server([](as::HttpRequest&, as::Responder& r) { sendJson(r, 200, "{}"); }, bundle);
  RestConfig config = plainConfig(server.url(true));
  EXPECT_TRUE(transportFor(config)->send(get("/version"), {}).is(ErrorKind::Transport));  // system roots only
  config.insecureSkipTlsVerify = true;
  auto response = transportFor(config)->send(get("/version"), {});
  ASSERT_TRUE(response.ok()) << response.error().toString();
}

TEST(Transport, PresentsClientCertificate) {
  auto bundle = makeBundle();
  std::mutex mutex;
  std::string commonName;
  ScriptedServer server(
      [&](as::HttpRequest& request, as::Responder& r) {
        std::lock_guard lock(mutex);
        commonName = request.clientCertCommonName;
        sendJson(r, 200, "{}");
      },
      bundle);
  RestConfig config = plainConfig(server.url(true));
  config.caPem = bundle.caCertPem;
  config.clientCertPem = bundle.clientCertPem;
  config.clientKeyPem = bundle.clientKeyPem;
  ASSERT_TRUE(transportFor(config)->send(get("/version"), {}).ok());
  std::lock_guard lock(mutex);
  EXPECT_EQ(commonName, "flotilla-admin");
}

TEST(Transport, UnusableTlsMaterialIsAConfigError) {
  auto bundle = makeBundle();
  auto other = makeBundle();
  RestConfig config = plainConfig("https://127.0.0.1:1");
  config.source = "kubeconfig /x/config, context \"c\"";
  config.clientCertPem = bundle.clientCertPem;
  config.clientKeyPem = other.clientKeyPem;
  auto mismatch = makeCpprestHttpClient(config);
  ASSERT_TRUE(mismatch.is(ErrorKind::Config));
  EXPECT_EQ(mismatch.error().message,
            "kubeconfig /x/config, context \"c\": client key: does not match the client certificate");

  config.clientCertPem.clear();
  config.clientKeyPem.clear();
  config.caPem = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n";
  auto badCa = makeCpprestHttpClient(config);
  ASSERT_TRUE(badCa.is(ErrorKind::Config));
  EXPECT_NE(badCa.error().message.find("certificate authority: cannot be loaded"), std::string::npos);
}

TEST(Transport, ConnectionRefusedIsNotSent) {
  std::string url;
  {
    ScriptedServer server([](as::HttpRequest&, as::Responder& r) { sendJson(r, 200, "{}"); });
    url = server.url();
  }
  auto response = transportFor(plainConfig(url))->send(get("/version"), {});
  ASSERT_TRUE(response.is(ErrorKind::Transport));
  EXPECT_TRUE(response.error().notSent) << response.error().toString();
}

TEST(Transport, InactivityTimeout) {
  std::promise<void> release;
  auto released = release.get_future().share();
  ScriptedServer server([released](as::HttpRequest&, as::Responder& r) {
    released.wait_for(10s);
    sendJson(r, 200, "{}");
  });
  auto request = get("/slow");
  request.timeout = 300ms;
  auto response = transportFor(plainConfig(server.url()))->send(request, {});
  release.set_value();
  ASSERT_TRUE(response.is(ErrorKind::Timeout)) << (response.ok() ? "ok" : response.error().toString());
}

TEST(Transport, CancelAbortsAPendingRequest) {
  std::promise<void> release;
  auto released = release.get_future().share();
  ScriptedServer server([released](as::HttpRequest&, as::Responder& r) {
    released.wait_for(10s);
    sendJson(r, 200, "{}");
  });
  auto http = transportFor(plainConfig(server.url()));
  CancelSource cancel;
  auto pending = std::async(std::launch::async, [&] { return http->send(get("/slow"), cancel.token()); });
  std::this_thread::sleep_for(100ms);
  cancel.cancel();
  ASSERT_EQ(pending.wait_for(5s), std::future_status::ready) << "cancel did not unblock send()";
  EXPECT_TRUE(pending.get().is(ErrorKind::Cancelled));
  release.set_value();
}

// A server that streams lines on request and reports when the client went away.
struct LineFeeder {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> queued;
  bool finish = false;
  std::atomic<bool> clientGone{false};

  void push(std::string line) {
    std::lock_guard lock(mutex);
    queued.push_back(std::move(line));
    changed.notify_all();
  }
  void end() {
    std::lock_guard lock(mutex);
    finish = true;
    changed.notify_all();
  }
  void serve(as::Responder& responder) {
    auto* stream = responder.startStream(200, "application/json", {});
    if (stream == nullptr) return;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      std::unique_lock lock(mutex);
      changed.wait_for(lock, 20ms, [&] { return !queued.empty() || finish; });
      for (auto& line : queued) {
        if (!stream->write(line + "\n")) {
          clientGone = true;
          return;
        }
      }
      queued.clear();
      if (finish) return;
      lock.unlock();
      if (stream->clientGone() || !stream->write("")) {
        clientGone = true;
        return;
      }
    }
  }
};

TEST(Transport, StreamsLinesAsTheyArrive) {
  LineFeeder feeder;
  ScriptedServer server([&](as::HttpRequest&, as::Responder& r) { feeder.serve(r); });
  auto http = transportFor(plainConfig(server.url()));
  feeder.push("first");
  auto stream = http->stream(get("/watch"), {});
  ASSERT_TRUE(stream.ok()) << stream.error().toString();
  EXPECT_EQ(stream->status, 200);
  // The second line is only produced after the first was read: the body cannot have been buffered whole.
  auto first = stream->body->readLine();
  ASSERT_TRUE(first.ok()) << first.error().toString();
  EXPECT_EQ(**first, "first");
  feeder.push(R"({"type":"ADDED"})");
  auto second = stream->body->readLine();
  ASSERT_TRUE(second.ok()) << second.error().toString();
  EXPECT_EQ(**second, R"({"type":"ADDED"})");
  feeder.end();
  auto end = stream->body->readLine();
  ASSERT_TRUE(end.ok()) << end.error().toString();
  EXPECT_FALSE(end->has_value());
}

// The reader buffers the body in chunks: several lines arriving in one write still come back one at a time, in order.
TEST(Transport, SplitsLinesThatArriveTogether) {
  LineFeeder feeder;
  ScriptedServer server([&](as::HttpRequest&, as::Responder& r) { feeder.serve(r); });
  auto http = transportFor(plainConfig(server.url()));
  feeder.push("a\nbb\n\nccc");  // one write: "a", "bb", "", "ccc"
  auto stream = http->stream(get("/watch"), {});
  ASSERT_TRUE(stream.ok()) << stream.error().toString();
  for (const char* expected : {"a", "bb", "", "ccc"}) {
    auto line = stream->body->readLine();
    ASSERT_TRUE(line.ok()) << line.error().toString();
    ASSERT_TRUE(line->has_value()) << "ended before " << expected;
    EXPECT_EQ(**line, expected);
  }
  // A line longer than a read chunk (64 KiB) is returned whole.
  const std::string longLine(200 * 1024, 'x');
  feeder.push(longLine);
  auto big = stream->body->readLine();
  ASSERT_TRUE(big.ok()) << big.error().toString();
  ASSERT_TRUE(big->has_value());
  EXPECT_EQ(**big, longLine);
  feeder.end();
  auto end = stream->body->readLine();
  ASSERT_TRUE(end.ok()) << end.error().toString();
  EXPECT_FALSE(end->has_value());
}

// "\r\n" ends a line like "\n", and a last line without a newline is still returned before the end.
TEST(Transport, StreamLinesEndWithCrLfOrAtTheEndOfTheBody) {
  ScriptedServer server([](as::HttpRequest&, as::Responder& r) { sendJson(r, 200, "one\r\ntwo\nthree"); });
  auto http = transportFor(plainConfig(server.url()));
  auto stream = http->stream(get("/watch"), {});
  ASSERT_TRUE(stream.ok()) << stream.error().toString();
  for (const char* expected : {"one", "two", "three"}) {
    auto line = stream->body->readLine();
    ASSERT_TRUE(line.ok()) << line.error().toString();
    ASSERT_TRUE(line->has_value()) << "ended before " << expected;
    EXPECT_EQ(**line, expected);
  }
  auto end = stream->body->readLine();
  ASSERT_TRUE(end.ok()) << end.error().toString();
  EXPECT_FALSE(end->has_value());
}

TEST(Transport, CancelUnblocksAStreamRead) {
  LineFeeder feeder;
  ScriptedServer server([&](as::HttpRequest&, as::Responder& r) { feeder.serve(r); });
  auto http = transportFor(plainConfig(server.url()));
  CancelSource cancel;
  feeder.push("one");
  auto stream = http->stream(get("/watch"), cancel.token());
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE(stream->body->readLine().ok());
  auto blocked = std::async(std::launch::async, [&] { return stream->body->readLine(); });
  std::this_thread::sleep_for(100ms);
  cancel.cancel();
  ASSERT_EQ(blocked.wait_for(5s), std::future_status::ready) << "cancel did not unblock readLine()";
  EXPECT_TRUE(blocked.get().is(ErrorKind::Cancelled));
  for (int i = 0; i < 500 && !feeder.clientGone; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(feeder.clientGone) << "the server still streams to a cancelled client";
}

TEST(Transport, DroppingAStreamClosesTheConnection) {
  LineFeeder feeder;
  ScriptedServer server([&](as::HttpRequest&, as::Responder& r) { feeder.serve(r); });
  auto http = transportFor(plainConfig(server.url()));
  feeder.push("one");
  {
    auto stream = http->stream(get("/watch"), {});
    ASSERT_TRUE(stream.ok());
    ASSERT_TRUE(stream->body->readLine().ok());
  }
  for (int i = 0; i < 500 && !feeder.clientGone; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(feeder.clientGone);
}

TEST(Transport, ServerVanishingMidStreamIsAnErrorNotACleanEnd) {
  LineFeeder feeder;
  ScriptedServer server([&](as::HttpRequest&, as::Responder& r) { feeder.serve(r); });
  auto http = transportFor(plainConfig(server.url()));
  feeder.push("one");
  auto stream = http->stream(get("/watch"), {});
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE(stream->body->readLine().ok());
  auto blocked = std::async(std::launch::async, [&] { return stream->body->readLine(); });
  std::this_thread::sleep_for(50ms);
  server.stop();  // closes the connection without the final chunk
  ASSERT_EQ(blocked.wait_for(5s), std::future_status::ready);
  auto result = blocked.get();
  EXPECT_TRUE(result.is(ErrorKind::Transport)) << (result.ok() ? "clean end" : result.error().toString());
}

TEST(Transport, ClientWatchOverRealStream) {
  LineFeeder feeder;
  std::mutex mutex;
  std::string target;
  ScriptedServer server([&](as::HttpRequest& request, as::Responder& r) {
    {
      std::lock_guard lock(mutex);
      target = request.target;
    }
    feeder.serve(r);
  });
  auto client = connect(plainConfig(server.url()));
  ASSERT_TRUE(client.ok()) << client.error().toString();
  feeder.push(R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"}}})");
  feeder.push(
      R"({"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"9"}}})");
  feeder.end();
  WatchOptions options;
  options.resourceVersion = "4";
  options.timeoutSeconds = 60;
  auto watch = (*client)->watch(resources::kConfigMaps, "shop", options);
  ASSERT_TRUE(watch.ok()) << watch.error().toString();
  auto added = (*watch)->next();
  ASSERT_TRUE(added.ok() && added->has_value());
  EXPECT_EQ((**added).type, WatchEventType::Added);
  EXPECT_EQ((**added).object["kind"], "ConfigMap");
  auto bookmark = (*watch)->next();
  ASSERT_TRUE(bookmark.ok() && bookmark->has_value());
  EXPECT_EQ((**bookmark).type, WatchEventType::Bookmark);
  auto end = (*watch)->next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
  std::lock_guard lock(mutex);
  EXPECT_EQ(
      target,
      "/api/v1/namespaces/shop/configmaps?watch=true&resourceVersion=4&allowWatchBookmarks=true&timeoutSeconds=60");
}

TEST(Transport, RotatedBearerTokenIsUsedAfter401) {
  std::atomic<int> requests{0};
  auto bundle = makeBundle();
  ScriptedServer server(
      [&](as::HttpRequest& request, as::Responder& r) {
        ++requests;
        if (request.header("Authorization") != "Bearer new-token") {
          sendJson(r, 401, R"({"kind":"Status","status":"Failure","reason":"Unauthorized","code":401})");
          return;
        }
        sendJson(r, 200, R"({"metadata":{"name":"cfg","namespace":"shop"}})");
      },
      bundle);
  std::string pattern = (std::filesystem::temp_directory_path() / "flotilla-token-XXXXXX").string();
  const int fd = ::mkstemp(pattern.data());
  ASSERT_GE(fd, 0);
  ::close(fd);
  const std::filesystem::path tokenPath = pattern;
  std::ofstream(tokenPath, std::ios::trunc) << "old-token";
  RestConfig config = plainConfig(server.url(true));
  config.caPem = bundle.caCertPem;
  auto tokens = std::make_shared<FileTokenSource>(tokenPath.string(), std::chrono::hours(1));
  config.token = tokens;
  auto client = connect(config);
  ASSERT_TRUE(client.ok()) << client.error().toString();
  EXPECT_TRUE((*client)->get(resources::kConfigMaps, "shop", "cfg").is(ErrorKind::Unauthorized));

  std::ofstream(tokenPath, std::ios::trunc) << "new-token";  // rotated; the cache would hold the old one for an hour
  auto object = (*client)->get(resources::kConfigMaps, "shop", "cfg");
  ASSERT_TRUE(object.ok()) << object.error().toString();
  EXPECT_EQ((*object)["metadata"]["name"], "cfg");
  EXPECT_EQ(requests.load(), 3);  // 401, then 401 + retry with the re-read token
  std::filesystem::remove(tokenPath);
}

TEST(Transport, TooManyRequestsRetryAfterIsHonoured) {
  std::atomic<int> requests{0};
  ScriptedServer server([&](as::HttpRequest&, as::Responder& r) {
    if (++requests == 1) {
      sendJson(r, 429, R"({"kind":"Status","status":"Failure","reason":"TooManyRequests","code":429})",
               {{"Retry-After", "1"}});
      return;
    }
    sendJson(r, 201, R"({"metadata":{"name":"cfg"}})");
  });
  auto client = connect(plainConfig(server.url()));
  ASSERT_TRUE(client.ok());
  const auto start = std::chrono::steady_clock::now();
  auto created = (*client)->create(resources::kConfigMaps, {{"metadata", {{"name", "cfg"}, {"namespace", "shop"}}}});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(created.ok()) << created.error().toString();
  EXPECT_EQ(requests.load(), 2);
  EXPECT_GE(elapsed, 950ms);  // slept the Retry-After before trying again
}

}  // namespace
}  // namespace flotilla::kube
