#include "gateway/admin_socket.h"

#include <charconv>
#include <map>
#include <sstream>

namespace flotilla::gateway {
namespace {

template <typename Int>
Int toNumber(std::string_view text, Int fallback = 0) {
  Int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() ? value : fallback;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const auto end = text.find(separator, start);
    out.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// One CSV record: HAProxy quotes a field holding a comma (a check description like "Detected 3 consecutive errors,
// last one was: ...") in double quotes, with "" for a quote inside.
std::vector<std::string> csvFields(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  for (auto line : split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
  }
  return out;
}

}  // namespace

std::vector<ServerState> parseServersState(std::string_view text) {
  // "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state ... srv_fqdn srv_port ...".
  std::map<std::string, std::size_t> column;
  std::vector<ServerState> out;
  for (auto line : lines(text)) {
    if (line.starts_with("# ")) {
      std::istringstream names{std::string(line.substr(2))};
      std::string name;
      for (std::size_t i = 0; names >> name; ++i) column[name] = i;
      continue;
    }
    if (column.empty() || line.empty()) continue;
    std::vector<std::string> words;
    std::istringstream in{std::string(line)};
    for (std::string word; in >> word;) words.push_back(word);
    auto field = [&](const char* name) -> std::string {
      auto it = column.find(name);
      return it != column.end() && it->second < words.size() ? words[it->second] : std::string();
    };
    ServerState state;
    state.backend = field("be_name");
    state.server = field("srv_name");
    state.address = field("srv_addr");
    state.port = toNumber<int>(field("srv_port"));
    state.operationalState = toNumber<int>(field("srv_op_state"));
    state.adminState = toNumber<int>(field("srv_admin_state"));
    if (state.backend.empty() || state.server.empty()) continue;
    out.push_back(std::move(state));
  }
  return out;
}

std::vector<ServerStat> parseServerStats(std::string_view csv) {
  std::map<std::string, std::size_t> column;
  std::vector<ServerStat> out;
  for (auto line : lines(csv)) {
    if (line.starts_with("# ")) {
      const auto names = split(line.substr(2), ',');
      for (std::size_t i = 0; i < names.size(); ++i) column[std::string(names[i])] = i;
      continue;
    }
    if (column.empty() || line.empty()) continue;
    const auto cells = csvFields(line);
    auto field = [&](const char* name) -> std::string_view {
      auto it = column.find(name);
      return it != column.end() && it->second < cells.size() ? std::string_view(cells[it->second]) : std::string_view();
    };
    ServerStat stat;
    stat.server = std::string(field("svname"));
    if (stat.server == "FRONTEND" || stat.server == "BACKEND" || stat.server.empty()) continue;
    stat.backend = std::string(field("pxname"));
    stat.status = std::string(field("status"));
    stat.healthAnalysisFailures = toNumber<std::int64_t>(field("hanafail"));
    stat.sessionLimit = toNumber<std::int32_t>(field("slim"));
    stat.address = std::string(field("addr"));
    out.push_back(std::move(stat));
  }
  return out;
}

std::vector<std::string> runtimeCommandErrors(std::string_view answer) {
  std::vector<std::string> errors;
  for (auto line : lines(answer)) {
    if (line.empty()) continue;
    if (line.find("changed from") != std::string_view::npos || line.starts_with("no need to change")) continue;
    errors.emplace_back(line);
  }
  return errors;
}

AdminSocket::AdminSocket(std::string socketPath, std::chrono::milliseconds timeout)
    : socketPath_(std::move(socketPath)), timeout_(timeout) {}

SocketAnswer AdminSocket::command(std::string_view command) const {
  return exchangeOverUnixSocket(socketPath_, command, timeout_);
}

std::optional<std::vector<ServerState>> AdminSocket::serversState(std::string& error) const {
  auto answer = command("show servers state");
  if (!answer.ok()) {
    error = answer.error;
    return std::nullopt;
  }
  return parseServersState(answer.text);
}

std::optional<std::vector<ServerStat>> AdminSocket::serverStats(std::string& error) const {
  // -1 4 -1: every proxy, servers only, every server.
  auto answer = command("show stat -1 4 -1");
  if (!answer.ok()) {
    error = answer.error;
    return std::nullopt;
  }
  return parseServerStats(answer.text);
}

}  // namespace flotilla::gateway
