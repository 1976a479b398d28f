#pragma once
// Logging on spdlog: one JSON object per line by default (ts, level, logger, msg, then structured fields),
// `--log-format=text` for humans, `--log-level`. Fields travel with a Logger:
//
//   observability::Logger log("controller.microservice");
//   auto rlog = log.with({{"namespace", "shop"}, {"name", "users"}, {"reconcileID", id}});
//   rlog.info("applied deployment", {{"generation", 3}});
//   → {"ts":"2024-05-01T12:00:00.123Z","level":"info","logger":"controller.microservice",
//      "msg":"applied deployment","namespace":"shop","name":"users","reconcileID":"…","generation":3}
//
// A disabled level costs one comparison inside the call; build expensive fields only under `if (log.enabled(…))`.
// Loggers are synchronous (the fields reach the formatter on the logging thread).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace flotilla::observability {

enum class LogFormat { Json, Text };

using LogLevel = spdlog::level::level_enum;
using LogField = std::pair<std::string, nlohmann::json>;
using LogFields = std::vector<LogField>;

// "json" | "text".
std::optional<LogFormat> parseLogFormat(std::string_view text);
// "trace" | "debug" | "info" | "warn" (or "warning") | "error" | "critical" | "off".
std::optional<LogLevel> parseLogLevel(std::string_view text);

struct LogOptions {
  LogFormat format = LogFormat::Json;
  LogLevel level = LogLevel::info;
  spdlog::sink_ptr sink;  // default: stderr
};

// Sets up the default logger and every logger created so far (and later) with one sink, format and level.
// Call at startup, before other threads log.
void configureLogging(const LogOptions& options);

// The formatter for `format`, for callers with sinks of their own.
std::unique_ptr<spdlog::formatter> makeLogFormatter(LogFormat format);

class Logger {
 public:
  // Shares the configured sinks; the name becomes the `logger` field.
  explicit Logger(std::string name = "flotilla", LogFields fields = {});

  // A logger carrying extra fields on every line (later values of the same key win).
  Logger with(LogFields fields) const;

  bool enabled(LogLevel level) const { return logger_->should_log(level); }
  void log(LogLevel level, std::string_view message, const LogFields& fields = {}) const;
  void trace(std::string_view message, const LogFields& fields = {}) const { log(LogLevel::trace, message, fields); }
  void debug(std::string_view message, const LogFields& fields = {}) const { log(LogLevel::debug, message, fields); }
  void info(std::string_view message, const LogFields& fields = {}) const { log(LogLevel::info, message, fields); }
  void warn(std::string_view message, const LogFields& fields = {}) const { log(LogLevel::warn, message, fields); }
  void error(std::string_view message, const LogFields& fields = {}) const { log(LogLevel::err, message, fields); }

  const std::string& name() const { return logger_->name(); }
  const LogFields& fields() const { return fields_; }

 private:
  Logger(std::shared_ptr<spdlog::logger> logger, LogFields fields)
      : logger_(std::move(logger)), fields_(std::move(fields)) {}

  std::shared_ptr<spdlog::logger> logger_;
  LogFields fields_;
};

}  // namespace flotilla::observability
