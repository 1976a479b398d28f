#pragma once
// REST handling of resource requests (/api/v1/..., /apis/<g>/<v>/...): maps verbs and subresources onto
// ResourceService, negotiates the response form (object, List, Table, PartialObjectMetadata) and streams watches.

#include <atomic>
#include <chrono>
#include <string>

#include "apiserver/http_types.h"
#include "apiserver/list_options.h"
#include "apiserver/object_store.h"
#include "apiserver/request_info.h"
#include "apiserver/resource_service.h"

namespace flotilla::apiserver {

struct WatchSettings {
  std::chrono::milliseconds bookmarkInterval{5000};
  // Watches without timeoutSeconds end after a random time in [min, 2*min], like kube-apiserver's
  // --min-request-timeout (clients resume from their last version).
  std::chrono::seconds minRequestTimeout{1800};
};

class ResourceHandler {
 public:
  ResourceHandler(ResourceService& service, WatchSettings settings, const std::atomic<bool>& stopping)
      : service_(service), store_(service.store()), settings_(settings), stopping_(stopping) {}

  void handle(const HttpRequest& request, const RequestInfo& info, Responder& responder);

 private:
  void get(const HttpRequest& request, const ResourceInfo& resource, const RequestInfo& info, Responder& responder);
  void list(const HttpRequest& request, const ResourceInfo& resource, const ListOptions& options, Responder& responder);
  void watch(const HttpRequest& request, const ResourceInfo& resource, const ListOptions& options,
             Responder& responder);
  void create(const HttpRequest& request, const ResourceInfo& resource, const RequestInfo& info, Responder& responder);
  void update(const HttpRequest& request, const ResourceInfo& resource, const RequestInfo& info, Responder& responder);
  void patch(const HttpRequest& request, const ResourceInfo& resource, const RequestInfo& info, Responder& responder);
  void remove(const HttpRequest& request, const ResourceInfo& resource, const RequestInfo& info, Responder& responder);
  void removeCollection(const HttpRequest& request, const ResourceInfo& resource, const RequestInfo& info,
                        Responder& responder);

  ResourceService& service_;
  ObjectStore& store_;
  WatchSettings settings_;
  const std::atomic<bool>& stopping_;
};

// Write options from the query (dryRun, fieldManager, fieldValidation, force) and the User-Agent.
Result<WriteOptions> writeOptionsFrom(const HttpRequest& request);
// Delete options from the body (metav1.DeleteOptions) and the query.
Result<DeleteOptions> deleteOptionsFrom(const HttpRequest& request);

}  // namespace flotilla::apiserver
