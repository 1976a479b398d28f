#pragma once
// What patching and field ownership need to know about an object's shape: which JSON objects are structs (named
// fields) and which are maps, which lists merge by key, which are sets, which are atomic, and the strategic
// merge patch metadata (x-kubernetes-patch-strategy / -merge-key) attached to fields.
//
// One model serves both strategic merge patch and server-side apply, and it is compiled from the same OpenAPI v3
// the emulator advertises (builtin_schemas.h for built-in kinds, a CRD's openAPIV3Schema for custom resources),
// so what kubectl reads from /openapi/v3 is exactly what the server applies.

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::apiserver {

struct PatchSchema;

// x-kubernetes-list-type. Lists without it are atomic, as in Kubernetes.
enum class ListType { Atomic, Set, Map };

// A field as its parent sees it: the value's schema plus the strategic-merge metadata Kubernetes attaches to the
// field itself (not to the field's type).
struct PatchField {
  const PatchSchema* schema = nullptr;       // nullptr: nothing known about the value (treated like Kind::Any)
  std::vector<std::string> patchStrategies;  // x-kubernetes-patch-strategy split at ',' ("merge", "retainKeys")
  std::string patchMergeKey;                 // x-kubernetes-patch-merge-key

  bool hasPatchStrategy(std::string_view strategy) const;
};

struct PatchSchema {
  enum class Kind {
    Any,     // unknown or x-kubernetes-preserve-unknown-fields: objects behave as granular maps, lists as atomic
    Scalar,  // string, integer, number, boolean (also int-or-string, Quantity, Time)
    Object,  // a struct: named fields
    Map,     // string keys, values of one schema (labels, data, resource lists)
    List,
  };
  Kind kind = Kind::Any;
  // Object/Map: x-kubernetes-map-type atomic (a struct marked +structType=atomic); List: see listType.
  bool atomic = false;
  std::map<std::string, PatchField, std::less<>> fields;  // Object
  PatchField elements;                                    // Map values, List items
  ListType listType = ListType::Atomic;                   // List
  std::vector<std::string> listMapKeys;                   // List with ListType::Map

  // The schema of member `key` of an object value: a named field (Object), the value schema (Map), or nullptr.
  const PatchField* child(std::string_view key) const;
  // True when `key` is a declared field of a struct (server-side apply treats those differently from map keys).
  bool isNamedField(std::string_view key) const;
  // Lists whose items are identified by key or value (everything else is replaced as a whole).
  bool isAssociativeList() const {
    return kind == Kind::List && (listType == ListType::Set || (listType == ListType::Map && !listMapKeys.empty()));
  }
  bool isGranularObject() const { return (kind == Kind::Object || kind == Kind::Map || kind == Kind::Any) && !atomic; }
};

// The schema of member `key` of an object, and of the items of a list; nullptr when unknown (or schema is null).
const PatchSchema* childSchemaOf(const PatchSchema* schema, std::string_view key);
const PatchSchema* itemSchemaOf(const PatchSchema* listSchema);

// Owns the nodes of one compiled schema; pointers into it stay valid for its lifetime.
class CompiledPatchSchema {
 public:
  const PatchSchema* root() const { return root_; }

 private:
  friend class PatchSchemaCompiler;
  std::deque<PatchSchema> nodes_;
  const PatchSchema* root_ = nullptr;
};

struct PatchSchemaCompilation {
  std::shared_ptr<const CompiledPatchSchema> schema;  // null on error
  std::string error;
};

// Compiles an OpenAPI v3 schema. `$ref`s ("#/components/schemas/NAME", also inside a one-element allOf, the way
// kube-apiserver writes them) are resolved in `components` (an object of named schemas); recursive references
// are fine. `overrides` replaces the compiled schema of named top-level properties (used to give custom resources
// the built-in ObjectMeta).
PatchSchemaCompilation compilePatchSchema(const nlohmann::json& schema, const nlohmann::json& components,
                                          const std::map<std::string, const PatchSchema*>& overrides = {});

// A custom resource's schema from its CRD version's openAPIV3Schema (may be null): metadata is the built-in
// ObjectMeta whatever the CRD says, lists follow x-kubernetes-list-type / -list-map-keys (atomic otherwise),
// maps x-kubernetes-map-type. Never fails: an unusable schema gives one where only metadata is known.
std::shared_ptr<const CompiledPatchSchema> compileCustomResourcePatchSchema(const nlohmann::json& openApiV3Schema);

// The schema used when nothing is known about a kind: metadata typed, everything else Kind::Any.
const PatchSchema* untypedObjectPatchSchema();

}  // namespace flotilla::apiserver
