#include "kube/client.h"

#include "flotilla/version.h"
#include "kube/paths.h"

namespace flotilla::kube {
namespace {

using nlohmann::json;

constexpr const char* kJson = "application/json";
// A watch's body may be silent between events for long stretches; the inactivity timer must outlast the
// server-side timeout so the server, not the client, ends a healthy watch.
constexpr std::chrono::seconds kWatchTimeoutSlack{30};
constexpr std::chrono::seconds kWatchTimeoutWithoutServerTimeout{3600};
constexpr std::int64_t kDefaultPageSize = 500;

bool isSuccess(int status) {
  return status >= 200 && status < 300;
}

std::string stringAt(const json& object, const char* a, const char* b) {
  auto outer = object.find(a);
  if (outer == object.end() || !outer->is_object()) return {};
  auto inner = outer->find(b);
  return inner != outer->end() && inner->is_string() ? inner->get<std::string>() : std::string();
}

void fillTypeMeta(const ResourceRef& ref, json& object) {
  if (!object.is_object() || ref.kind.empty()) return;
  if (!object.contains("apiVersion")) object["apiVersion"] = ref.apiVersion();
  if (!object.contains("kind")) object["kind"] = ref.kind;
}

struct Identity {
  std::string ns;
  std::string name;
};

// Namespace and name of an object about to be written, checked against the resource's scope.
// Reads and deletes of a namespaced resource name a namespace; without one the path would address nothing.
Result<void> checkScope(const ResourceRef& ref, std::string_view ns, std::string_view name, const char* verb) {
  if (name.empty()) return badRequest(std::string("client: ") + verb + " " + ref.toString() + ": a name is required");
  if (ref.namespaced && ns.empty()) {
    return badRequest(std::string("client: ") + verb + " " + ref.toString() + " " + std::string(name) +
                      ": a namespace is required");
  }
  return {};
}

Result<Identity> identityOf(const ResourceRef& ref, const json& object, bool needName) {
  if (!object.is_object()) return badRequest("client: a " + ref.kind + " must be a JSON object");
  Identity id{stringAt(object, "metadata", "namespace"), stringAt(object, "metadata", "name")};
  if (needName && id.name.empty()) return badRequest("client: " + ref.toString() + ": metadata.name is required");
  if (ref.namespaced && id.ns.empty()) {
    return badRequest("client: " + ref.toString() + " " + id.name + ": metadata.namespace is required");
  }
  return id;
}

Error errorFrom(const HttpResponse& response) {
  auto retryAfter = response.headers.get("Retry-After");
  return errorFromResponse(response.status, response.body, retryAfter ? parseRetryAfter(*retryAfter) : std::nullopt);
}

Result<json> parseJson(const HttpResponse& response) {
  if (!isSuccess(response.status)) return errorFrom(response);
  auto parsed = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return decodeError("the server's answer is not JSON");
  return parsed;
}

const char* patchContentType(PatchType type) {
  switch (type) {
    case PatchType::Merge:
      return "application/merge-patch+json";
    case PatchType::Json:
      return "application/json-patch+json";
    case PatchType::StrategicMerge:
      return "application/strategic-merge-patch+json";
  }
  return "application/merge-patch+json";
}

Query writeQuery(bool dryRun, const std::string& fieldManager) {
  Query query;
  if (dryRun) query.add("dryRun", "All");
  query.addIfSet("fieldManager", fieldManager);
  return query;
}

std::optional<WatchEventType> parseEventType(std::string_view type) {
  if (type == "ADDED") return WatchEventType::Added;
  if (type == "MODIFIED") return WatchEventType::Modified;
  if (type == "DELETED") return WatchEventType::Deleted;
  if (type == "BOOKMARK") return WatchEventType::Bookmark;
  return std::nullopt;
}

}  // namespace

std::string defaultUserAgent(std::string_view component) {
  return std::string("flotilla/") + kVersion + " (" + std::string(component) + ")";
}

const char* toString(WatchEventType type) {
  switch (type) {
    case WatchEventType::Added:
      return "ADDED";
    case WatchEventType::Modified:
      return "MODIFIED";
    case WatchEventType::Deleted:
      return "DELETED";
    case WatchEventType::Bookmark:
      return "BOOKMARK";
  }
  return "UNKNOWN";
}

// ------------------------------------------------------------------------------------------------ WatchStream

WatchStream::WatchStream(std::unique_ptr<LineReader> body, ResourceRef ref)
    : body_(std::move(body)), ref_(std::move(ref)) {}

Result<std::optional<WatchEvent>> WatchStream::next() {
  while (true) {
    auto line = body_->readLine();
    if (!line) return line.error();
    if (!line.value()) return std::optional<WatchEvent>();
    const std::string& text = **line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;  // keep-alive blank line

    auto event = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object()) return decodeError("watch event is not a JSON object: " + text.substr(0, 200));
    const std::string type = event.value("type", "");
    auto object = event.find("object");
    if (object == event.end() || !object->is_object()) return decodeError("watch " + type + " event without object");
    if (type == "ERROR") return errorFromStatus(*object);
    auto parsedType = parseEventType(type);
    if (!parsedType) return decodeError("unknown watch event type \"" + type + "\"");
    WatchEvent result{*parsedType, std::move(*object)};
    fillTypeMeta(ref_, result.object);
    return std::optional<WatchEvent>(std::move(result));
  }
}

