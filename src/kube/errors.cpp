#include "kube/errors.h"

#include <charconv>
#include <utility>

namespace flotilla::kube {
namespace {

struct ReasonKind {
  std::string_view reason;
  ErrorKind kind;
};

// metav1.StatusReason values (k8s.io/apimachinery/pkg/apis/meta/v1/types.go) that map to a kind of their own.
constexpr ReasonKind kReasons[] = {
    {"BadRequest", ErrorKind::BadRequest},
    {"Unauthorized", ErrorKind::Unauthorized},
    {"Forbidden", ErrorKind::Forbidden},
    {"NotFound", ErrorKind::NotFound},
    {"MethodNotAllowed", ErrorKind::MethodNotAllowed},
    {"AlreadyExists", ErrorKind::AlreadyExists},
    {"Conflict", ErrorKind::Conflict},
    {"Gone", ErrorKind::Gone},
    {"Expired", ErrorKind::Gone},
    {"UnsupportedMediaType", ErrorKind::UnsupportedMedia},
    {"Invalid", ErrorKind::Invalid},
    {"TooManyRequests", ErrorKind::TooManyRequests},
    {"InternalError", ErrorKind::InternalError},
    {"ServiceUnavailable", ErrorKind::ServiceUnavailable},
    {"Timeout", ErrorKind::Timeout},
    {"ServerTimeout", ErrorKind::ServerTimeout},
};

std::optional<ErrorKind> kindFromReason(std::string_view reason) {
  for (const auto& r : kReasons) {
    if (r.reason == reason) return r.kind;
  }
  return std::nullopt;
}

ErrorKind kindFromCode(int code) {
  switch (code) {
    case 400:
      return ErrorKind::BadRequest;
    case 401:
      return ErrorKind::Unauthorized;
    case 403:
      return ErrorKind::Forbidden;
    case 404:
      return ErrorKind::NotFound;
    case 405:
      return ErrorKind::MethodNotAllowed;
    case 409:
      return ErrorKind::Conflict;
    case 410:
      return ErrorKind::Gone;
    case 415:
      return ErrorKind::UnsupportedMedia;
    case 422:
      return ErrorKind::Invalid;
    case 429:
      return ErrorKind::TooManyRequests;
    case 500:
      return ErrorKind::InternalError;
    case 503:
      return ErrorKind::ServiceUnavailable;
    case 504:
      return ErrorKind::Timeout;
    default:
      return ErrorKind::Unknown;
  }
}

std::string stringField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The start of a non-Status body, on one line, so that a proxy's error page still explains itself.
std::string bodySnippet(std::string_view body) {
  constexpr std::size_t kMax = 200;
  std::string out;
  for (char c : body.substr(0, kMax)) out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (body.size() > kMax) out += "...";
  return out;
}

Error makeError(ErrorKind kind, std::string message) {
  Error e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

}  // namespace

const char* toString(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::BadRequest:
      return "BadRequest";
    case ErrorKind::Unauthorized:
      return "Unauthorized";
    case ErrorKind::Forbidden:
      return "Forbidden";
    case ErrorKind::NotFound:
      return "NotFound";
    case ErrorKind::MethodNotAllowed:
      return "MethodNotAllowed";
    case ErrorKind::AlreadyExists:
      return "AlreadyExists";
    case ErrorKind::Conflict:
      return "Conflict";
    case ErrorKind::Gone:
      return "Gone";
    case ErrorKind::UnsupportedMedia:
      return "UnsupportedMediaType";
    case ErrorKind::Invalid:
      return "Invalid";
    case ErrorKind::TooManyRequests:
      return "TooManyRequests";
    case ErrorKind::InternalError:
      return "InternalError";
    case ErrorKind::ServiceUnavailable:
      return "ServiceUnavailable";
    case ErrorKind::Timeout:
      return "Timeout";
    case ErrorKind::ServerTimeout:
      return "ServerTimeout";
    case ErrorKind::Transport:
      return "Transport";
    case ErrorKind::Cancelled:
      return "Cancelled";
    case ErrorKind::Config:
      return "Config";
    case ErrorKind::Decode:
      return "Decode";
    case ErrorKind::Unknown:
      return "Unknown";
  }
  return "Unknown";
}

std::string Error::toString() const {
  std::string out = kube::toString(kind);
  if (code != 0) out += " (" + std::to_string(code) + ")";
  out += ": " + message;
  for (const auto& c : causes) {
    out += "; ";
    if (!c.field.empty()) out += c.field + ": ";
    out += c.message.empty() ? c.reason : c.message;
  }
  if (retryAfter) out += "; retry after " + std::to_string(retryAfter->count()) + "s";
  return out;
}

Error transportError(std::string message, bool notSent) {
  Error e = makeError(ErrorKind::Transport, std::move(message));
  e.notSent = notSent;
  return e;
}

Error cancelledError(std::string message) {
  return makeError(ErrorKind::Cancelled, std::move(message));
}
Error configError(std::string message) {
  return makeError(ErrorKind::Config, std::move(message));
}
Error decodeError(std::string message) {
  return makeError(ErrorKind::Decode, std::move(message));
}
Error badRequest(std::string message) {
  return makeError(ErrorKind::BadRequest, std::move(message));
}

std::optional<std::chrono::seconds> parseRetryAfter(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  long long seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || end != value.data() + value.size() || seconds < 0) return std::nullopt;
  return std::chrono::seconds(seconds);
}

Error errorFromStatus(const nlohmann::json& status) {
  Error e;
  e.code = status.value("code", 0);
  e.reason = stringField(status, "reason");
  e.message = stringField(status, "message");
  // The reason is more precise than the code: a 409 is AlreadyExists or Conflict, a 500 may be ServerTimeout.
  e.kind = kindFromReason(e.reason).value_or(kindFromCode(e.code));
  if (auto details = status.find("details"); details != status.end() && details->is_object()) {
    if (auto causes = details->find("causes"); causes != details->end() && causes->is_array()) {
      for (const auto& c : *causes) {
        if (!c.is_object()) continue;
        e.causes.push_back({stringField(c, "field"), stringField(c, "reason"), stringField(c, "message")});
      }
    }
    if (auto ra = details->find("retryAfterSeconds"); ra != details->end() && ra->is_number_integer()) {
      e.retryAfter = std::chrono::seconds(ra->get<long long>());
    }
  }
  if (e.message.empty()) e.message = e.reason.empty() ? "the server reported a failure" : e.reason;
  return e;
}

Error errorFromResponse(int status, std::string_view body, std::optional<std::chrono::seconds> retryAfter) {
  Error e;
  auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object() && stringField(parsed, "kind") == "Status") {
    e = errorFromStatus(parsed);
    // The HTTP status is authoritative (a Status body may omit or misstate `code`).
    if (e.code != status) {
      e.code = status;
      if (!kindFromReason(e.reason)) e.kind = kindFromCode(status);
    }
  } else {
    e.code = status;
    e.kind = kindFromCode(status);
    std::string snippet = bodySnippet(body);
    e.message = snippet.empty() ? "the server responded with status " + std::to_string(status) : snippet;
  }
  if (retryAfter) e.retryAfter = retryAfter;
  return e;
}

}  // namespace flotilla::kube
