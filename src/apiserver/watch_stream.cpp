// Watch streams: chunked, newline-delimited JSON events from the store's Watcher, with bookmarks, timeouts,
// Table / metadata-only forms and 410 Gone as an ERROR event, as kube-apiserver streams them.
#include <random>

#include "apiserver/object_meta.h"
#include "apiserver/request_body.h"
#include "apiserver/resource_handler.h"
#include "apiserver/responses.h"
#include "apiserver/table.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

// Turns store events into the lines of one watch response.
class EventEncoder {
 public:
  enum class Form { Object, Table, Metadata };

  EventEncoder(const ResourceInfo& resource, Form form, IncludeObject include)
      : resource_(resource), form_(form), include_(include), printer_(resource) {}

  std::string encode(const WatchEvent& event) {
    std::string line = "{\"type\":\"";
    line += eventTypeName(event.type);
    line += "\",\"object\":";
    const StoredObject& stored = *event.object;
    const bool sameVersion = stored.object.value("apiVersion", "") == resource_.apiVersion();
    switch (form_) {
      case Form::Object:
        line += sameVersion ? stored.serialized : ResourceService::viewAs(resource_, stored.object).dump();
        break;
      case Form::Metadata:
        line += partialObjectMetadata(stored.object).dump();
        break;
      case Form::Table: {
        json view = ResourceService::viewAs(resource_, stored.object);
        line += printer_.table({&view}, std::to_string(stored.resourceVersion), include_, first_).dump();
        first_ = false;
        break;
      }
    }
    line += "}\n";
    return line;
  }

  std::string bookmark(std::uint64_t version, bool initialEventsEnd) const {
    json metadata = {{"resourceVersion", std::to_string(version)}, {"creationTimestamp", nullptr}};
    if (initialEventsEnd) metadata["annotations"] = {{"k8s.io/initial-events-end", "true"}};
    json object = {{"kind", resource_.kind}, {"apiVersion", resource_.apiVersion()}, {"metadata", metadata}};
    return json{{"type", "BOOKMARK"}, {"object", object}}.dump() + "\n";
  }

 private:
  const ResourceInfo& resource_;
  Form form_;
  IncludeObject include_;
  TablePrinter printer_;
  bool first_ = true;
};

std::chrono::seconds randomTimeout(std::chrono::seconds minimum) {
  thread_local std::mt19937 engine{std::random_device{}()};
  std::uniform_int_distribution<long> dist(minimum.count(), 2 * minimum.count());
  return std::chrono::seconds(dist(engine));
}

}  // namespace

void ResourceHandler::watch(const HttpRequest& request, const ResourceInfo& resource, const ListOptions& options,
                            Responder& responder) {
  using Clock = std::chrono::steady_clock;
  std::string accept = request.header("Accept");
  EventEncoder::Form form = acceptsTable(accept) ? EventEncoder::Form::Table
                            : acceptsPartialMetadata(accept) || acceptsPartialMetadataList(accept)
                                ? EventEncoder::Form::Metadata
                                : EventEncoder::Form::Object;
  EventEncoder encoder(resource, form, options.include);

  // resourceVersion unset or "0" (or sendInitialEvents): the current state first, as synthetic ADDED events.
  std::optional<std::uint64_t> from;
  if (!options.sendInitialEvents && options.resourceVersion && *options.resourceVersion != 0) {
    from = options.resourceVersion;
  }
  auto subscribed = store_.watch(resource.storageKey(), options.filter, from);
  HeaderList headers = {{"Cache-Control", "no-cache, private"}};
  ResponseStream* stream = responder.startStream(200, "application/json", headers);
  if (!stream) {
    if (subscribed.ok()) store_.stopWatch(*subscribed);
    return;
  }
  if (!subscribed.ok()) {
    // kube-apiserver reports a too-old version inside the stream.
    stream->write(json{{"type", "ERROR"}, {"object", subscribed.error().toStatus()}}.dump() + "\n");
    return;
  }
  std::shared_ptr<Watcher> watcher = *subscribed;
  const auto deadline = Clock::now() + (options.timeoutSeconds ? std::chrono::seconds(*options.timeoutSeconds)
                                                               : randomTimeout(settings_.minRequestTimeout));
  auto nextBookmark = Clock::now() + settings_.bookmarkInterval;
  bool initialEventsPending = options.sendInitialEvents;
  bool open = true;
  while (open && !stopping_) {
    auto now = Clock::now();
    if (now >= deadline) break;
    // Wake at least twice a second to notice a client that went away.
    auto wait =
        std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now), std::chrono::milliseconds(500));
    if (options.allowWatchBookmarks) {
      wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::max(nextBookmark - now, Clock::duration::zero())));
    }
    if (initialEventsPending) wait = std::chrono::milliseconds(0);
    std::vector<WatchEvent> events = watcher->waitForEvents(wait);
    if (!events.empty()) {
      std::string chunk;
      for (const auto& event : events) chunk += encoder.encode(event);
      open = stream->write(chunk);
      continue;
    }
    if (watcher->isClosed()) break;
    if (initialEventsPending) {
      // Every initial ADDED has been written; the bookmark tells the client the initial list is complete.
      if (auto version = store_.bookmarkVersion(*watcher)) {
        open = stream->write(encoder.bookmark(*version, true));
        initialEventsPending = false;
      }
      continue;
    }
    if (options.allowWatchBookmarks && Clock::now() >= nextBookmark) {
      if (auto version = store_.bookmarkVersion(*watcher)) open = stream->write(encoder.bookmark(*version, false));
      nextBookmark = Clock::now() + settings_.bookmarkInterval;
    }
    if (open && stream->clientGone()) open = false;
  }
  store_.stopWatch(watcher);
}

}  // namespace flotilla::apiserver
