#pragma once
// The data behind builtin_schemas.h: one row per Kubernetes type, one line per field. Kept apart from the code
// that turns it into OpenAPI so the table reads like a schema.
//
// Field type syntax: string | integer (int32) | int64 | boolean | number | byte (base64 string) | time | microtime
// | quantity | intorstring | object (free-form) | <TypeName> | []<type> | map[<type>].
// A TypeName resolves in the row's own package first, then core, then meta; "pkg.Name" names another package.
// A field name ending in '!' is required.
// Field traits (space separated):
//   merge=K     strategic merge by key K (x-kubernetes-patch-strategy: merge, -merge-key: K), list-type map on K
//   keys=A,B    list-type map keys when they differ from the merge key (ports: containerPort,protocol)
//   mergeset    strategic merge of a primitive list, list-type set (finalizers)
//   set         list-type set only
//   mergekey=K  strategic merge by key K, but an atomic list for server-side apply
//   retainKeys  adds retainKeys to the patch strategy;  replace  patch strategy replace
//   atomic      x-kubernetes-map-type: atomic (maps)
// Lists without list traits are atomic, as unmarked lists are in Kubernetes.

#include <vector>

namespace flotilla::apiserver::schema_table {

struct FieldRow {
  const char* name;
  const char* type;
  const char* traits;
  const char* description;
};

struct TypeRow {
  const char* package;  // meta | core | apps | autoscaling | autoscalingv1 | policy | coordination | discovery | ...
  const char* name;
  const char* traits;  // "atomic" for +structType=atomic
  const char* description;
  std::vector<FieldRow> fields;
};

// A served kind: its schema is the named type plus apiVersion, kind and metadata.
struct KindRow {
  const char* group;
  const char* version;
  const char* kind;
  const char* package;
  const char* type;
};

const std::vector<TypeRow>& typeRows();
const std::vector<KindRow>& kindRows();
// OpenAPI name prefix of a package ("core" → "io.k8s.api.core.v1"); empty when unknown.
const char* packagePrefix(const char* package);

}  // namespace flotilla::apiserver::schema_table