// ------------------------------------------------------------------------------------------------ Client

Client::Client(std::shared_ptr<HttpClient> http, ClientOptions options)
    : http_(std::move(http)),
      options_(std::move(options)),
      clock_(options_.clock ? options_.clock : Clock::real()),
      limiter_(options_.qps, options_.burst, clock_) {}

const std::string& Client::managerFor(const std::string& requested) const {
  return requested.empty() ? options_.fieldManager : requested;
}

void Client::record(const std::string& method, int code, Clock::TimePoint start) const {
  if (!options_.observer) return;
  const double seconds = std::chrono::duration<double>(clock_->now() - start).count();
  options_.observer->observe({method, options_.host, code, seconds});
}

template <class Response>
std::optional<Clock::Duration> Client::retryDelay(const std::string& method, const Result<Response>& response,
                                                  int attempt) const {
  const bool idempotent = method == "GET" || method == "HEAD";
  if (!response) {
    const Error& e = response.error();
    if (e.kind == ErrorKind::Transport && (e.notSent || idempotent) && attempt == 0) return Clock::Duration::zero();
    return std::nullopt;
  }
  const int status = response->status;
  auto header = response->headers.get("Retry-After");
  const bool throttled = status == 429 || (status == 503 && idempotent && header.has_value());
  if (!throttled || attempt >= options_.maxRetries) return std::nullopt;
  auto retryAfter = header ? parseRetryAfter(*header) : std::nullopt;
  Clock::Duration wait = retryAfter ? Clock::Duration(*retryAfter) : Clock::Duration(options_.defaultRetryAfter);
  if (wait > options_.maxRetryAfter) return std::nullopt;
  return wait;
}

template <class Response, class Exchange>
Result<Response> Client::execute(HttpRequest& request, const CancelToken& cancel, Exchange exchange) {
  request.headers.set("User-Agent", options_.userAgent);
  if (!request.headers.has("Accept")) request.headers.set("Accept", kJson);
  if (!request.body.empty() && !request.headers.has("Content-Type")) request.headers.set("Content-Type", kJson);
  for (int attempt = 0;; ++attempt) {
    if (!limiter_.wait(cancel)) return cancelledError();
    const auto start = clock_->now();
    Result<Response> response = exchange(request);
    record(request.method, response ? response->status : 0, start);
    auto delay = retryDelay(request.method, response, attempt);
    if (!delay) return response;
    if (!clock_->sleepFor(*delay, cancel)) return cancelledError();
  }
}

Result<HttpResponse> Client::send(HttpRequest request, const CancelToken& cancel) {
  if (request.timeout.count() == 0) request.timeout = options_.requestTimeout;
  return execute<HttpResponse>(request, cancel, [&](const HttpRequest& r) { return http_->send(r, cancel); });
}

Result<json> Client::sendJson(HttpRequest request, const CancelToken& cancel) {
  auto response = send(std::move(request), cancel);
  if (!response) return response.error();
  return parseJson(*response);
}

Result<HttpResponse> Client::raw(HttpRequest request, const CancelToken& cancel) {
  auto response = send(std::move(request), cancel);
  if (response && !isSuccess(response->status)) return errorFrom(*response);
  return response;
}

