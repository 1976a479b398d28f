#pragma once
// A set of field paths, the unit of field ownership in server-side apply, in Kubernetes' FieldsV1 shape: a trie
// whose edges are path elements and whose nodes can themselves be members of the set.
//
// Path elements, as FieldsV1 writes them:
//   f:<name>          a field of a struct or a key of a map        (f:spec, f:replicas, f:app)
//   k:<json object>   an item of a list-type=map list, by its keys (k:{"name":"nginx"})
//   v:<json value>    an item of a list-type=set list              (v:"foregroundDeletion")
//   i:<index>         an item by position (read and kept, never produced here)
// In JSON the trie is an object per node; `".": {}` marks a node that is a member while also having children,
// and a member leaf is `{}`.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::apiserver {

using FieldPath = std::vector<std::string>;  // path elements, e.g. {"f:spec", "f:replicas"}

std::string fieldElement(std::string_view name);
// `keys` is an object of the item's key fields; its serialization (sorted, compact) identifies the item.
std::string keyElement(const nlohmann::json& keys);
std::string valueElement(const nlohmann::json& value);

// kubectl's rendering of a path, as conflict messages show it: .spec.template.spec.containers[name="app"].image,
// .metadata.finalizers[="x"], .data.key.
std::string formatFieldPath(const FieldPath& path);

class FieldSet {
 public:
  bool empty() const { return !member_ && children_.empty(); }
  bool isMember() const { return member_; }
  const std::map<std::string, FieldSet>& children() const { return children_; }
  const FieldSet* child(const std::string& element) const;

  void setMember(bool member) { member_ = member; }
  FieldSet& childAt(const std::string& element) { return children_[element]; }
  void insert(const FieldPath& path);
  bool has(const FieldPath& path) const;  // path is a member

  FieldSet unionWith(const FieldSet& other) const;
  FieldSet difference(const FieldSet& other) const;  // members of this set that are not members of other
  FieldSet intersection(const FieldSet& other) const;
  // Members of this set that neither are members of `roots` nor lie below one.
  FieldSet withoutSubtrees(const FieldSet& roots) const;

  // Every member, as a path from this node (depth first, element order).
  std::vector<FieldPath> members() const;

  nlohmann::json toFieldsV1() const;
  // nullopt (and `error`) when `fieldsV1` is not a well-formed FieldsV1 trie.
  static std::optional<FieldSet> fromFieldsV1(const nlohmann::json& fieldsV1, std::string* error = nullptr);

  bool operator==(const FieldSet&) const = default;

 private:
  void collect(FieldPath& prefix, std::vector<FieldPath>& out) const;
  void prune();  // drops children left empty

  bool member_ = false;
  std::map<std::string, FieldSet> children_;
};

}  // namespace flotilla::apiserver
