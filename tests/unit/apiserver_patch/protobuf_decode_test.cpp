#include "apiserver/protobuf_decode.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace flotilla::apiserver {
namespace {

using nlohmann::json;

// A minimal protobuf writer for building request fixtures the way kubectl's gogo-protobuf encoder lays them out
// (zero values included).
class Message {
 public:
  Message& varint(int number, std::uint64_t value) {
    key(number, 0);
    raw(value);
    return *this;
  }
  Message& bytes(int number, std::string_view value) {
    key(number, 2);
    raw(value.size());
    out_.append(value);
    return *this;
  }
  Message& message(int number, const Message& value) { return bytes(number, value.out_); }
  Message& mapEntry(int number, std::string_view k, std::string_view v) {
    return message(number, Message().bytes(1, k).bytes(2, v));
  }
  Message& fixed32(int number) {
    key(number, 5);
    out_.append(4, '\x07');
    return *this;
  }
  Message& fixed64(int number) {
    key(number, 1);
    out_.append(8, '\x09');
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  void key(int number, int wireType) { raw((static_cast<std::uint64_t>(number) << 3) | wireType); }
  void raw(std::uint64_t value) {
    do {
      char byte = static_cast<char>(value & 0x7f);
      value >>= 7;
      out_.push_back(value ? static_cast<char>(byte | 0x80) : byte);
    } while (value);
  }
  std::string out_;
};

std::string envelope(const char* apiVersion, const char* kind, const Message& object) {
  Message unknown;
  unknown.message(1, Message().bytes(1, apiVersion).bytes(2, kind)).message(2, object).bytes(3, "").bytes(4, "");
  return std::string("k8s\0", 4) + unknown.str();
}

std::string fromHex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

TEST(ProtobufDecode, ConfigMapFromKubectlCreate) {
  Message meta;
  meta.bytes(1, "app-config").bytes(2, "").bytes(3, "team").varint(7, 0).mapEntry(11, "app", "shop");
  Message configMap;
  configMap.message(1, meta)
      .mapEntry(2, "key", "value")
      .mapEntry(2, "other", "x")
      .mapEntry(3, "bin", std::string("\x00\x01\xff", 3))
      .varint(99, 5)  // a field this decoder does not know
      .fixed32(98)
      .fixed64(97);
  ProtobufDecodeResult result = decodeKubernetesProtobuf(envelope("v1", "ConfigMap", configMap));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.object, json::parse(R"({"apiVersion":"v1","kind":"ConfigMap",
      "metadata":{"name":"app-config","namespace":"team","labels":{"app":"shop"}},
      "data":{"key":"value","other":"x"},"binaryData":{"bin":"AAH/"}})"));
}

TEST(ProtobufDecode, NamespaceFromHandWrittenBytes) {
  // k8s\0 + Unknown{typeMeta{v1, Namespace}, raw Namespace{metadata{name team-a, creationTimestamp{},
  // labels{team: a}}, spec{}, status{}}, contentEncoding "", contentType ""}.
  std::string body = fromHex(
      "6b3873000a0f0a02763112094e616d657370616365121b0a150a067465616d2d6142005a090a047465616d12016112001a001a002200");
  ProtobufDecodeResult result = decodeKubernetesProtobuf(body);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.object, json::parse(R"({"apiVersion":"v1","kind":"Namespace",
      "metadata":{"name":"team-a","labels":{"team":"a"}}})"));
}

TEST(ProtobufDecode, DeploymentFromKubectlCreate) {
  // `kubectl create deployment web --image=nginx:1.27 --replicas=2 --port=80 -- sleep 3600`.
  Message meta;
  meta.bytes(1, "web").bytes(2, "").bytes(3, "").message(8, Message()).mapEntry(11, "app", "web");
  Message container;
  container.bytes(1, "nginx")
      .bytes(2, "nginx:1.27")
      .bytes(3, "sleep")
      .bytes(3, "3600")
      .bytes(5, "")
      .message(6, Message().bytes(1, "").varint(2, 0).varint(3, 80).bytes(4, "").bytes(5, ""))
      .message(8, Message())
      .bytes(13, "")
      .bytes(14, "")
      .varint(16, 0);
  Message podSpec;
  podSpec.message(2, container).bytes(3, "").bytes(6, "");
  Message templateMeta;
  templateMeta.bytes(1, "").message(8, Message()).mapEntry(11, "app", "web");
  Message spec;
  spec.varint(1, 2)
      .message(2, Message().mapEntry(1, "app", "web"))
      .message(3, Message().message(1, templateMeta).message(2, podSpec))
      .message(4, Message().bytes(1, ""))
      .varint(5, 0);
  Message deployment;
  deployment.message(1, meta).message(2, spec).message(3, Message().varint(1, 0));

  ProtobufDecodeResult result = decodeKubernetesProtobuf(envelope("apps/v1", "Deployment", deployment));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.object, json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
      "metadata":{"name":"web","labels":{"app":"web"}},
      "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
        "template":{"metadata":{"labels":{"app":"web"}},
          "spec":{"containers":[{"name":"nginx","image":"nginx:1.27","command":["sleep","3600"],
                                 "ports":[{"containerPort":80}]}]}}}})"));
}