Result<json> Client::get(const ResourceRef& ref, std::string_view ns, std::string_view name,
                         const CancelToken& cancel) {
  if (auto scope = checkScope(ref, ns, name, "get"); !scope) return scope.error();
  HttpRequest request;
  request.pathAndQuery = objectPath(ref, ns, name);
  auto object = sendJson(std::move(request), cancel);
  if (object) fillTypeMeta(ref, *object);
  return object;
}

Result<ObjectList> Client::list(const ResourceRef& ref, std::string_view ns, const ListOptions& options,
                                const CancelToken& cancel) {
  Query query;
  query.addIfSet("labelSelector", options.labelSelector).addIfSet("fieldSelector", options.fieldSelector);
  if (options.limit > 0) query.add("limit", std::to_string(options.limit));
  query.addIfSet("continue", options.continueToken)
      .addIfSet("resourceVersion", options.resourceVersion)
      .addIfSet("resourceVersionMatch", options.resourceVersionMatch);
  HttpRequest request;
  request.pathAndQuery = collectionPath(ref, ns) + query.toString();
  auto body = sendJson(std::move(request), cancel);
  if (!body) return body.error();

  ObjectList list;
  list.resourceVersion = stringAt(*body, "metadata", "resourceVersion");
  list.continueToken = stringAt(*body, "metadata", "continue");
  if (auto meta = body->find("metadata"); meta != body->end() && meta->is_object()) {
    if (auto remaining = meta->find("remainingItemCount"); remaining != meta->end() && remaining->is_number_integer()) {
      list.remainingItemCount = remaining->get<std::int64_t>();
    }
  }
  auto items = body->find("items");
  if (items != body->end() && !items->is_null() && !items->is_array()) return decodeError("list items is not an array");
  if (items != body->end() && items->is_array()) {
    list.items.reserve(items->size());
    for (auto& item : *items) {
      fillTypeMeta(ref, item);
      list.items.push_back(std::move(item));
    }
  }
  return list;
}

Result<ObjectList> Client::listAll(const ResourceRef& ref, std::string_view ns, ListOptions options,
                                   const CancelToken& cancel) {
  if (options.limit <= 0) options.limit = kDefaultPageSize;
  ObjectList all;
  while (true) {
    auto page = list(ref, ns, options, cancel);
    if (!page) return page.error();
    for (auto& item : page->items) all.items.push_back(std::move(item));
    all.resourceVersion = page->resourceVersion;
    if (page->continueToken.empty()) return all;
    options.continueToken = page->continueToken;
    options.resourceVersion.clear();  // a continue token pins the version itself
    options.resourceVersionMatch.clear();
  }
}

Result<std::unique_ptr<WatchStream>> Client::watch(const ResourceRef& ref, std::string_view ns,
                                                   const WatchOptions& options, const CancelToken& cancel) {
  Query query;
  query.add("watch", "true")
      .addIfSet("labelSelector", options.labelSelector)
      .addIfSet("fieldSelector", options.fieldSelector)
      .addIfSet("resourceVersion", options.resourceVersion);
  if (options.allowWatchBookmarks) query.add("allowWatchBookmarks", "true");
  if (options.timeoutSeconds) query.add("timeoutSeconds", std::to_string(*options.timeoutSeconds));
  HttpRequest request;
  request.pathAndQuery = collectionPath(ref, ns) + query.toString();
  request.timeout = options.timeoutSeconds ? std::chrono::seconds(*options.timeoutSeconds) + kWatchTimeoutSlack
                                           : kWatchTimeoutWithoutServerTimeout;
  auto response =
      execute<HttpStreamResponse>(request, cancel, [&](const HttpRequest& r) { return http_->stream(r, cancel); });
  if (!response) return response.error();
  if (!isSuccess(response->status)) {
    auto body = readAll(*response->body);
    HttpResponse failed{response->status, response->headers, body ? std::move(body).value() : std::string()};
    return errorFrom(failed);
  }
  return std::make_unique<WatchStream>(std::move(response->body), ref);
}

