#pragma once
// The utilization figures the simulated HPA controller reads, standing in for metrics-server. Tests and the demo
// set them per Deployment (every pod of it) or per pod through POST /debug/metrics:
//   {"namespace":"shop","deployment":"order-service","cpuUtilization":150}
//   {"namespace":"shop","pod":"order-service-7d9f-abcde","memoryUtilization":80}
// (a list of such objects is accepted too; null clears a figure). GET returns the table, DELETE empties it.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace flotilla::apiserver {

class WorkloadMetrics {
 public:
  struct Figures {
    std::optional<double> cpu;     // percent of the request
    std::optional<double> memory;  // percent of the request
  };

  // Figures named in a change are replaced (nullopt clears one); the others are kept.
  struct Change {
    bool setCpu = false;
    std::optional<double> cpu;
    bool setMemory = false;
    std::optional<double> memory;
  };

  void setDeployment(const std::string& namespace_, const std::string& deployment, const Figures& figures);
  void setPod(const std::string& namespace_, const std::string& pod, const Figures& figures);
  void changeDeployment(const std::string& namespace_, const std::string& deployment, const Change& change);
  void changePod(const std::string& namespace_, const std::string& pod, const Change& change);
  void clear();

  // The pod's own figure if set, else its Deployment's. `resource`: "cpu" or "memory".
  std::optional<double> utilization(const std::string& namespace_, const std::string& deployment,
                                    const std::string& pod, const std::string& resource) const;

  nlohmann::json toJson() const;

 private:
  using Key = std::pair<std::string, std::string>;  // (namespace, name)
  void apply(std::map<Key, Figures>& table, const Key& key, const Change& change);

  mutable std::mutex mutex_;
  std::map<Key, Figures> deployments_;
  std::map<Key, Figures> pods_;
};

// The /debug/metrics endpoint: status code and JSON body for a request.
struct DebugReply {
  int status = 200;
  nlohmann::json body;
};
DebugReply handleDebugMetricsRequest(WorkloadMetrics& metrics, const std::string& method, const std::string& body);

}  // namespace flotilla::apiserver
