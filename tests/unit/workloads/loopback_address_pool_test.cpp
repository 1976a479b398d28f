#include "apiserver/loopback_address_pool.h"

#include <gtest/gtest.h>

#include "apiserver/echo_server.h"

namespace flotilla::apiserver {
namespace {

// A random /24 inside 127/8, so parallel tests don't share addresses.
std::string base() {
  std::string start = LoopbackAddressPool::randomFirstAddress();
  return start.substr(0, start.rfind('.') + 1);
}

TEST(LoopbackAddressPool, HandsOutLowestFreeAddressesAndReusesReleasedOnes) {
  std::string net = base();
  LoopbackAddressPool pool(net + "2");
  EXPECT_EQ(pool.allocate({}), net + "2");
  EXPECT_EQ(pool.allocate({}), net + "3");
  EXPECT_EQ(pool.allocate({}), net + "4");
  pool.release(net + "3");
  EXPECT_EQ(pool.allocate({}), net + "3");
}

TEST(LoopbackAddressPool, OnlyAddressesIn127Slash8AreLoopback) {
  EXPECT_TRUE(isLoopbackAddress("127.0.0.2"));
  EXPECT_TRUE(isLoopbackAddress("127.200.13.2"));
  EXPECT_FALSE(isLoopbackAddress("10.0.0.2"));
  EXPECT_FALSE(isLoopbackAddress("127.0.0"));
  EXPECT_FALSE(isLoopbackAddress("localhost"));
  EXPECT_FALSE(isLoopbackAddress(""));
  // The pool starts where it is told, and falls back to 127.0.0.2 for anything else.
  EXPECT_EQ(LoopbackAddressPool("127.9.8.7").allocate({}), "127.9.8.7");
  EXPECT_EQ(LoopbackAddressPool("10.0.0.2").allocate({}), "127.0.0.2");
}

TEST(LoopbackAddressPool, SkipsAddressesWhosePortIsTaken) {
  std::string net = base();
  EchoServerOptions options;
  options.host = net + "2";
  EchoServer squatter(options);
  ASSERT_FALSE(squatter.start().has_value());
  LoopbackAddressPool pool(net + "2");
  EXPECT_FALSE(LoopbackAddressPool::canBind(net + "2", squatter.port()));
  EXPECT_EQ(pool.allocate({squatter.port()}), net + "3");
  EXPECT_EQ(pool.allocate({}), net + "2");  // other ports are free there
}

TEST(LoopbackAddressPool, PrefersTheAddressAPodHadBefore) {
  std::string net = base();
  LoopbackAddressPool pool(net + "2");
  EXPECT_EQ(pool.allocate({8080}, net + "7"), net + "7");
  EXPECT_EQ(pool.allocate({8080}, net + "7"), net + "2");   // taken now
  EXPECT_EQ(pool.allocate({8080}, "10.0.0.1"), net + "3");  // not a pool address
}

}  // namespace
}  // namespace flotilla::apiserver
