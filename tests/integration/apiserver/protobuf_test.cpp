// Protobuf request bodies as kubectl's typed generators send them (`kubectl create configmap`), answered in JSON.
#include "test_support.h"

namespace flotilla::apiserver::testing {
namespace {

std::string varint(std::uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
  return out;
}

// A length-delimited field.
std::string field(int number, const std::string& bytes) {
  return varint(static_cast<std::uint64_t>(number) << 3 | 2) + varint(bytes.size()) + bytes;
}

class ProtobufTest : public ApiServerTest {};

TEST_F(ProtobufTest, ConfigMapBodyIsDecodedAndAnsweredInJson) {
  std::string metadata = field(1, "from-proto") + field(11, field(1, "app") + field(2, "demo"));
  std::string configMap = field(1, metadata) + field(2, field(1, "key") + field(2, "value"));
  std::string typeMeta = field(1, "v1") + field(2, "ConfigMap");
  std::string body = std::string("k8s\0", 4) + field(1, typeMeta) + field(2, configMap) + field(3, "") + field(4, "");
  auto result = client_.request("POST", "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create", body,
                                {{"Content-Type", "application/vnd.kubernetes.protobuf"},
                                 {"Accept", "application/vnd.kubernetes.protobuf,application/json"}});
  ASSERT_EQ(result.status, 201) << result.body;
  EXPECT_EQ(result.header("Content-Type"), "application/json");
  json object = result.json();
  EXPECT_EQ(object["metadata"]["name"], "from-proto");
  EXPECT_EQ(object["metadata"]["labels"]["app"], "demo");
  EXPECT_EQ(object["data"]["key"], "value");
}

TEST_F(ProtobufTest, GarbageIsUnsupportedMediaType) {
  auto result = client_.request("POST", "/api/v1/namespaces/default/configmaps", "not protobuf",
                                {{"Content-Type", "application/vnd.kubernetes.protobuf"}});
  EXPECT_EQ(result.status, 415);
}

}  // namespace
}  // namespace flotilla::apiserver::testing
