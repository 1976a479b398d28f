#include "apiserver/workload_metrics.h"

namespace flotilla::apiserver {

using nlohmann::json;

namespace {

json figuresJson(const WorkloadMetrics::Figures& figures) {
  json out = json::object();
  if (figures.cpu) out["cpuUtilization"] = *figures.cpu;
  if (figures.memory) out["memoryUtilization"] = *figures.memory;
  return out;
}

// Reads one figure of a /debug/metrics entry: absent → not set; null → cleared; else a number >= 0.
std::optional<std::string> readFigure(const json& entry, const char* field, bool& set, std::optional<double>& out) {
  auto it = entry.find(field);
  if (it == entry.end()) return std::nullopt;
  set = true;
  if (it->is_null()) return std::nullopt;
  if (!it->is_number() || it->get<double>() < 0) return std::string(field) + " must be a number >= 0";
  out = it->get<double>();
  return std::nullopt;
}

}  // namespace

void WorkloadMetrics::setDeployment(const std::string& namespace_, const std::string& deployment,
                                    const Figures& figures) {
  std::lock_guard lock(mutex_);
  deployments_[{namespace_, deployment}] = figures;
}

void WorkloadMetrics::setPod(const std::string& namespace_, const std::string& pod, const Figures& figures) {
  std::lock_guard lock(mutex_);
  pods_[{namespace_, pod}] = figures;
}

void WorkloadMetrics::apply(std::map<Key, Figures>& table, const Key& key, const Change& change) {
  std::lock_guard lock(mutex_);
  Figures& figures = table[key];
  if (change.setCpu) figures.cpu = change.cpu;
  if (change.setMemory) figures.memory = change.memory;
  if (!figures.cpu && !figures.memory) table.erase(key);
}

void WorkloadMetrics::changeDeployment(const std::string& namespace_, const std::string& deployment,
                                       const Change& change) {
  apply(deployments_, {namespace_, deployment}, change);
}

void WorkloadMetrics::changePod(const std::string& namespace_, const std::string& pod, const Change& change) {
  apply(pods_, {namespace_, pod}, change);
}

void WorkloadMetrics::clear() {
  std::lock_guard lock(mutex_);
  deployments_.clear();
  pods_.clear();
}

std::optional<double> WorkloadMetrics::utilization(const std::string& namespace_, const std::string& deployment,
                                                   const std::string& pod, const std::string& resource) const {
  auto pick = [&](const Figures& f) {
    return resource == "cpu" ? f.cpu : resource == "memory" ? f.memory : std::nullopt;
  };
  std::lock_guard lock(mutex_);
  if (auto it = pods_.find({namespace_, pod}); it != pods_.end()) {
    if (auto value = pick(it->second)) return value;
  }
  if (auto it = deployments_.find({namespace_, deployment}); it != deployments_.end()) return pick(it->second);
  return std::nullopt;
}

json WorkloadMetrics::toJson() const {
  std::lock_guard lock(mutex_);
  json out{{"deployments", json::array()}, {"pods", json::array()}};
  for (const auto& [key, figures] : deployments_) {
    json entry = figuresJson(figures);
    entry["namespace"] = key.first;
    entry["deployment"] = key.second;
    out["deployments"].push_back(std::move(entry));
  }
  for (const auto& [key, figures] : pods_) {
    json entry = figuresJson(figures);
    entry["namespace"] = key.first;
    entry["pod"] = key.second;
    out["pods"].push_back(std::move(entry));
  }
  return out;
}

DebugReply handleDebugMetricsRequest(WorkloadMetrics& metrics, const std::string& method, const std::string& body) {
  auto bad = [](std::string message) { return DebugReply{400, json{{"error", std::move(message)}}}; };
  if (method == "GET") return DebugReply{200, metrics.toJson()};
  if (method == "DELETE") {
    metrics.clear();
    return DebugReply{200, metrics.toJson()};
  }
  if (method != "POST" && method != "PUT") return DebugReply{405, json{{"error", "use GET, POST or DELETE"}}};
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return bad("body is not valid JSON");
  json entries = parsed.is_array() ? parsed : json::array({parsed});
  // Everything is checked before anything changes, so a bad entry changes nothing.
  struct Entry {
    std::string ns, deployment, pod;
    WorkloadMetrics::Change change;
  };
  std::vector<Entry> checked;
  for (const auto& entry : entries) {
    if (!entry.is_object()) return bad("each entry must be a JSON object");
    Entry e;
    e.ns = entry.value("namespace", "default");
    e.deployment = entry.value("deployment", "");
    e.pod = entry.value("pod", "");
    if (e.deployment.empty() == e.pod.empty()) return bad("name exactly one of \"deployment\" or \"pod\"");
    if (auto error = readFigure(entry, "cpuUtilization", e.change.setCpu, e.change.cpu)) return bad(*error);
    if (auto error = readFigure(entry, "memoryUtilization", e.change.setMemory, e.change.memory)) return bad(*error);
    if (!e.change.setCpu && !e.change.setMemory) {
      return bad("set cpuUtilization and/or memoryUtilization (percent of the request)");
    }
    checked.push_back(std::move(e));
  }
  for (const auto& e : checked) {
    if (e.pod.empty()) {
      metrics.changeDeployment(e.ns, e.deployment, e.change);
    } else {
      metrics.changePod(e.ns, e.pod, e.change);
    }
  }
  return DebugReply{200, metrics.toJson()};
}

}  // namespace flotilla::apiserver
