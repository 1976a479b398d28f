#include "gateway/status_reporter.h"

#include "kube/cancel.h"
#include "kube/well_known_resources.h"

namespace flotilla::gateway {

nlohmann::json statusPatch(const LoadedStatus& status) {
  auto valueOrNull = [](const std::string& value) { return value.empty() ? nlohmann::json() : nlohmann::json(value); };
  return {{"metadata",
           {{"annotations",
             {{kAnnotationLoadedConfigHash, valueOrNull(status.loadedHash)},
              {kAnnotationLoadedGatewayGeneration, valueOrNull(status.loadedGeneration)},
              {kAnnotationConfigError, valueOrNull(status.error)},
              {kAnnotationConfigErrorHash, valueOrNull(status.error.empty() ? std::string() : status.errorHash)},
              {render::kAnnotationOpenCircuits, valueOrNull(status.openCircuits)}}}}}};
}

StatusReporter::StatusReporter(std::shared_ptr<kube::Client> client, std::string podNamespace, std::string podName,
                               std::chrono::milliseconds retryDelay)
    : client_(std::move(client)),
      podNamespace_(std::move(podNamespace)),
      podName_(std::move(podName)),
      retryDelay_(retryDelay),
      log_(observability::Logger("gateway.status").with({{"pod", podNamespace_ + "/" + podName_}})) {
  if (enabled()) thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

StatusReporter::~StatusReporter() {
  if (thread_.joinable()) {
    thread_.request_stop();
    wake_.notify_all();
    thread_.join();
  }
}

void StatusReporter::publish(const LoadedStatus& status) {
  if (!enabled()) return;
  std::lock_guard lock(mutex_);
  if (wanted_ == status) return;
  wanted_ = status;
  wake_.notify_all();
}

bool StatusReporter::upToDate() const {
  std::lock_guard lock(mutex_);
  return wanted_ == sent_;
}

void StatusReporter::run(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    wake_.wait(lock, stop, [this] { return wanted_ && wanted_ != sent_; });
    if (stop.stop_requested()) return;
    const LoadedStatus status = *wanted_;
    lock.unlock();
    kube::CancelSource cancel;
    std::stop_callback onStop(stop, [&cancel] { cancel.cancel(); });
    auto patched = client_->patch(kube::resources::kPods, podNamespace_, podName_, kube::PatchType::Merge,
                                  statusPatch(status), {}, {}, cancel.token());
    lock.lock();
    if (patched.ok()) {
      sent_ = status;
      log_.info("reported loaded config", {{"hash", status.loadedHash},
                                           {"generation", status.loadedGeneration},
                                           {"error", status.error},
                                           {"openCircuits", status.openCircuits}});
      continue;
    }
    log_.warn("cannot report status on the pod; retrying", {{"error", patched.error().toString()}});
    wake_.wait_for(lock, stop, retryDelay_, [] { return false; });
  }
}

}  // namespace flotilla::gateway
