#include "render/backends_json.h"

#include <nlohmann/json.hpp>

namespace flotilla::render {
namespace {

// A JSON string as nlohmann::json::dump writes it. Names, routes and server options are plain printable ASCII;
// anything else (quotes, backslashes, control or non-ASCII bytes) takes nlohmann's own escaping.
void appendString(std::string& out, const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += nlohmann::json(text).dump();
      return;
    }
  }
  out += '"';
  out += text;
  out += '"';
}

void appendBool(std::string& out, bool value) {
  out += value ? "true" : "false";
}

template <typename Int>
void appendInt(std::string& out, Int value) {
  out += std::to_string(value);
}

// One "    \"key\": value" member; the keys must come in nlohmann's (sorted) order.
template <typename Value, typename Append>
void member(std::string& out, const char* key, const Value& value, Append append, bool last = false) {
  out += "    \"";
  out += key;
  out += "\": ";
  append(out, value);
  out += last ? "\n" : ",\n";
}

}  // namespace

std::string backendsJsonText(const std::vector<BackendSlots>& backends) {
  if (backends.empty()) return "[]\n";
  std::string out = "[\n";
  for (std::size_t i = 0; i < backends.size(); ++i) {
    const BackendSlots& b = backends[i];
    out += "  {\n";
    member(out, "backend", b.backend, appendString);
    member(out, "breakerPolicy", b.breakerPolicy, appendString);
    member(out, "currentReplicas", b.currentReplicas, appendInt<std::int32_t>);
    member(out, "maxConnections", b.maxConnections, appendInt<std::int32_t>);
    member(out, "microservice", b.microservice.name, appendString);
    member(out, "namespace", b.microservice.namespace_, appendString);
    member(out, "openDurationMs", b.openDurationMs, appendInt<std::int64_t>);
    member(out, "portName", b.portName, appendString);
    member(out, "route", b.route, appendString);
    member(out, "rule", b.rule, appendInt<std::int32_t>);
    member(out, "scaleLimitsWithReplicas", b.scaleLimitsWithReplicas, appendBool);
    member(out, "serverOptions", b.serverOptions, appendString);
    member(out, "slots", b.slots, appendInt<std::int32_t>);
    member(out, "successesToClose", b.successesToClose, appendInt<std::int32_t>);
    member(out, "targetPort", b.targetPort, appendInt<std::int32_t>, /*last=*/true);
    out += i + 1 < backends.size() ? "  },\n" : "  }\n";
  }
  out += "]\n";
  return out;
}

}  // namespace flotilla::render
