#include "apiserver/echo_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "apiserver/http_call.h"

namespace flotilla::apiserver {
namespace {

using nlohmann::json;

class EchoServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EchoServerOptions options;
    options.service = "order-service";
    options.pod = "order-service-7d9f-abcde";
    server_ = std::make_unique<EchoServer>(options);
    auto error = server_->start();
    ASSERT_FALSE(error.has_value()) << *error;
    ASSERT_NE(server_->port(), 0);
  }

  HttpReply call(std::string target, std::string method = "GET", std::string body = "") {
    HttpCall request;
    request.port = server_->port();
    request.target = std::move(target);
    request.method = std::move(method);
    request.body = std::move(body);
    request.timeout = std::chrono::seconds(10);
    auto outcome = performHttpCall(request);
    EXPECT_TRUE(outcome.ok()) << outcome.error;
    return outcome.reply.value_or(HttpReply{});
  }

  std::unique_ptr<EchoServer> server_;
};

TEST_F(EchoServerTest, AnswersWithItsIdentityAndTheRequest) {
  auto reply = call("/api/orders/42");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers["x-served-by"], "order-service-7d9f-abcde");
  EXPECT_EQ(reply.headers["content-type"], "application/json");
  auto body = json::parse(reply.body);
  EXPECT_EQ(body["service"], "order-service");
  EXPECT_EQ(body["pod"], "order-service-7d9f-abcde");
  EXPECT_EQ(body["path"], "/api/orders/42");
  EXPECT_EQ(body["method"], "GET");
  EXPECT_EQ(body["headers"]["user-agent"], "flotilla");
  EXPECT_EQ(body["host"], "127.0.0.1:" + std::to_string(server_->port()));
}

TEST_F(EchoServerTest, FailAndHealthz) {
  EXPECT_EQ(call("/fail").status, 500);
  EXPECT_EQ(call("/fail?status=503").status, 503);
  EXPECT_EQ(call("/healthz").status, 200);
}

TEST_F(EchoServerTest, SlowWaitsAtLeastTheRequestedTime) {
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(call("/slow?ms=200").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(200));
}

TEST_F(EchoServerTest, ControlSwitchesFailureModeAtRunTime) {
  EXPECT_EQ(call("/control", "POST", R"({"failureRate":1,"failStatus":503,"healthy":false})").status, 200);
  EXPECT_EQ(call("/anything").status, 503);
  EXPECT_EQ(call("/healthz").status, 503);
  EXPECT_EQ(json::parse(call("/control").body)["failStatus"], 503);
  EXPECT_EQ(call("/control", "POST", R"({"failureRate":0,"healthy":true})").status, 200);
  EXPECT_EQ(call("/anything").status, 200);
  EXPECT_EQ(call("/healthz").status, 200);
}

TEST_F(EchoServerTest, KeepsConnectionsAlive) {
  namespace asio = boost::asio;
  namespace http = boost::beast::http;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  boost::beast::flat_buffer buffer;
  for (int i = 0; i < 3; ++i) {
    http::request<http::empty_body> request(http::verb::get, "/n/" + std::to_string(i), 11);
    request.set(http::field::host, "x");
    http::write(socket, request);
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    EXPECT_EQ(response.result_int(), 200u);
    EXPECT_TRUE(response.keep_alive());
    EXPECT_EQ(json::parse(response.body())["path"], "/n/" + std::to_string(i));
  }
}

TEST_F(EchoServerTest, StopLetsRequestsInFlightFinish) {
  auto slow = std::async(std::launch::async, [this] { return call("/slow?ms=300"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server_->stop(std::chrono::seconds(10));
  EXPECT_EQ(slow.get().status, 200);
  HttpCall after;
  after.port = server_->port();
  EXPECT_FALSE(performHttpCall(after).ok());
}

TEST(EchoServer, ReportsAddressInUse) {
  EchoServer first(EchoServerOptions{});
  ASSERT_FALSE(first.start().has_value());
  EchoServerOptions options;
  options.port = first.port();
  EchoServer second(options);
  auto error = second.start();
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("bind"), std::string::npos) << *error;
}

}  // namespace
}  // namespace flotilla::apiserver
