#include "kube/http_client.h"

#include <algorithm>
#include <cctype>

namespace flotilla::kube {
bool headerNameEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

void HttpHeaders::set(std::string_view name, std::string value) {
  std::erase_if(entries_, [&](const auto& e) { return headerNameEquals(e.first, name); });
  entries_.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string> HttpHeaders::get(std::string_view name) const {
  for (const auto& [key, value] : entries_) {
    if (headerNameEquals(key, name)) return value;
  }
  return std::nullopt;
}

Result<std::string> readAll(LineReader& reader) {
  std::string out;
  bool first = true;
  while (true) {
    auto line = reader.readLine();
    if (!line) return line.error();
    if (!line.value()) return out;
    if (!first) out += '\n';
    out += **line;
    first = false;
  }
}

}  // namespace flotilla::kube