TEST(ProtobufDecode, ZeroReplicasIsKept) {
  Message spec;
  spec.varint(1, 0);
  Message deployment;
  deployment.message(1, Message().bytes(1, "zero")).message(2, spec);
  ProtobufDecodeResult result = decodeKubernetesProtobuf(envelope("apps/v1", "Deployment", deployment));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.object["spec"], json::parse(R"({"replicas":0})"));
}

TEST(ProtobufDecode, SecretAndServiceFromKubectlCreate) {
  Message secret;
  secret.message(1, Message().bytes(1, "creds")).mapEntry(2, "password", "hunter2").bytes(3, "Opaque");
  ProtobufDecodeResult decodedSecret = decodeKubernetesProtobuf(envelope("v1", "Secret", secret));
  ASSERT_TRUE(decodedSecret.ok()) << decodedSecret.error;
  EXPECT_EQ(decodedSecret.object["data"], json::parse(R"({"password":"aHVudGVyMg=="})"));
  EXPECT_EQ(decodedSecret.object["type"], "Opaque");

  Message port;
  port.bytes(1, "80-8080").bytes(2, "TCP").varint(3, 80).message(4, Message().varint(1, 0).varint(2, 8080));
  Message named;
  named.varint(3, 443).message(4, Message().varint(1, 1).bytes(3, "https"));
  Message service;
  service.message(1, Message().bytes(1, "web"))
      .message(2, Message().message(1, port).message(1, named).mapEntry(2, "app", "web").bytes(4, "ClusterIP"));
  ProtobufDecodeResult decodedService = decodeKubernetesProtobuf(envelope("v1", "Service", service));
  ASSERT_TRUE(decodedService.ok()) << decodedService.error;
  EXPECT_EQ(decodedService.object["spec"], json::parse(R"({"ports":[
      {"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080},{"port":443,"targetPort":"https"}],
      "selector":{"app":"web"},"type":"ClusterIP"})"));
}

TEST(ProtobufDecode, GarbageIsAnErrorNotACrash) {
  EXPECT_FALSE(decodeKubernetesProtobuf("").ok());
  EXPECT_FALSE(decodeKubernetesProtobuf("{\"kind\":\"ConfigMap\"}").ok());
  EXPECT_FALSE(decodeKubernetesProtobuf(std::string("k8s\0\xff\xff\xff", 7)).ok());  // truncated varint
  EXPECT_FALSE(decodeKubernetesProtobuf(std::string("k8s\0\x0a\x7f\x01", 7)).ok());  // length past the end
  EXPECT_FALSE(decodeKubernetesProtobuf(std::string("k8s\0\x0b", 5)).ok());          // wire type 3 (groups)

  std::string truncated = envelope("v1", "ConfigMap", Message().message(1, Message().bytes(1, "x")));
  truncated.pop_back();
  EXPECT_FALSE(decodeKubernetesProtobuf(truncated).ok());

  ProtobufDecodeResult unsupported = decodeKubernetesProtobuf(envelope("batch/v1", "Job", Message()));
  EXPECT_FALSE(unsupported.ok());
  EXPECT_NE(unsupported.error.find("Job"), std::string::npos);

  // A known field carrying the wrong wire type.
  EXPECT_FALSE(decodeKubernetesProtobuf(envelope("v1", "ConfigMap", Message().varint(1, 3))).ok());
  EXPECT_TRUE(protobufKindSupported("Deployment"));
  EXPECT_FALSE(protobufKindSupported("Job"));
}

}  // namespace
}  // namespace flotilla::apiserver
