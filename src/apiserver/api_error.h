#pragma once
// Errors the emulator answers with: an HTTP code plus a metav1.Status body worded like kube-apiserver's, so that
// clients (kubectl prints `Error from server (<reason>): <message>`) cannot tell the difference.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::apiserver {

// A resource as errors name it: plural plus group ("deployments" + "apps" → deployments.apps).
struct GroupResource {
  std::string group;
  std::string resource;
  std::string qualified() const { return group.empty() ? resource : resource + "." + group; }
};

// A kind as validation errors name it ("Deployment" + "apps" → Deployment.apps).
struct GroupKind {
  std::string group;
  std::string kind;
  std::string qualified() const { return group.empty() ? kind : kind + "." + group; }
};

// One entry of Status.details.causes.
struct StatusCause {
  std::string reason;   // FieldValueInvalid, FieldValueRequired, FieldManagerConflict...
  std::string message;  // "Invalid value: 3: must be less than or equal to 2"
  std::string field;    // "spec.replicas"
};

struct ApiError {
  int code = 500;
  std::string reason;
  std::string message;
  nlohmann::json details;  // null when absent
  int retryAfterSeconds = 0;

  nlohmann::json toStatus() const;
};

// Field-level validation finding, turned into a 422 by errors::invalid.
struct FieldViolation {
  enum class Type { Invalid, Required, NotSupported, Forbidden, Duplicate, TypeInvalid, TooLong };
  Type type = Type::Invalid;
  std::string field;     // "spec.replicas"
  nlohmann::json value;  // the offending value (printed for Invalid / NotSupported / TypeInvalid)
  std::string detail;    // "must be greater than or equal to 0"

  StatusCause toCause() const;
};

// A cause from an already worded finding ("Required value", "Invalid value: 0: ..."), its reason inferred from
// the wording as kube-apiserver's field.ErrorType would name it.
StatusCause causeFromMessage(std::string field, std::string message);

namespace errors {
ApiError notFound(const GroupResource& resource, std::string_view name);
ApiError alreadyExists(const GroupResource& resource, std::string_view name);
ApiError conflict(const GroupResource& resource, std::string_view name, std::string_view why);
ApiError staleResourceVersion(const GroupResource& resource, std::string_view name);
ApiError invalid(const GroupKind& kind, std::string_view name, const std::vector<FieldViolation>& violations);
ApiError invalid(const GroupKind& kind, std::string_view name, const std::vector<StatusCause>& causes);
ApiError badRequest(std::string message);
ApiError forbidden(const GroupResource& resource, std::string_view name, std::string_view why);
ApiError methodNotAllowed();
ApiError unsupportedMediaType(std::string message);
ApiError notAcceptable(std::string message);
ApiError unauthorized();
ApiError gone(std::string message);
ApiError tooManyRequests(int retryAfterSeconds);
ApiError internal(std::string message);
ApiError serviceUnavailable(std::string message);
ApiError timeout(std::string message);
}  // namespace errors

}  // namespace flotilla::apiserver
