#include "runtime/kube_adapters.h"

#include <functional>

#include "kube/well_known_resources.h"
#include "runtime/object.h"
#include "runtime/wall_time.h"

namespace flotilla::runtime {

namespace {

// A kube CancelToken that fires when a std::stop_token is requested, for as long as this object lives.
class CancelOnStop {
 public:
  explicit CancelOnStop(std::stop_token stop) : callback_(std::move(stop), [this] { source_.cancel(); }) {}
  kube::CancelToken token() const { return source_.token(); }

 private:
  kube::CancelSource source_;
  std::stop_callback<std::function<void()>> callback_;
};

class KubeWatchStream final : public WatchStream {
 public:
  KubeWatchStream(std::unique_ptr<CancelOnStop> cancel, std::unique_ptr<kube::WatchStream> stream)
      : cancel_(std::move(cancel)), stream_(std::move(stream)) {}
  kube::Result<std::optional<kube::WatchEvent>> next() override { return stream_->next(); }

 private:
  std::unique_ptr<CancelOnStop> cancel_;  // outlives the stream reading through its token
  std::unique_ptr<kube::WatchStream> stream_;
};

std::string stringField(const nlohmann::json& spec, const char* field) {
  auto it = spec.find(field);
  return it != spec.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int intField(const nlohmann::json& spec, const char* field) {
  auto it = spec.find(field);
  return it != spec.end() && it->is_number_integer() ? it->get<int>() : 0;
}

std::optional<WallTime> timeField(const nlohmann::json& spec, const char* field) {
  auto it = spec.find(field);
  if (it == spec.end() || !it->is_string()) return std::nullopt;
  return parseTime(it->get<std::string>());
}

}  // namespace

KubeListerWatcher::KubeListerWatcher(std::shared_ptr<kube::Client> client, kube::ResourceRef resource,
                                     std::string namespace_)
    : client_(std::move(client)), resource_(std::move(resource)), namespace_(std::move(namespace_)) {}

kube::Result<kube::ObjectList> KubeListerWatcher::list(const kube::ListOptions& options, std::stop_token stop) {
  CancelOnStop cancel(std::move(stop));
  return client_->list(resource_, namespace_, options, cancel.token());
}

kube::Result<std::unique_ptr<WatchStream>> KubeListerWatcher::watch(const kube::WatchOptions& options,
                                                                    std::stop_token stop) {
  auto cancel = std::make_unique<CancelOnStop>(std::move(stop));
  auto stream = client_->watch(resource_, namespace_, options, cancel->token());
  if (!stream.ok()) return stream.error();
  return std::unique_ptr<WatchStream>(std::make_unique<KubeWatchStream>(std::move(cancel), std::move(*stream)));
}

LeaseRecord leaseRecordFromJson(const nlohmann::json& lease) {
  LeaseRecord record;
  auto specIt = lease.find("spec");
  if (specIt == lease.end() || !specIt->is_object()) return record;
  const nlohmann::json& spec = *specIt;
  record.holderIdentity = stringField(spec, "holderIdentity");
  record.leaseDurationSeconds = intField(spec, "leaseDurationSeconds");
  record.acquireTime = timeField(spec, "acquireTime");
  record.renewTime = timeField(spec, "renewTime");
  record.leaseTransitions = intField(spec, "leaseTransitions");
  return record;
}

void writeLeaseRecord(const LeaseRecord& record, nlohmann::json& lease) {
  auto& spec = lease["spec"];
  spec["holderIdentity"] = record.holderIdentity;
  spec["leaseDurationSeconds"] = record.leaseDurationSeconds;
  spec["leaseTransitions"] = record.leaseTransitions;
  for (auto [field, time] : {std::pair{"acquireTime", record.acquireTime}, std::pair{"renewTime", record.renewTime}}) {
    if (time) {
      spec[field] = formatMicroTime(*time);
    } else {
      spec.erase(field);
    }
  }
}

KubeLeaseStore::KubeLeaseStore(std::shared_ptr<kube::Client> client, std::string namespace_, std::string name)
    : client_(std::move(client)), namespace_(std::move(namespace_)), name_(std::move(name)) {}

kube::Result<Lease> KubeLeaseStore::remember(kube::Result<nlohmann::json> object) {
  if (!object.ok()) return object.error();
  std::lock_guard lock(mutex_);
  last_ = *object;
  return Lease{leaseRecordFromJson(*object), resourceVersionOf(*object)};
}

kube::Result<Lease> KubeLeaseStore::get() {
  return remember(client_->get(kube::resources::kLeases, namespace_, name_));
}

kube::Result<Lease> KubeLeaseStore::create(const LeaseRecord& record) {
  nlohmann::json lease = {{"apiVersion", kube::resources::kLeases.apiVersion()},
                          {"kind", kube::resources::kLeases.kind},
                          {"metadata", {{"namespace", namespace_}, {"name", name_}}}};
  writeLeaseRecord(record, lease);
  return remember(client_->create(kube::resources::kLeases, lease));
}

kube::Result<Lease> KubeLeaseStore::update(const Lease& lease) {
  nlohmann::json object;
  {
    std::lock_guard lock(mutex_);
    if (resourceVersionOf(last_) == lease.resourceVersion) object = last_;
  }
  if (object.is_null()) {
    object = {{"apiVersion", kube::resources::kLeases.apiVersion()},
              {"kind", kube::resources::kLeases.kind},
              {"metadata", {{"namespace", namespace_}, {"name", name_}}}};
  }
  object["metadata"]["resourceVersion"] = lease.resourceVersion;
  object["metadata"].erase("managedFields");
  writeLeaseRecord(lease.record, object);
  return remember(client_->update(kube::resources::kLeases, object));
}

KubeEventSink::KubeEventSink(std::shared_ptr<kube::Client> client) : client_(std::move(client)) {}

kube::Result<nlohmann::json> KubeEventSink::create(const nlohmann::json& event) {
  return client_->create(kube::resources::kEvents, event);
}

kube::Result<nlohmann::json> KubeEventSink::patch(const std::string& namespace_, const std::string& name,
                                                  const nlohmann::json& mergePatch) {
  return client_->patch(kube::resources::kEvents, namespace_, name, kube::PatchType::Merge, mergePatch);
}

}  // namespace flotilla::runtime
