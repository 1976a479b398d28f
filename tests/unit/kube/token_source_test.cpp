#include "kube/token_source.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "temp_dir.h"

namespace flotilla::kube {
namespace {

using testing::TempDir;

TEST(FileTokenSource, RereadsAfterRefreshInterval) {
  TempDir dir;
  const auto path = dir.write("token", "first-token\n");
  auto clock = std::make_shared<FakeClock>();
  FileTokenSource source(path, std::chrono::seconds(60), clock);
  EXPECT_EQ(source.token().value(), "first-token");

  dir.write("token", "second-token");
  clock->advance(std::chrono::seconds(59));
  EXPECT_EQ(source.token().value(), "first-token");  // cached within the interval
  clock->advance(std::chrono::seconds(2));
  EXPECT_EQ(source.token().value(), "second-token");
}

TEST(FileTokenSource, InvalidateForcesImmediateReread) {
  TempDir dir;
  const auto path = dir.write("token", "old");
  auto clock = std::make_shared<FakeClock>();
  FileTokenSource source(path, std::chrono::seconds(60), clock);
  EXPECT_EQ(source.token().value(), "old");
  dir.write("token", "new");
  source.invalidate();
  EXPECT_EQ(source.token().value(), "new");
}

TEST(FileTokenSource, KeepsLastGoodTokenWhenFileDisappears) {
  TempDir dir;
  const auto path = dir.write("token", "good");
  auto clock = std::make_shared<FakeClock>();
  FileTokenSource source(path, std::chrono::seconds(60), clock);
  EXPECT_EQ(source.token().value(), "good");
  std::filesystem::remove(path);
  clock->advance(std::chrono::minutes(5));
  spdlog::set_level(spdlog::level::off);  // the expected "keeping the previous token" warning
  EXPECT_EQ(source.token().value(), "good");
  spdlog::set_level(spdlog::level::info);
}

TEST(FileTokenSource, MissingOrEmptyFileIsConfigError) {
  TempDir dir;
  FileTokenSource missing((dir.path() / "absent").string());
  auto r = missing.token();
  ASSERT_TRUE(r.is(ErrorKind::Config));
  EXPECT_NE(r.error().message.find("absent: cannot be read"), std::string::npos) << r.error().message;

  FileTokenSource empty(dir.write("empty", "  \n"));
  EXPECT_TRUE(empty.token().is(ErrorKind::Config));
}

TEST(StaticTokenSource, AlwaysSameToken) {
  auto source = staticTokenSource("abc");
  EXPECT_EQ(source->token().value(), "abc");
  source->invalidate();
  EXPECT_EQ(source->token().value(), "abc");
}

}  // namespace
}  // namespace flotilla::kube