Result<json> Client::create(const ResourceRef& ref, const json& object, const WriteOptions& options,
                            const CancelToken& cancel) {
  auto id = identityOf(ref, object, /*needName=*/false);
  if (!id) return id.error();
  json body = object;
  fillTypeMeta(ref, body);
  HttpRequest request;
  request.method = "POST";
  request.pathAndQuery =
      collectionPath(ref, id->ns) + writeQuery(options.dryRun, managerFor(options.fieldManager)).toString();
  request.body = body.dump();
  return sendJson(std::move(request), cancel);
}

Result<json> Client::put(const ResourceRef& ref, const json& object, std::string_view subresource,
                         const WriteOptions& options, const CancelToken& cancel) {
  auto id = identityOf(ref, object, /*needName=*/true);
  if (!id) return id.error();
  json body = object;
  fillTypeMeta(ref, body);
  HttpRequest request;
  request.method = "PUT";
  request.pathAndQuery = objectPath(ref, id->ns, id->name, subresource) +
                         writeQuery(options.dryRun, managerFor(options.fieldManager)).toString();
  request.body = body.dump();
  return sendJson(std::move(request), cancel);
}

Result<json> Client::update(const ResourceRef& ref, const json& object, const WriteOptions& options,
                            const CancelToken& cancel) {
  return put(ref, object, {}, options, cancel);
}

Result<json> Client::updateStatus(const ResourceRef& ref, const json& object, const WriteOptions& options,
                                  const CancelToken& cancel) {
  return put(ref, object, "status", options, cancel);
}

Result<json> Client::patch(const ResourceRef& ref, std::string_view ns, std::string_view name, PatchType type,
                           const json& patch, const WriteOptions& options, std::string_view subresource,
                           const CancelToken& cancel) {
  if (auto scope = checkScope(ref, ns, name, "patch"); !scope) return scope.error();
  HttpRequest request;
  request.method = "PATCH";
  request.pathAndQuery =
      objectPath(ref, ns, name, subresource) + writeQuery(options.dryRun, managerFor(options.fieldManager)).toString();
  request.headers.set("Content-Type", patchContentType(type));
  request.body = patch.dump();
  return sendJson(std::move(request), cancel);
}

Result<json> Client::applyTo(const ResourceRef& ref, const json& object, std::string_view subresource,
                             const ApplyOptions& options, const CancelToken& cancel) {
  auto id = identityOf(ref, object, /*needName=*/true);
  if (!id) return id.error();
  json body = object;
  fillTypeMeta(ref, body);
  Query query = writeQuery(options.dryRun, managerFor(options.fieldManager));
  if (options.force) query.add("force", "true");
  HttpRequest request;
  request.method = "PATCH";
  request.pathAndQuery = objectPath(ref, id->ns, id->name, subresource) + query.toString();
  // JSON is YAML: the apply content type takes a JSON body as it is.
  request.headers.set("Content-Type", "application/apply-patch+yaml");
  request.body = body.dump();
  return sendJson(std::move(request), cancel);
}

Result<json> Client::apply(const ResourceRef& ref, const json& object, const ApplyOptions& options,
                           const CancelToken& cancel) {
  return applyTo(ref, object, {}, options, cancel);
}

Result<json> Client::applyStatus(const ResourceRef& ref, const json& object, const ApplyOptions& options,
                                 const CancelToken& cancel) {
  return applyTo(ref, object, "status", options, cancel);
}

Result<json> Client::remove(const ResourceRef& ref, std::string_view ns, std::string_view name,
                            const DeleteOptions& options, const CancelToken& cancel) {
  if (auto scope = checkScope(ref, ns, name, "delete"); !scope) return scope.error();
  json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (!options.propagationPolicy.empty()) body["propagationPolicy"] = options.propagationPolicy;
  if (options.gracePeriodSeconds) body["gracePeriodSeconds"] = *options.gracePeriodSeconds;
  if (!options.preconditionUid.empty()) body["preconditions"]["uid"] = options.preconditionUid;
  if (!options.preconditionResourceVersion.empty()) {
    body["preconditions"]["resourceVersion"] = options.preconditionResourceVersion;
  }
  if (options.dryRun) body["dryRun"] = json::array({"All"});
  HttpRequest request;
  request.method = "DELETE";
  request.pathAndQuery = objectPath(ref, ns, name);
  request.body = body.dump();
  return sendJson(std::move(request), cancel);
}

}  // namespace flotilla::kube
