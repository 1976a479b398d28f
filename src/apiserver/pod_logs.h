#pragma once
// GET /api/v1/namespaces/{ns}/pods/{name}/log (`kubectl logs`): what a container of a pod run by --run-pods wrote
// to stdout and stderr, read from the file the pod runner keeps (containerLogPath). Pods that are only simulated
// have no output: their log is empty. Query parameters: container (required when the pod has several),
// tailLines, limitBytes; follow and previous are accepted but answer what is there now (no streaming).

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "apiserver/http_types.h"
#include "apiserver/result.h"

namespace flotilla::apiserver {

// The log text of the requested container of `pod`, or 400 for a missing/unknown container or a bad number.
Result<std::string> podLog(const nlohmann::json& pod, const HttpRequest& request);

// The last `tailLines` lines of `text` (all when absent), then at most its first `limitBytes` bytes.
std::string selectLogText(const std::string& text, std::optional<std::int64_t> tailLines,
                          std::optional<std::int64_t> limitBytes);

}  // namespace flotilla::apiserver
