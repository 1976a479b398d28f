#include "apiserver/resource_handler.h"

#include <charconv>

#include "apiserver/object_meta.h"
#include "apiserver/pod_logs.h"
#include "apiserver/request_body.h"
#include "apiserver/responses.h"
#include "apiserver/table.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

ApiError resourceNotFound() {
  ApiError error = errors::notFound({}, "");
  error.message = "the server could not find the requested resource";
  error.details = json::object();
  return error;
}

// `{"kind":...,"metadata":{...}}` + "items":[<already serialised objects>].
std::string listBody(const json& head, const std::vector<std::string_view>& items) {
  std::string out = head.dump();
  out.pop_back();  // the closing brace
  out += ",\"items\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += items[i];
  }
  out += "]}";
  return out;
}

json deleteSuccess(const ResourceInfo& resource, const json& object) {
  json details = {{"name", meta::name(object)}, {"kind", resource.plural}, {"uid", meta::uid(object)}};
  if (!resource.group.empty()) details["group"] = resource.group;
  return {{"kind", "Status"},
          {"apiVersion", "v1"},
          {"metadata", json::object()},
          {"status", "Success"},
          {"details", details}};
}

}  // namespace

Result<WriteOptions> writeOptionsFrom(const HttpRequest& request) {
  WriteOptions options;
  options.userAgent = request.header("User-Agent");
  options.fieldManager = request.param("fieldManager").value_or("");
  if (options.fieldManager.size() > 128) {
    return errors::badRequest("fieldManager: Too long: may not be more than 128 bytes");
  }
  if (auto dryRun = request.param("dryRun")) {
    if (*dryRun != "All" && !dryRun->empty()) {
      return errors::badRequest("dryRun: Unsupported value: \"" + *dryRun + "\": supported values: \"All\"");
    }
    options.dryRun = *dryRun == "All";
  }
  std::string validation = request.param("fieldValidation").value_or("");
  if (validation == "Strict") {
    options.fieldValidation = FieldValidation::Strict;
  } else if (validation == "Ignore") {
    options.fieldValidation = FieldValidation::Ignore;
  } else if (validation == "Warn" || validation.empty()) {
    options.fieldValidation = FieldValidation::Warn;
  } else {
    return errors::badRequest("fieldValidation: Unsupported value: \"" + validation +
                              "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
  }
  options.force = request.flag("force");
  return options;
}

Result<DeleteOptions> deleteOptionsFrom(const HttpRequest& request) {
  json body;
  if (!request.body.empty()) {
    body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return errors::badRequest("DeleteOptions: the body is not valid JSON");
  }
  auto options = DeleteOptions::fromJson(body);
  if (!options.ok()) return options;
  if (auto policy = request.param("propagationPolicy")) {
    if (*policy != "Foreground" && *policy != "Background" && *policy != "Orphan") {
      return errors::badRequest("propagationPolicy: Unsupported value: \"" + *policy + "\"");
    }
    options->propagationPolicy = *policy;
  }
  if (auto orphan = request.param("orphanDependents"); orphan && !options->propagationPolicy) {
    options->propagationPolicy = (*orphan == "true") ? "Orphan" : "Background";
  }
  if (auto grace = request.param("gracePeriodSeconds")) {
    std::int64_t seconds = 0;
    auto [ptr, ec] = std::from_chars(grace->data(), grace->data() + grace->size(), seconds);
    if (ec != std::errc() || ptr != grace->data() + grace->size()) {
      return errors::badRequest("gracePeriodSeconds: Invalid value: \"" + *grace + "\"");
    }
    options->gracePeriodSeconds = seconds;
  }
  if (request.param("dryRun").value_or("") == "All") options->dryRun = true;
  return options;
}

void ResourceHandler::handle(const HttpRequest& request, const RequestInfo& info, Responder& responder) {
  ResourcePtr resource = service_.registry().find(info.group, info.version, info.resource);
  if (!resource) return responder.send(errorResponse(resourceNotFound()));
  // A namespace in the path of a cluster-scoped resource (other than a namespace itself) is not a route.
  if (!resource->namespaced && !info.namespace_.empty()) return responder.send(errorResponse(resourceNotFound()));
  if (!info.subresource.empty() && !resource->hasSubresource(info.subresource)) {
    return responder.send(errorResponse(resourceNotFound()));
  }
  const std::string& verb = info.verb;
  if (info.subresource == "log" && verb != "get") return responder.send(errorResponse(errors::methodNotAllowed()));
  if (verb == "get") return get(request, *resource, info, responder);
  if (verb == "list" || verb == "watch") {
    auto options = parseListOptions(request, *resource, info.namespace_);
    if (!options.ok()) return responder.send(errorResponse(options.error()));
    if (verb == "watch") return watch(request, *resource, *options, responder);
    return list(request, *resource, *options, responder);
  }
  if (verb == "create") {
    if (resource->namespaced && info.namespace_.empty())
      return responder.send(errorResponse(errors::methodNotAllowed()));
    return create(request, *resource, info, responder);
  }
  if ((verb == "update" || verb == "patch") && info.name.empty()) {
    return responder.send(errorResponse(errors::methodNotAllowed()));
  }
  if (verb == "update") return update(request, *resource, info, responder);
  if (verb == "patch") return patch(request, *resource, info, responder);
  if (verb == "delete") {
    if (!info.subresource.empty()) return responder.send(errorResponse(errors::methodNotAllowed()));
    return remove(request, *resource, info, responder);
  }
  if (verb == "deletecollection") return removeCollection(request, *resource, info, responder);
  responder.send(errorResponse(errors::methodNotAllowed()));
}

void ResourceHandler::get(const HttpRequest& request, const ResourceInfo& resource, const RequestInfo& info,
                          Responder& responder) {
  if (request.flag("watch")) {
    // The old form: GET .../NAME?watch=true watches that one object.
    HttpRequest named = request;
    std::string selector = "metadata.name=" + info.name;
    auto existing = named.param("fieldSelector");
    named.query["fieldSelector"] = existing && !existing->empty() ? *existing + "," + selector : selector;
    auto options = parseListOptions(named, resource, info.namespace_);
    if (!options.ok()) return responder.send(errorResponse(options.error()));
    return watch(named, resource, *options, responder);
  }
  if (info.subresource == "log") {
    auto pod = service_.get(resource, info.namespace_, info.name);
    if (!pod.ok()) return responder.send(errorResponse(pod.error()));
    auto text = podLog(*pod, request);
    if (!text.ok()) return responder.send(errorResponse(text.error()));
    return responder.send(textResponse(200, std::move(*text)));
  }
  if (info.subresource == "scale") {
    auto scale = service_.getScale(resource, info.namespace_, info.name);
    if (!scale.ok()) return responder.send(errorResponse(scale.error()));
    return responder.send(jsonResponse(200, *scale));
  }
  auto object = service_.get(resource, info.namespace_, info.name);
  if (!object.ok()) return responder.send(errorResponse(object.error()));
  std::string accept = request.header("Accept");
  if (acceptsTable(accept)) {
    auto options = parseListOptions(request, resource, info.namespace_);
    IncludeObject include = options.ok() ? options->include : IncludeObject::Metadata;
    TablePrinter printer(resource);
    return responder.send(jsonResponse(
        200, printer.table({&object.value()}, meta::stringAt(*object, "metadata.resourceVersion"), include), {}));
  }
  if (acceptsPartialMetadata(accept)) return responder.send(jsonResponse(200, partialObjectMetadata(*object)));
  responder.send(jsonResponse(200, *object));
}

void ResourceHandler::list(const HttpRequest& request, const ResourceInfo& resource, const ListOptions& options,
                           Responder& responder) {
  ListQuery query;
  query.filter = &options.filter;
  query.limit = options.limit;
  std::uint64_t current = store_.currentResourceVersion();
  if (options.continueFrom) {
    query.after = std::make_pair(options.continueFrom->namespace_, options.continueFrom->name);
    query.atResourceVersion = options.continueFrom->resourceVersion;
    if (options.continueFrom->resourceVersion < store_.compactedResourceVersion()) {
      return responder.send(errorResponse(errors::gone(
          "The provided continue parameter is too old to display a consistent list result. You can start a new "
          "list without the continue parameter, or use the continue token in this response to retrieve the "
          "remainder of the results. Continuing with the provided token results in an inconsistent list - objects "
          "that were created, modified, or deleted between the time the first chunk was returned and now may show "
          "up in the list.")));
    }
  } else if (options.resourceVersion && *options.resourceVersion != 0) {
    if (options.resourceVersionMatch == "Exact") {
      query.atResourceVersion = *options.resourceVersion;
    } else if (*options.resourceVersion > current) {
      return responder.send(
          errorResponse(errors::timeout("Too large resource version: " + std::to_string(*options.resourceVersion) +
                                        ", current: " + std::to_string(current))));
    }
  }
  auto page = store_.list(resource.storageKey(), query);
  if (!page.ok()) return responder.send(errorResponse(page.error()));
  std::string continueToken;
  if (page->last) {
    continueToken = encodeContinueToken({page->resourceVersion, page->last->namespace_, page->last->name});
  }
  json metadata = {{"resourceVersion", std::to_string(page->resourceVersion)}};
  if (!continueToken.empty()) {
    metadata["continue"] = continueToken;
    if (options.filter.labels.empty() && options.filter.fields.empty()) {
      metadata["remainingItemCount"] = page->remaining;
    }
  }
  std::string accept = request.header("Accept");
  if (acceptsTable(accept)) {
    std::vector<json> views;
    views.reserve(page->items.size());
    for (const auto& item : page->items) views.push_back(ResourceService::viewAs(resource, item->object));
    std::vector<const json*> pointers;
    for (const auto& view : views) pointers.push_back(&view);
    TablePrinter printer(resource);
    json table = printer.table(pointers, std::to_string(page->resourceVersion), options.include, true, continueToken);
    if (metadata.contains("remainingItemCount"))
      table["metadata"]["remainingItemCount"] = metadata["remainingItemCount"];
    return responder.send(jsonResponse(200, table));
  }
  if (acceptsPartialMetadataList(accept) || acceptsPartialMetadata(accept)) {
    json head = {{"kind", "PartialObjectMetadataList"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", metadata}};
    std::vector<std::string> serialized;
    for (const auto& item : page->items) serialized.push_back(partialObjectMetadata(item->object).dump());
    std::vector<std::string_view> views(serialized.begin(), serialized.end());
    return responder.send(rawJsonResponse(200, listBody(head, views)));
  }
  json head = {{"kind", resource.listKind}, {"apiVersion", resource.apiVersion()}, {"metadata", metadata}};
  std::vector<std::string> converted;  // objects stored in another served version
  std::vector<std::string_view> views;
  views.reserve(page->items.size());
  for (const auto& item : page->items) {
    if (item->object.value("apiVersion", "") == resource.apiVersion()) {
      views.emplace_back(item->serialized);
    } else {
      converted.push_back(ResourceService::viewAs(resource, item->object).dump());
    }
  }
  if (!converted.empty()) {
    // Rebuild in order, mixing stored and converted forms.
    views.clear();
    size_t next = 0;
    for (const auto& item : page->items) {
      if (item->object.value("apiVersion", "") == resource.apiVersion()) {
        views.emplace_back(item->serialized);
      } else {
        views.emplace_back(converted[next++]);
      }
    }
  }
  responder.send(rawJsonResponse(200, listBody(head, views)));
}

void ResourceHandler::create(const HttpRequest& request, const ResourceInfo& resource, const RequestInfo& info,
                             Responder& responder) {
  if (!info.subresource.empty() || !info.name.empty()) return responder.send(errorResponse(errors::methodNotAllowed()));
  auto options = writeOptionsFrom(request);
  if (!options.ok()) return responder.send(errorResponse(options.error()));
  auto body = decodeObjectBody(request);
  if (!body.ok()) return responder.send(errorResponse(body.error()));
  auto result = service_.create(resource, info.namespace_, std::move(body.value()), *options);
  if (!result.ok()) return responder.send(errorResponse(result.error()));
  responder.send(jsonResponse(201, result->object, result->warnings));
}

void ResourceHandler::update(const HttpRequest& request, const ResourceInfo& resource, const RequestInfo& info,
                             Responder& responder) {
  auto options = writeOptionsFrom(request);
  if (!options.ok()) return responder.send(errorResponse(options.error()));
  auto body = decodeObjectBody(request);
  if (!body.ok()) return responder.send(errorResponse(body.error()));
  if (info.subresource == "scale") {
    auto scale = service_.updateScale(resource, info.namespace_, info.name, *body, *options);
    if (!scale.ok()) return responder.send(errorResponse(scale.error()));
    return responder.send(jsonResponse(200, *scale));
  }
  Subresource subresource = info.subresource == "status" ? Subresource::Status : Subresource::None;
  auto result = service_.update(resource, info.namespace_, info.name, std::move(body.value()), *options, subresource);
  if (!result.ok()) return responder.send(errorResponse(result.error()));
  responder.send(jsonResponse(200, result->object, result->warnings));
}

void ResourceHandler::patch(const HttpRequest& request, const ResourceInfo& resource, const RequestInfo& info,
                            Responder& responder) {
  auto options = writeOptionsFrom(request);
  if (!options.ok()) return responder.send(errorResponse(options.error()));
  auto type = patchTypeOf(request);
  if (!type.ok()) return responder.send(errorResponse(type.error()));
  if (*type == PatchType::Strategic && resource.custom) {
    auto refused = service_.patch(resource, info.namespace_, info.name, *type, json::object(), *options);
    return responder.send(errorResponse(refused.error()));
  }
  auto body = decodePatchBody(request, *type);
  if (!body.ok()) return responder.send(errorResponse(body.error()));
  if (info.subresource == "scale") {
    auto scale = service_.patchScale(resource, info.namespace_, info.name, *type, *body, *options);
    if (!scale.ok()) return responder.send(errorResponse(scale.error()));
    return responder.send(jsonResponse(200, *scale));
  }
  Subresource subresource = info.subresource == "status" ? Subresource::Status : Subresource::None;
  auto result = service_.patch(resource, info.namespace_, info.name, *type, *body, *options, subresource);
  if (!result.ok()) return responder.send(errorResponse(result.error()));
  responder.send(jsonResponse(result->created ? 201 : 200, result->object, result->warnings));
}

void ResourceHandler::remove(const HttpRequest& request, const ResourceInfo& resource, const RequestInfo& info,
                             Responder& responder) {
  auto options = deleteOptionsFrom(request);
  if (!options.ok()) return responder.send(errorResponse(options.error()));
  auto result = service_.remove(resource, info.namespace_, info.name, *options);
  if (!result.ok()) return responder.send(errorResponse(result.error()));
  if (result->removed) return responder.send(jsonResponse(200, deleteSuccess(resource, result->object)));
  // Still there (finalizers pending): 202 with the object, as kube-apiserver answers.
  responder.send(jsonResponse(options->dryRun ? 200 : 202, result->object));
}

void ResourceHandler::removeCollection(const HttpRequest& request, const ResourceInfo& resource,
                                       const RequestInfo& info, Responder& responder) {
  if (std::find(resource.verbs.begin(), resource.verbs.end(), "deletecollection") == resource.verbs.end()) {
    return responder.send(errorResponse(errors::methodNotAllowed()));
  }
  auto listOptions = parseListOptions(request, resource, info.namespace_);
  if (!listOptions.ok()) return responder.send(errorResponse(listOptions.error()));
  auto options = deleteOptionsFrom(request);
  if (!options.ok()) return responder.send(errorResponse(options.error()));
  ListQuery query;
  query.filter = &listOptions->filter;
  auto page = store_.list(resource.storageKey(), query);
  if (!page.ok()) return responder.send(errorResponse(page.error()));
  json items = json::array();
  for (const auto& item : page->items) {
    auto result = service_.remove(resource, item->namespace_, item->name, *options);
    if (result.ok()) items.push_back(result->object);
  }
  responder.send(
      jsonResponse(200, {{"kind", resource.listKind},
                         {"apiVersion", resource.apiVersion()},
                         {"metadata", {{"resourceVersion", std::to_string(store_.currentResourceVersion())}}},
                         {"items", items}}));
}

}  // namespace flotilla::apiserver
