#include "apiserver/api_error.h"

namespace flotilla::apiserver {

using nlohmann::json;

json ApiError::toStatus() const {
  json status = {{"kind", "Status"},
                 {"apiVersion", "v1"},
                 {"metadata", json::object()},
                 {"status", code < 400 ? "Success" : "Failure"},
                 {"message", message},
                 {"reason", reason},
                 {"code", code}};
  if (!details.is_null()) status["details"] = details;
  return status;
}

namespace {

std::string renderValue(const json& value) {
  // kube-apiserver prints strings quoted and everything else as Go's %v would (numbers, bools, "null").
  if (value.is_string()) return value.dump();
  if (value.is_null()) return "null";
  return value.dump();
}

json resourceDetails(const GroupResource& resource, std::string_view name) {
  json details = {{"name", name}, {"kind", resource.resource}};
  if (!resource.group.empty()) details["group"] = resource.group;
  return details;
}

ApiError make(int code, std::string reason, std::string message, json details = nullptr) {
  return ApiError{code, std::move(reason), std::move(message), std::move(details), 0};
}

}  // namespace

StatusCause FieldViolation::toCause() const {
  switch (type) {
    case Type::Required:
      return {"FieldValueRequired", detail.empty() ? "Required value" : "Required value: " + detail, field};
    case Type::NotSupported:
      return {"FieldValueNotSupported",
              "Unsupported value: " + renderValue(value) + (detail.empty() ? "" : ": " + detail), field};
    case Type::Forbidden:
      return {"FieldValueForbidden", detail.empty() ? "Forbidden" : "Forbidden: " + detail, field};
    case Type::Duplicate:
      return {"FieldValueDuplicate", "Duplicate value: " + renderValue(value), field};
    case Type::TypeInvalid:
      return {"FieldValueTypeInvalid", "Invalid value: " + renderValue(value) + (detail.empty() ? "" : ": " + detail),
              field};
    case Type::TooLong:
      return {"FieldValueTooLong", "Too long: " + detail, field};
    case Type::Invalid:
      break;
  }
  return {"FieldValueInvalid", "Invalid value: " + renderValue(value) + (detail.empty() ? "" : ": " + detail), field};
}

StatusCause causeFromMessage(std::string field, std::string message) {
  static const std::pair<const char*, const char*> kPrefixes[] = {
      {"Required value", "FieldValueRequired"}, {"Unsupported value", "FieldValueNotSupported"},
      {"Forbidden", "FieldValueForbidden"},     {"Duplicate value", "FieldValueDuplicate"},
      {"Too long", "FieldValueTooLong"},        {"Too many", "FieldValueTooMany"},
      {"Invalid value", "FieldValueInvalid"},
  };
  std::string reason = "FieldValueInvalid";
  for (const auto& [prefix, name] : kPrefixes) {
    if (message.rfind(prefix, 0) == 0) {
      reason = name;
      break;
    }
  }
  return {reason, std::move(message), std::move(field)};
}

namespace errors {

ApiError notFound(const GroupResource& resource, std::string_view name) {
  return make(404, "NotFound", resource.qualified() + " \"" + std::string(name) + "\" not found",
              resourceDetails(resource, name));
}

ApiError alreadyExists(const GroupResource& resource, std::string_view name) {
  return make(409, "AlreadyExists", resource.qualified() + " \"" + std::string(name) + "\" already exists",
              resourceDetails(resource, name));
}

ApiError conflict(const GroupResource& resource, std::string_view name, std::string_view why) {
  return make(409, "Conflict",
              "Operation cannot be fulfilled on " + resource.qualified() + " \"" + std::string(name) +
                  "\": " + std::string(why),
              resourceDetails(resource, name));
}

ApiError staleResourceVersion(const GroupResource& resource, std::string_view name) {
  return conflict(resource, name,
                  "the object has been modified; please apply your changes to the latest version and try again");
}

ApiError invalid(const GroupKind& kind, std::string_view name, const std::vector<FieldViolation>& violations) {
  std::vector<StatusCause> causes;
  for (const auto& violation : violations) causes.push_back(violation.toCause());
  return invalid(kind, name, causes);
}

ApiError invalid(const GroupKind& kind, std::string_view name, const std::vector<StatusCause>& causes) {
  json causeList = json::array();
  std::vector<std::string> parts;
  for (const auto& cause : causes) {
    causeList.push_back({{"reason", cause.reason}, {"message", cause.message}, {"field", cause.field}});
    parts.push_back(cause.field.empty() ? cause.message : cause.field + ": " + cause.message);
  }
  std::string summary;
  if (parts.size() == 1) {
    summary = parts.front();
  } else {
    summary = "[";
    for (size_t i = 0; i < parts.size(); ++i) summary += (i ? ", " : "") + parts[i];
    summary += "]";
  }
  json details = {{"name", name}, {"kind", kind.kind}, {"causes", causeList}};
  if (!kind.group.empty()) details["group"] = kind.group;
  return make(422, "Invalid", kind.qualified() + " \"" + std::string(name) + "\" is invalid: " + summary, details);
}

ApiError badRequest(std::string message) {
  return make(400, "BadRequest", std::move(message));
}

ApiError forbidden(const GroupResource& resource, std::string_view name, std::string_view why) {
  return make(403, "Forbidden",
              resource.qualified() + " \"" + std::string(name) + "\" is forbidden: " + std::string(why),
              resourceDetails(resource, name));
}

ApiError methodNotAllowed() {
  return make(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

ApiError unsupportedMediaType(std::string message) {
  return make(415, "UnsupportedMediaType", std::move(message));
}

ApiError notAcceptable(std::string message) {
  return make(406, "NotAcceptable", std::move(message));
}

ApiError unauthorized() {
  return make(401, "Unauthorized", "Unauthorized");
}

ApiError gone(std::string message) {
  return make(410, "Expired", std::move(message));
}

ApiError tooManyRequests(int retryAfterSeconds) {
  ApiError error = make(429, "TooManyRequests", "Too many requests, please try again later.",
                        json{{"retryAfterSeconds", retryAfterSeconds}});
  error.retryAfterSeconds = retryAfterSeconds;
  return error;
}

ApiError internal(std::string message) {
  return make(500, "InternalError", "Internal error occurred: " + message,
              json{{"causes", json::array({{{"message", message}}})}});
}

ApiError serviceUnavailable(std::string message) {
  return make(503, "ServiceUnavailable", std::move(message));
}

ApiError timeout(std::string message) {
  return make(504, "Timeout", std::move(message));
}

}  // namespace errors
}  // namespace flotilla::apiserver
