#pragma once
// Decoding of Kubernetes protobuf request bodies (`Content-Type: application/vnd.kubernetes.protobuf`), which
// kubectl's typed generators send (`kubectl create configmap|deployment|namespace|secret|service|serviceaccount`,
// `kubectl run`): the magic "k8s\0", then a runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind}, 2 raw object,
// 3 contentEncoding, 4 contentType}, the object being the kind's k8s.io/api message.
//
// Only the messages and fields those commands send are known; other field numbers are skipped by wire type. As in
// Kubernetes' JSON, zero values of non-pointer fields (which protobuf carries anyway) are left out.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace flotilla::apiserver {

struct ProtobufDecodeResult {
  nlohmann::json object;  // the object as JSON, apiVersion and kind from the envelope (null when !ok())
  std::string error;
  bool ok() const { return error.empty(); }
};

ProtobufDecodeResult decodeKubernetesProtobuf(std::string_view body);

// True for the kinds decodeKubernetesProtobuf understands ("ConfigMap", "Deployment", ...).
bool protobufKindSupported(std::string_view kind);

}  // namespace flotilla::apiserver
