#pragma once
// `flotilla render --diff`: one rendered object against its live copy, shown the way `kubectl diff` shows it (a
// unified diff of YAML). Whether the object changes is the operator's own question (controllers/owned_object_diff.h:
// the applied-hash annotation, then every field the operator sets, compared semantically), so the diff never
// claims a change the operator would not make. What is shown is the live object cut down to the fields the
// operator sets: status, managedFields, resourceVersion, uid, creationTimestamp, generation, server defaults and
// other tools' fields never appear. Pure.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::cli {

// `live` restricted to the shape of `desired`: keys `desired` has; lists of named objects item by item (by name),
// other lists of objects position by position when the lengths agree; anything else as live has it. A field
// `desired` sets that live lacks is left out, so the diff shows it as added.
nlohmann::json projectOnto(const nlohmann::json& desired, const nlohmann::json& live);

// A unified diff (`diff -u` format, `context` lines around each change) from text `a` to text `b`; "" when equal.
std::string unifiedDiff(const std::string& aName, const std::string& bName, const std::string& a, const std::string& b,
                        int context = 3);

enum class ChangeKind { Create, Update, Delete };

struct ObjectChange {
  ChangeKind kind = ChangeKind::Update;
  std::string object;  // "apps/v1 Deployment shop/user-service"
  std::string diff;    // unified diff, live → desired
  std::string note;    // e.g. why the operator will refuse the change; "" = none
};

// "apps/v1 Deployment shop/user-service" (no namespace part for cluster-scoped objects).
std::string describeObject(const nlohmann::json& object);

// desired as rendered (without the applied-hash annotation); live = null when the object does not exist.
// nullopt when the operator would not change anything.
std::optional<ObjectChange> compareObject(const nlohmann::json& desired, const nlohmann::json& live);

// An object the operator would delete (e.g. the HPA of a Microservice that stopped autoscaling).
ObjectChange deletion(const nlohmann::json& live);

}  // namespace flotilla::cli
