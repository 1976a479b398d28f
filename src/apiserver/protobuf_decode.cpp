#include "apiserver/protobuf_decode.h"

#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <vector>

namespace flotilla::apiserver {

namespace {

using nlohmann::json;

constexpr std::string_view kMagic{"k8s\0", 4};

// ---- message descriptors: field numbers from k8s.io/api's generated.proto ----------------------------------------

enum class Kind {
  String,
  Int,  // int32/int64 varint
  Bool,
  StringMap,    // map<string, string>
  BytesMap,     // map<string, bytes>: values base64 in JSON
  QuantityMap,  // map<string, Quantity>
  Strings,      // repeated string
  Message,      // `message` names the descriptor
  Messages,     // repeated message
  Inline,       // an embedded struct whose fields appear in the parent's JSON (Probe.handler)
  IntOrString,
  Time,
};

struct Field {
  int number;
  const char* json;
  Kind kind;
  const char* message = nullptr;
  bool keepZero = false;  // pointer fields: 0, false and {} are meaningful
};

const std::map<std::string_view, std::vector<Field>>& messages() {
  static const std::map<std::string_view, std::vector<Field>> table = {
      {"ObjectMeta",
       {{1, "name", Kind::String},
        {2, "generateName", Kind::String},
        {3, "namespace", Kind::String},
        {8, "creationTimestamp", Kind::Time},
        {11, "labels", Kind::StringMap},
        {12, "annotations", Kind::StringMap},
        {13, "ownerReferences", Kind::Messages, "OwnerReference"},
        {14, "finalizers", Kind::Strings}}},
      {"OwnerReference",
       {{5, "apiVersion", Kind::String},
        {1, "kind", Kind::String},
        {3, "name", Kind::String},
        {4, "uid", Kind::String},
        {6, "controller", Kind::Bool, nullptr, true},
        {7, "blockOwnerDeletion", Kind::Bool, nullptr, true}}},
      {"LabelSelector",
       {{1, "matchLabels", Kind::StringMap}, {2, "matchExpressions", Kind::Messages, "LabelSelectorRequirement"}}},
      {"LabelSelectorRequirement",
       {{1, "key", Kind::String}, {2, "operator", Kind::String}, {3, "values", Kind::Strings}}},
      {"ConfigMap",
       {{1, "metadata", Kind::Message, "ObjectMeta"},
        {2, "data", Kind::StringMap},
        {3, "binaryData", Kind::BytesMap},
        {4, "immutable", Kind::Bool, nullptr, true}}},
      {"Secret",
       {{1, "metadata", Kind::Message, "ObjectMeta"},
        {2, "data", Kind::BytesMap},
        {3, "type", Kind::String},
        {4, "stringData", Kind::StringMap},
        {5, "immutable", Kind::Bool, nullptr, true}}},
      {"Namespace", {{1, "metadata", Kind::Message, "ObjectMeta"}, {2, "spec", Kind::Message, "NamespaceSpec"}}},
      {"NamespaceSpec", {{1, "finalizers", Kind::Strings}}},
      {"ServiceAccount",
       {{1, "metadata", Kind::Message, "ObjectMeta"},
        {2, "secrets", Kind::Messages, "ObjectReference"},
        {3, "imagePullSecrets", Kind::Messages, "LocalObjectReference"},
        {4, "automountServiceAccountToken", Kind::Bool, nullptr, true}}},
      {"ObjectReference",
       {{1, "kind", Kind::String},
        {2, "namespace", Kind::String},
        {3, "name", Kind::String},
        {4, "uid", Kind::String},
        {5, "apiVersion", Kind::String},
        {6, "resourceVersion", Kind::String},
        {7, "fieldPath", Kind::String}}},
      {"LocalObjectReference", {{1, "name", Kind::String}}},
      {"Service", {{1, "metadata", Kind::Message, "ObjectMeta"}, {2, "spec", Kind::Message, "ServiceSpec"}}},
      {"ServiceSpec",
       {{1, "ports", Kind::Messages, "ServicePort"},
        {2, "selector", Kind::StringMap},
        {3, "clusterIP", Kind::String},
        {4, "type", Kind::String},
        {5, "externalIPs", Kind::Strings},
        {7, "sessionAffinity", Kind::String},
        {10, "externalName", Kind::String},
        {18, "clusterIPs", Kind::Strings}}},
      {"ServicePort",
       {{1, "name", Kind::String},
        {2, "protocol", Kind::String},
        {3, "port", Kind::Int, nullptr, true},
        {4, "targetPort", Kind::IntOrString},
        {5, "nodePort", Kind::Int},
        {6, "appProtocol", Kind::String}}},
      {"Deployment", {{1, "metadata", Kind::Message, "ObjectMeta"}, {2, "spec", Kind::Message, "DeploymentSpec"}}},
      {"DeploymentSpec",
       {{1, "replicas", Kind::Int, nullptr, true},
        {2, "selector", Kind::Message, "LabelSelector"},
        {3, "template", Kind::Message, "PodTemplateSpec"},
        {4, "strategy", Kind::Message, "DeploymentStrategy"},
        {5, "minReadySeconds", Kind::Int},
        {6, "revisionHistoryLimit", Kind::Int, nullptr, true},
        {7, "paused", Kind::Bool},
        {9, "progressDeadlineSeconds", Kind::Int, nullptr, true}}},
      {"DeploymentStrategy",
       {{1, "type", Kind::String}, {2, "rollingUpdate", Kind::Message, "RollingUpdateDeployment"}}},
      {"RollingUpdateDeployment",
       {{1, "maxUnavailable", Kind::IntOrString, nullptr, true}, {2, "maxSurge", Kind::IntOrString, nullptr, true}}},
      {"Pod", {{1, "metadata", Kind::Message, "ObjectMeta"}, {2, "spec", Kind::Message, "PodSpec"}}},
      {"PodTemplateSpec", {{1, "metadata", Kind::Message, "ObjectMeta"}, {2, "spec", Kind::Message, "PodSpec"}}},
      {"PodSpec",
       {{2, "containers", Kind::Messages, "Container"},
        {3, "restartPolicy", Kind::String},
        {4, "terminationGracePeriodSeconds", Kind::Int, nullptr, true},
        {6, "dnsPolicy", Kind::String},
        {7, "nodeSelector", Kind::StringMap},
        {8, "serviceAccountName", Kind::String},
        {15, "imagePullSecrets", Kind::Messages, "LocalObjectReference"},
        {20, "initContainers", Kind::Messages, "Container"},
        {22, "tolerations", Kind::Messages, "Toleration"}}},
      {"Container",
       {{1, "name", Kind::String},
        {2, "image", Kind::String},
        {3, "command", Kind::Strings},
        {4, "args", Kind::Strings},
        {5, "workingDir", Kind::String},
        {6, "ports", Kind::Messages, "ContainerPort"},
        {7, "env", Kind::Messages, "EnvVar"},
        {8, "resources", Kind::Message, "ResourceRequirements"},
        {9, "volumeMounts", Kind::Messages, "VolumeMount"},
        {10, "livenessProbe", Kind::Message, "Probe"},
        {11, "readinessProbe", Kind::Message, "Probe"},
        {13, "terminationMessagePath", Kind::String},
        {14, "imagePullPolicy", Kind::String},
        {16, "stdin", Kind::Bool},
        {17, "stdinOnce", Kind::Bool},
        {18, "tty", Kind::Bool},
        {20, "terminationMessagePolicy", Kind::String},
        {22, "startupProbe", Kind::Message, "Probe"}}},
      {"ContainerPort",
       {{1, "name", Kind::String},
        {2, "hostPort", Kind::Int},
        {3, "containerPort", Kind::Int, nullptr, true},
        {4, "protocol", Kind::String},
        {5, "hostIP", Kind::String}}},
      {"EnvVar", {{1, "name", Kind::String}, {2, "value", Kind::String}}},
      {"ResourceRequirements", {{1, "limits", Kind::QuantityMap}, {2, "requests", Kind::QuantityMap}}},
      {"VolumeMount",
       {{1, "name", Kind::String},
        {2, "readOnly", Kind::Bool},
        {3, "mountPath", Kind::String},
        {4, "subPath", Kind::String}}},
      {"Probe",
       {{1, "handler", Kind::Inline, "ProbeHandler"},
        {2, "initialDelaySeconds", Kind::Int},
        {3, "timeoutSeconds", Kind::Int},
        {4, "periodSeconds", Kind::Int},
        {5, "successThreshold", Kind::Int},
        {6, "failureThreshold", Kind::Int}}},
      {"ProbeHandler",
       {{1, "exec", Kind::Message, "ExecAction"},
        {2, "httpGet", Kind::Message, "HTTPGetAction"},
        {3, "tcpSocket", Kind::Message, "TCPSocketAction"}}},
      {"ExecAction", {{1, "command", Kind::Strings}}},
      {"HTTPGetAction",
       {{1, "path", Kind::String},
        {2, "port", Kind::IntOrString},
        {3, "host", Kind::String},
        {4, "scheme", Kind::String}}},
      {"TCPSocketAction", {{1, "port", Kind::IntOrString}, {2, "host", Kind::String}}},
      {"Toleration",
       {{1, "key", Kind::String},
        {2, "operator", Kind::String},
        {3, "value", Kind::String},
        {4, "effect", Kind::String},
        {5, "tolerationSeconds", Kind::Int, nullptr, true}}},
  };
  return table;
}

// The kinds a body may carry, each decoded with the message of the same name.
constexpr std::string_view kTopLevelKinds[] = {"ConfigMap",  "Secret",         "Namespace", "Service",
                                               "Deployment", "ServiceAccount", "Pod"};

// ---- wire format ---------------------------------------------------------------------------------------------------

struct DecodeError {
  std::string message;
};

enum WireType : int { Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5 };

struct WireField {
  int number = 0;
  int wireType = 0;
  std::uint64_t varint = 0;
  std::string_view bytes;  // LengthDelimited payload
};

class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}

