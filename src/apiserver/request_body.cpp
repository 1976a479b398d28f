#include "apiserver/request_body.h"

#include <algorithm>
#include <cctype>

#include "api/yaml.h"
#include "apiserver/protobuf_decode.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

const char* kAcceptedObjectTypes =
    "the body of the request was in an unknown format - accepted media types include: application/json, "
    "application/yaml, application/vnd.kubernetes.protobuf";

Result<json> parseJson(const std::string& body) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    std::string preview = body.substr(0, 64);
    return errors::badRequest("couldn't get version/kind; json parse error: invalid JSON: " + preview);
  }
  return parsed;
}

Result<json> parseYaml(const std::string& body) {
  api::YamlLoadResult loaded = api::loadYamlDocuments(body);
  if (!loaded.ok()) return errors::badRequest("error decoding YAML: " + loaded.errors.front().toString());
  if (loaded.documents.size() != 1) return errors::badRequest("error decoding YAML: expected exactly one document");
  return loaded.documents.front().value;
}

// Some clients send JSON labelled YAML (kubectl's apply-patch+yaml), and some real YAML.
Result<json> parseJsonOrYaml(const std::string& body) {
  json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_discarded()) return parsed;
  return parseYaml(body);
}

}  // namespace

std::string mediaType(const std::string& contentType) {
  std::string type = contentType.substr(0, contentType.find(';'));
  type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c); }), type.end());
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type;
}

Result<json> decodeObjectBody(const HttpRequest& request) {
  std::string type = mediaType(request.header("Content-Type"));
  if (request.body.empty()) return errors::badRequest("the request body is empty");
  if (type.empty() || type == "application/json" || type == "*/*") return parseJson(request.body);
  if (type == "application/yaml" || type == "application/x-yaml" || type == "text/yaml") return parseYaml(request.body);
  if (type == "application/vnd.kubernetes.protobuf") {
    ProtobufDecodeResult decoded = decodeKubernetesProtobuf(request.body);
    if (!decoded.ok()) return errors::unsupportedMediaType(kAcceptedObjectTypes);
    return decoded.object;
  }
  return errors::unsupportedMediaType(kAcceptedObjectTypes);
}

Result<PatchType> patchTypeOf(const HttpRequest& request) {
  std::string type = mediaType(request.header("Content-Type"));
  if (type == "application/merge-patch+json") return PatchType::Merge;
  if (type == "application/json-patch+json") return PatchType::Json;
  if (type == "application/strategic-merge-patch+json") return PatchType::Strategic;
  if (type == "application/apply-patch+yaml" || type == "application/apply-patch+json" ||
      type == "application/apply-patch+cbor") {
    return PatchType::Apply;
  }
  return errors::unsupportedMediaType(
      "the body of the request was in an unknown format - accepted media types include: "
      "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
      "application/strategic-merge-patch+json");
}

Result<json> decodePatchBody(const HttpRequest& request, PatchType type) {
  if (request.body.empty()) return errors::badRequest("the patch body is empty");
  if (type == PatchType::Apply) return parseJsonOrYaml(request.body);
  return parseJson(request.body);
}

bool acceptsTable(const std::string& accept) {
  return accept.find("as=Table") != std::string::npos;
}

bool acceptsPartialMetadata(const std::string& accept) {
  return accept.find("as=PartialObjectMetadata") != std::string::npos &&
         accept.find("as=PartialObjectMetadataList") == std::string::npos;
}

bool acceptsPartialMetadataList(const std::string& accept) {
  return accept.find("as=PartialObjectMetadataList") != std::string::npos;
}

}  // namespace flotilla::apiserver
