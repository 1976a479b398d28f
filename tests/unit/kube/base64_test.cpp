#include "kube/base64.h"

#include <gtest/gtest.h>

namespace flotilla::kube {
namespace {

TEST(Base64, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    EXPECT_EQ(base64Decode(base64Encode(bytes)), bytes) << i;
    bytes.push_back(static_cast<char>((i * 37) & 0xFF));
  }
}

TEST(Base64, KnownVectors) {
  EXPECT_EQ(base64Encode("f"), "Zg==");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
  EXPECT_EQ(base64Encode("foo"), "Zm9v");
  EXPECT_EQ(base64Decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(base64Decode("Zm9v\nYmFy\n"), "foobar");  // wrapped lines
}

TEST(Base64, RejectsMalformedInput) {
  for (const char* bad : {"Zm9", "Zm9v!", "Z===", "Zg=a", "Zg==Zm9v", "####"}) {
    EXPECT_FALSE(base64Decode(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace flotilla::kube
