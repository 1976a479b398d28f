#include "observability/logging.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <spdlog/sinks/stdout_sinks.h>

namespace flotilla::observability {
namespace {

using ordered_json = nlohmann::ordered_json;

// The structured fields of the line being logged on this thread. Logger::log sets them around the spdlog call;
// lines logged through plain spdlog have none.
struct PendingFields {
  const LogFields* base = nullptr;
  const LogFields* call = nullptr;
};
thread_local PendingFields pending;

// Shared formatter state: the format chosen by configureLogging, applied to loggers created later.
std::mutex configMutex;
LogFormat currentFormat = LogFormat::Json;

const char* levelName(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return "trace";
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::err:
      return "error";
    case LogLevel::critical:
      return "critical";
    default:
      return "off";
  }
}

// RFC 3339 UTC with milliseconds: 2024-05-01T12:00:00.123Z
std::string timestamp(spdlog::log_clock::time_point time) {
  const auto sinceEpoch = time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(sinceEpoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(sinceEpoch - seconds).count();
  const std::time_t t = seconds.count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return buffer;
}

bool isReserved(const std::string& key) {
  return key == "ts" || key == "level" || key == "logger" || key == "msg";
}

// Fields in order, later keys replacing earlier ones; a field may not overwrite ts/level/logger/msg.
void addFields(ordered_json& line, const LogFields* fields) {
  if (fields == nullptr) return;
  for (const auto& [key, value] : *fields) line[isReserved(key) ? "fields." + key : key] = value;
}

std::string dumpJson(const ordered_json& value) {
  // Invalid UTF-8 (from object data or error text) becomes U+FFFD rather than breaking the line.
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    ordered_json line;
    line["ts"] = timestamp(msg.time);
    line["level"] = levelName(msg.level);
    line["logger"] = std::string(msg.logger_name.data(), msg.logger_name.size());
    line["msg"] = std::string(msg.payload.data(), msg.payload.size());
    addFields(line, pending.base);
    addFields(line, pending.call);
    append(dest, dumpJson(line));
    append(dest, "\n");
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

// Control characters would let a message forge extra lines; humans get them escaped.
std::string escapeControls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      out += buffer;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// zap's console layout: ts <TAB> LEVEL <TAB> logger <TAB> msg [<TAB> {fields as JSON}]
class TextFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string level = levelName(msg.level);
    for (auto& c : level) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    append(dest, timestamp(msg.time) + "\t" + level + "\t");
    append(dest, escapeControls(std::string_view(msg.logger_name.data(), msg.logger_name.size())) + "\t");
    append(dest, escapeControls(std::string_view(msg.payload.data(), msg.payload.size())));
    ordered_json fields = ordered_json::object();
    addFields(fields, pending.base);
    addFields(fields, pending.call);
    if (!fields.empty()) append(dest, "\t" + dumpJson(fields));
    append(dest, "\n");
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<TextFormatter>(); }
};

std::shared_ptr<spdlog::logger> namedLogger(const std::string& name) {
  std::lock_guard lock(configMutex);
  if (auto existing = spdlog::get(name)) return existing;
  auto defaultLogger = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(name, defaultLogger->sinks().begin(), defaultLogger->sinks().end());
  logger->set_formatter(makeLogFormatter(currentFormat));
  logger->set_level(defaultLogger->level());
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace

std::optional<LogFormat> parseLogFormat(std::string_view text) {
  if (text == "json") return LogFormat::Json;
  if (text == "text" || text == "console") return LogFormat::Text;
  return std::nullopt;
}

std::optional<LogLevel> parseLogLevel(std::string_view text) {
  if (text == "trace") return LogLevel::trace;
  if (text == "debug") return LogLevel::debug;
  if (text == "info") return LogLevel::info;
  if (text == "warn" || text == "warning") return LogLevel::warn;
  if (text == "error") return LogLevel::err;
  if (text == "critical") return LogLevel::critical;
  if (text == "off") return LogLevel::off;
  return std::nullopt;
}

std::unique_ptr<spdlog::formatter> makeLogFormatter(LogFormat format) {
  if (format == LogFormat::Text) return std::make_unique<TextFormatter>();
  return std::make_unique<JsonFormatter>();
}

void configureLogging(const LogOptions& options) {
  spdlog::sink_ptr sink = options.sink ? options.sink : std::make_shared<spdlog::sinks::stderr_sink_mt>();
  sink->set_formatter(makeLogFormatter(options.format));
  std::lock_guard lock(configMutex);
  currentFormat = options.format;
  // Loggers are re-pointed in place so Logger objects created before this call follow the new setup.
  auto reconfigure = [&](const std::shared_ptr<spdlog::logger>& logger) {
    logger->sinks().assign(1, sink);
    logger->set_level(options.level);
  };
  reconfigure(spdlog::default_logger());
  spdlog::apply_all(reconfigure);
  spdlog::set_level(options.level);
}

Logger::Logger(std::string name, LogFields fields) : logger_(namedLogger(name)), fields_(std::move(fields)) {}

Logger Logger::with(LogFields fields) const {
  LogFields merged = fields_;
  for (auto& field : fields) merged.push_back(std::move(field));
  return Logger(logger_, std::move(merged));
}

void Logger::log(LogLevel level, std::string_view message, const LogFields& fields) const {
  if (!logger_->should_log(level)) return;
  const PendingFields saved = pending;
  pending = {&fields_, &fields};
  logger_->log(level, spdlog::string_view_t(message.data(), message.size()));
  pending = saved;
}

}  // namespace flotilla::observability