  bool done() const { return position_ >= data_.size(); }

  WireField next() {
    WireField field;
    std::uint64_t key = varint();
    field.number = static_cast<int>(key >> 3);
    field.wireType = static_cast<int>(key & 7);
    if (field.number == 0) throw DecodeError{"invalid field number 0"};
    switch (field.wireType) {
      case Varint:
        field.varint = varint();
        break;
      case Fixed64:
        take(8);
        break;
      case Fixed32:
        take(4);
        break;
      case LengthDelimited: {
        std::uint64_t length = varint();
        if (length > data_.size() - position_) throw DecodeError{"length-delimited field runs past the end"};
        field.bytes = take(static_cast<std::size_t>(length));
        break;
      }
      default:
        throw DecodeError{"unsupported wire type " + std::to_string(field.wireType)};
    }
    return field;
  }

 private:
  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (done()) throw DecodeError{"truncated varint"};
      auto byte = static_cast<unsigned char>(data_[position_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    throw DecodeError{"varint too long"};
  }

  std::string_view take(std::size_t n) {
    if (n > data_.size() - position_) throw DecodeError{"truncated field"};
    std::string_view out = data_.substr(position_, n);
    position_ += n;
    return out;
  }

  std::string_view data_;
  std::size_t position_ = 0;
};

std::string base64(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    auto a = static_cast<unsigned char>(bytes[i]), b = static_cast<unsigned char>(bytes[i + 1]),
         c = static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[a >> 2];
    out += alphabet[((a & 3) << 4) | (b >> 4)];
    out += alphabet[((b & 15) << 2) | (c >> 6)];
    out += alphabet[c & 63];
  }
  if (i < bytes.size()) {
    auto a = static_cast<unsigned char>(bytes[i]);
    auto b = i + 1 < bytes.size() ? static_cast<unsigned char>(bytes[i + 1]) : 0;
    out += alphabet[a >> 2];
    out += alphabet[((a & 3) << 4) | (b >> 4)];
    out += i + 1 < bytes.size() ? alphabet[(b & 15) << 2] : '=';
    out += '=';
  }
  return out;
}

