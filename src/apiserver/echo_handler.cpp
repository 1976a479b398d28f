#include "apiserver/echo_handler.h"

#include <charconv>
#include <cmath>
#include <random>
#include <string_view>

namespace flotilla::apiserver {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxDelayMs = 10 * 60 * 1000;  // a typo in ?ms= must not park a connection for days

bool validStatus(std::int64_t status) {
  return status >= 100 && status <= 599;
}

std::optional<std::int64_t> parseInt(std::string_view text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> parseDouble(std::string_view text) {
  double value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

// Value of `key` in a query string ("ms=200&x=1"); nullopt when absent. No percent-decoding: the parameters the
// echo server reads are plain numbers.
std::optional<std::string_view> queryParam(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

thread_local std::mt19937_64 randomEngine{std::random_device{}()};

double defaultUniform01() {
  return std::uniform_real_distribution<double>(0.0, 1.0)(randomEngine);
}

EchoResponse errorResponse(int status, std::string message) {
  return EchoResponse{status, json{{"error", std::move(message)}}, std::chrono::milliseconds(0)};
}

}  // namespace

json EchoSettings::toJson() const {
  return json{{"failureRate", failureRate}, {"latencyMs", latencyMs}, {"healthy", healthy}, {"failStatus", failStatus}};
}

std::optional<std::string> applyEchoSettingsPatch(const json& patch, EchoSettings& settings) {
  if (!patch.is_object()) return "control body must be a JSON object";
  EchoSettings next = settings;
  if (auto it = patch.find("failureRate"); it != patch.end()) {
    if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 1) return "failureRate must be a number 0..1";
    next.failureRate = it->get<double>();
  }
  if (auto it = patch.find("latencyMs"); it != patch.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > kMaxDelayMs) {
      return "latencyMs must be an integer 0.." + std::to_string(kMaxDelayMs);
    }
    next.latencyMs = it->get<std::int64_t>();
  }
  if (auto it = patch.find("healthy"); it != patch.end()) {
    if (!it->is_boolean()) return "healthy must be a boolean";
    next.healthy = it->get<bool>();
  }
  if (auto it = patch.find("failStatus"); it != patch.end()) {
    if (!it->is_number_integer() || !validStatus(it->get<std::int64_t>())) return "failStatus must be 100..599";
    next.failStatus = it->get<int>();
  }
  settings = next;
  return std::nullopt;
}

std::optional<std::string> readEchoSettingsFromEnv(const std::function<const char*(const char*)>& getenv,
                                                   EchoSettings& settings) {
  EchoSettings next = settings;
  if (const char* v = getenv("ECHO_FAILURE_RATE"); v && *v) {
    auto rate = parseDouble(v);
    if (!rate || *rate < 0 || *rate > 1) return "ECHO_FAILURE_RATE must be a number 0..1, got '" + std::string(v) + "'";
    next.failureRate = *rate;
  }
  if (const char* v = getenv("ECHO_LATENCY_MS"); v && *v) {
    auto ms = parseInt(v);
    if (!ms || *ms < 0 || *ms > kMaxDelayMs)
      return "ECHO_LATENCY_MS must be an integer >= 0, got '" + std::string(v) + "'";
    next.latencyMs = *ms;
  }
  if (const char* v = getenv("ECHO_FAIL_STATUS"); v && *v) {
    auto status = parseInt(v);
    if (!status || !validStatus(*status)) return "ECHO_FAIL_STATUS must be 100..599, got '" + std::string(v) + "'";
    next.failStatus = static_cast<int>(*status);
  }
  settings = next;
  return std::nullopt;
}

EchoBehaviour::EchoBehaviour(std::string service, std::string pod, EchoSettings settings)
    : service_(std::move(service)), pod_(std::move(pod)), settings_(settings) {}

EchoSettings EchoBehaviour::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void EchoBehaviour::setSettings(const EchoSettings& settings) {
  std::lock_guard lock(mutex_);
  settings_ = settings;
}

EchoResponse EchoBehaviour::answer(const EchoRequest& request) {
  return answer(request, defaultUniform01);
}

EchoResponse EchoBehaviour::answer(const EchoRequest& request, const std::function<double()>& uniform01) {
  std::string_view target = request.target;
  auto questionMark = target.find('?');
  std::string path(target.substr(0, questionMark));
  std::string query(questionMark == std::string_view::npos ? std::string_view() : target.substr(questionMark + 1));
  const EchoSettings current = settings();

  // Health and control are never subject to injected failures: tests must be able to switch failures off again.
  if (path == "/healthz") {
    if (!current.healthy) return errorResponse(503, "unhealthy (switched by /control)");
    return EchoResponse{200, json{{"status", "ok"}, {"pod", pod_}}, std::chrono::milliseconds(0)};
  }
  if (path == "/control") return control(request);

  requests_.fetch_add(1);
  EchoResponse response;
  if (path == "/fail") {
    int status = 500;
    if (auto requested = queryParam(query, "status")) {
      auto parsed = parseInt(*requested);
      if (!parsed || !validStatus(*parsed)) return errorResponse(400, "status must be 100..599");
      status = static_cast<int>(*parsed);
    }
    response = errorResponse(status, "failure requested by /fail");
  } else if (current.failureRate > 0 && uniform01() < current.failureRate) {
    response =
        errorResponse(current.failStatus, "injected failure (failureRate " + std::to_string(current.failureRate) + ")");
  } else {
    response = echo(request, path, query);
  }
  if (response.body.is_object()) {
    response.body["service"] = service_;
    response.body["pod"] = pod_;
  }

  std::int64_t delayMs = current.latencyMs;
  if (path == "/slow") {
    auto ms = queryParam(query, "ms");
    auto parsed = ms ? parseInt(*ms) : std::optional<std::int64_t>(1000);
    if (!parsed || *parsed < 0 || *parsed > kMaxDelayMs) return errorResponse(400, "ms must be an integer >= 0");
    delayMs += *parsed;
  }
  response.delay = std::chrono::milliseconds(delayMs);
  return response;
}

EchoResponse EchoBehaviour::echo(const EchoRequest& request, const std::string& path, const std::string& query) const {
  json headers = json::object();
  for (const auto& [name, value] : request.headers) headers[name] = value;
  auto host = request.headers.find("host");
  json body{{"service", service_},
            {"pod", pod_},
            {"path", path},
            {"query", query},
            {"method", request.method},
            {"headers", std::move(headers)},
            {"host", host == request.headers.end() ? "" : host->second},
            {"bodyLength", request.body.size()}};
  return EchoResponse{200, std::move(body), std::chrono::milliseconds(0)};
}

EchoResponse EchoBehaviour::control(const EchoRequest& request) {
  if (request.method == "GET") {
    json state = settings().toJson();
    state["requests"] = requests();
    return EchoResponse{200, std::move(state), std::chrono::milliseconds(0)};
  }
  if (request.method != "POST" && request.method != "PUT") return errorResponse(405, "use GET or POST");
  json patch = json::parse(request.body, nullptr, false);
  if (patch.is_discarded()) return errorResponse(400, "control body is not valid JSON");
  std::lock_guard lock(mutex_);
  if (auto error = applyEchoSettingsPatch(patch, settings_)) return errorResponse(400, *error);
  return EchoResponse{200, settings_.toJson(), std::chrono::milliseconds(0)};
}

}  // namespace flotilla::apiserver
