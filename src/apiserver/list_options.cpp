#include "apiserver/list_options.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "kube/base64.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

std::optional<std::uint64_t> parseUnsigned(const std::string& text) {
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string encodeContinueToken(const ContinueToken& token) {
  json body = {{"v", "meta.k8s.io/v1"}, {"rv", token.resourceVersion}, {"ns", token.namespace_}, {"name", token.name}};
  return kube::base64Encode(body.dump());
}

Result<ContinueToken> decodeContinueToken(const std::string& text) {
  auto decoded = kube::base64Decode(text);
  json body = decoded ? json::parse(*decoded, nullptr, false) : json();
  if (!body.is_object() || !body.contains("rv") || !body["rv"].is_number_unsigned()) {
    return errors::badRequest("continue key is not valid: incorrect encoded start resourceVersion");
  }
  return ContinueToken{body["rv"].get<std::uint64_t>(), body.value("ns", ""), body.value("name", "")};
}

Result<ListOptions> parseListOptions(const HttpRequest& request, const ResourceInfo& resource,
                                     const std::string& namespace_) {
  ListOptions options;
  if (resource.namespaced && !namespace_.empty()) options.filter.namespace_ = namespace_;
  if (auto text = request.param("labelSelector")) {
    auto parsed = LabelSelector::parse(*text);
    if (!parsed.ok()) return parsed.error();
    options.filter.labels = std::move(parsed.value());
  }
  if (auto text = request.param("fieldSelector")) {
    auto parsed = FieldSelector::parse(*text, resource);
    if (!parsed.ok()) return parsed.error();
    options.filter.fields = std::move(parsed.value());
  }
  if (auto text = request.param("limit"); text && !text->empty()) {
    auto limit = parseUnsigned(*text);
    if (!limit) return errors::badRequest("limit: Invalid value: \"" + *text + "\": must be a non-negative integer");
    options.limit = static_cast<std::size_t>(*limit);
  }
  if (auto text = request.param("continue"); text && !text->empty()) {
    auto token = decodeContinueToken(*text);
    if (!token.ok()) return token.error();
    options.continueFrom = token.value();
  }
  if (auto text = request.param("resourceVersion"); text && !text->empty()) {
    auto version = parseUnsigned(*text);
    if (!version) return errors::badRequest("resourceVersion: Invalid value: \"" + *text + "\": must be a number");
    options.resourceVersion = *version;
  }
  options.resourceVersionMatch = request.param("resourceVersionMatch").value_or("");
  if (!options.resourceVersionMatch.empty() && options.resourceVersionMatch != "NotOlderThan" &&
      options.resourceVersionMatch != "Exact") {
    return errors::badRequest("resourceVersionMatch: Unsupported value: \"" + options.resourceVersionMatch +
                              "\": supported values: \"Exact\", \"NotOlderThan\"");
  }
  if (options.resourceVersionMatch == "Exact" && (!options.resourceVersion || *options.resourceVersion == 0)) {
    return errors::badRequest(
        "resourceVersionMatch: Forbidden: resourceVersionMatch \"Exact\" is forbidden for "
        "resourceVersion \"0\"");
  }
  if (options.continueFrom && options.resourceVersion) {
    return errors::badRequest(
        "resourceVersion: Forbidden: specifying resource version is not allowed when using "
        "continue");
  }
  options.watch = request.flag("watch");
  options.allowWatchBookmarks = request.flag("allowWatchBookmarks");
  options.sendInitialEvents = request.flag("sendInitialEvents");
  if (auto text = request.param("timeoutSeconds"); text && !text->empty()) {
    auto seconds = parseUnsigned(*text);
    if (!seconds) return errors::badRequest("timeoutSeconds: Invalid value: \"" + *text + "\"");
    options.timeoutSeconds = static_cast<int>(*seconds);
  }
  std::string include = request.param("includeObject").value_or("");
  if (include == "None") options.include = IncludeObject::None;
  if (include == "Object") options.include = IncludeObject::Object;
  return options;
}

}  // namespace flotilla::apiserver