void expectWireType(const WireField& field, int wireType, const char* name) {
  if (field.wireType != wireType)
    throw DecodeError{std::string("field ") + name + " has wire type " + std::to_string(field.wireType)};
}

// The fields of a small message keyed by number (last one wins, as protobuf merges scalars).
std::map<int, WireField> fieldsOf(std::string_view bytes) {
  std::map<int, WireField> out;
  WireReader reader(bytes);
  while (!reader.done()) {
    WireField field = reader.next();
    out[field.number] = field;
  }
  return out;
}

// A view into the decoded body: the body outlives every use.
std::string_view bytesField(const std::map<int, WireField>& fields, int number) {
  auto it = fields.find(number);
  return it == fields.end() || it->second.wireType != LengthDelimited ? std::string_view() : it->second.bytes;
}

json decodeMessage(std::string_view bytes, std::string_view message);

json intOrString(std::string_view bytes) {
  auto fields = fieldsOf(bytes);
  auto type = fields.find(1);
  if (type != fields.end() && type->second.varint == 1) return std::string(bytesField(fields, 3));
  auto value = fields.find(2);
  return static_cast<std::int32_t>(value == fields.end() ? 0 : value->second.varint);
}

// metav1.Time {1 seconds, 2 nanos} as RFC 3339; null for the zero time.
json timeValue(std::string_view bytes) {
  auto fields = fieldsOf(bytes);
  auto seconds = fields.find(1);
  if (seconds == fields.end() || seconds->second.varint == 0) return nullptr;
  std::time_t t = static_cast<std::time_t>(static_cast<std::int64_t>(seconds->second.varint));
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

bool isZero(const json& value) {
  if (value.is_null()) return true;
  if (value.is_string()) return value.get_ref<const std::string&>().empty();
  if (value.is_object() || value.is_array()) return value.empty();
  if (value.is_boolean()) return !value.get<bool>();
  if (value.is_number()) return value == 0;
  return false;
}

void decodeField(json& out, const Field& spec, const WireField& field) {
  switch (spec.kind) {
    case Kind::String:
      expectWireType(field, LengthDelimited, spec.json);
      out[spec.json] = std::string(field.bytes);
      return;
    case Kind::Int:
      expectWireType(field, Varint, spec.json);
      out[spec.json] = static_cast<std::int64_t>(field.varint);
      return;
    case Kind::Bool:
      expectWireType(field, Varint, spec.json);
      out[spec.json] = field.varint != 0;
      return;
    case Kind::StringMap:
    case Kind::BytesMap:
    case Kind::QuantityMap: {
      expectWireType(field, LengthDelimited, spec.json);
      auto entry = fieldsOf(field.bytes);
      std::string_view raw = bytesField(entry, 2);
      std::string value = spec.kind == Kind::BytesMap      ? base64(raw)
                          : spec.kind == Kind::QuantityMap ? std::string(bytesField(fieldsOf(raw), 1))
                                                           : std::string(raw);
      out[spec.json][std::string(bytesField(entry, 1))] = std::move(value);
      return;
    }
    case Kind::Strings:
      expectWireType(field, LengthDelimited, spec.json);
      out[spec.json].push_back(std::string(field.bytes));
      return;
    case Kind::Message:
      expectWireType(field, LengthDelimited, spec.json);
      out[spec.json] = decodeMessage(field.bytes, spec.message);
      return;
    case Kind::Messages:
      expectWireType(field, LengthDelimited, spec.json);
      out[spec.json].push_back(decodeMessage(field.bytes, spec.message));
      return;
    case Kind::Inline:
      expectWireType(field, LengthDelimited, spec.json);
      {
        json embedded = decodeMessage(field.bytes, spec.message);
        for (auto& [key, value] : embedded.items()) out[key] = std::move(value);
        return;
      }
    case Kind::IntOrString:
      expectWireType(field, LengthDelimited, spec.json);
      out[spec.json] = intOrString(field.bytes);
      return;
    case Kind::Time:
      expectWireType(field, LengthDelimited, spec.json);
      out[spec.json] = timeValue(field.bytes);
      return;
  }
}

json decodeMessage(std::string_view bytes, std::string_view message) {
  const std::vector<Field>& specs = messages().at(message);
  json out = json::object();
  WireReader reader(bytes);
  while (!reader.done()) {
    WireField field = reader.next();
    for (const Field& spec : specs) {
      if (spec.number != field.number) continue;
      decodeField(out, spec, field);
      break;
    }
  }
  // Kubernetes' JSON leaves out zero values of non-pointer fields; protobuf sends them anyway.
  for (const Field& spec : specs) {
    auto it = out.find(spec.json);
    if (it != out.end() && !spec.keepZero && isZero(*it)) out.erase(it);
  }
  return out;
}

json decodeEnvelope(std::string_view body) {
  if (body.substr(0, kMagic.size()) != kMagic) throw DecodeError{"missing the k8s protobuf magic prefix"};
  auto envelope = fieldsOf(body.substr(kMagic.size()));
  auto typeMeta = fieldsOf(bytesField(envelope, 1));
  const std::string apiVersion(bytesField(typeMeta, 1));
  const std::string kind(bytesField(typeMeta, 2));
  if (!protobufKindSupported(kind)) throw DecodeError{"protobuf decoding of kind \"" + kind + "\" is not supported"};
  const std::string encoding(bytesField(envelope, 3));
  if (!encoding.empty()) throw DecodeError{"unsupported content encoding \"" + encoding + "\""};
  json object = decodeMessage(bytesField(envelope, 2), kind);
  object["apiVersion"] = apiVersion;
  object["kind"] = kind;
  return object;
}

}  // namespace

bool protobufKindSupported(std::string_view kind) {
  for (std::string_view k : kTopLevelKinds)
    if (k == kind) return true;
  return false;
}

ProtobufDecodeResult decodeKubernetesProtobuf(std::string_view body) {
  try {
    return {decodeEnvelope(body), {}};
  } catch (const DecodeError& e) {
    return {nullptr, "invalid protobuf body: " + e.message};
  }
}

}  // namespace flotilla::apiserver
