#include "apiserver/strategic_merge_patch.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace flotilla::apiserver {

namespace {

using nlohmann::json;

constexpr std::string_view kDirective = "$patch";
constexpr std::string_view kRetainKeys = "$retainKeys";
constexpr std::string_view kSetElementOrder = "$setElementOrder";
constexpr std::string_view kDeleteFromPrimitiveList = "$deleteFromPrimitiveList";

// Thrown inside this file only; applyStrategicMergePatch turns it into a PatchResult.
struct PatchError {
  std::string message;
};

// Go decodes every JSON number to float64, so integers and floats are one "type" for the merge rules.
enum class ValueKind { Null, Object, Array, String, Number, Boolean };

ValueKind kindOf(const json& value) {
  if (value.is_object()) return ValueKind::Object;
  if (value.is_array()) return ValueKind::Array;
  if (value.is_string()) return ValueKind::String;
  if (value.is_number()) return ValueKind::Number;
  if (value.is_boolean()) return ValueKind::Boolean;
  return ValueKind::Null;
}

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// "$setElementOrder/containers" → "containers".
std::string directiveTarget(const std::string& key, std::string_view prefix) {
  auto slash = key.find('/');
  if (slash == std::string::npos || std::string_view(key).substr(0, slash) != prefix)
    throw PatchError{"invalid patch directive key " + key};
  return key.substr(slash + 1);
}

// Drops map entries whose value is null, at every depth (a null has nothing to delete in a value that is new).
void discardNulls(json& value) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      if (it->is_null()) {
        it = value.erase(it);
      } else {
        discardNulls(*it);
        ++it;
      }
    }
  } else if (value.is_array()) {
    for (json& item : value) discardNulls(item);
  }
}

bool isDirectiveKey(const std::string& key) {
  return key == kRetainKeys || startsWith(key, kSetElementOrder) || startsWith(key, kDeleteFromPrimitiveList);
}

// Cleans a value that has nothing to merge with: maps carrying `$patch` go, and so do the other directives (typed
// decoding drops them in Kubernetes; here they would otherwise be stored). False if `value` itself must go.
bool removeDirectives(json& value) {
  if (value.is_object()) {
    if (value.contains(kDirective)) return false;
    for (auto it = value.begin(); it != value.end();) {
      if (isDirectiveKey(it.key()) || !removeDirectives(*it)) {
        it = value.erase(it);
      } else {
        ++it;
      }
    }
  } else if (value.is_array()) {
    json kept = json::array();
    for (json& item : value)
      if (removeDirectives(item)) kept.push_back(std::move(item));
    value = std::move(kept);
  }
  return true;
}

// The strategy that decides merging ("merge", "replace" or ""); retainKeys only enables the $retainKeys
// directive and says nothing about how the value merges.
std::string mergeStrategy(const PatchField* field) {
  if (field == nullptr) return {};
  std::string strategy;
  for (const std::string& s : field->patchStrategies) {
    if (s == "retainKeys") continue;
    if (!strategy.empty()) throw PatchError{"unexpected patch strategy combination"};
    strategy = s;
  }
  return strategy;
}

const PatchSchema* objectSchemaOf(const PatchField* field) {
  return field ? field->schema : nullptr;
}

const PatchSchema* itemSchemaOf(const PatchField* field) {
  return field ? itemSchemaOf(field->schema) : nullptr;
}

// How list items are identified: by the merge key's value for maps, by the value itself otherwise.
class ItemIdentity {
 public:
  explicit ItemIdentity(std::string mergeKey) : mergeKey_(std::move(mergeKey)) {}

  bool byKey() const { return !mergeKey_.empty(); }
  const std::string& mergeKey() const { return mergeKey_; }

  const json& identityOf(const json& item) const {
    static const json missing;
    if (!byKey()) return item;
    if (!item.is_object()) return missing;
    auto it = item.find(mergeKey_);
    return it == item.end() ? missing : *it;
  }

  const json& requireKey(const json& item) const {
    if (!item.is_object()) throw PatchError{"list item " + item.dump() + " is not an object"};
    auto it = item.find(mergeKey_);
    if (it == item.end())
      throw PatchError{"map: " + item.dump() + " does not contain declared merge key: " + mergeKey_};
    return *it;
  }

  // Index of the item with the same identity as `item` in `list`, or -1.
  long indexIn(const json& list, const json& item) const {
    const json& id = identityOf(item);
    for (std::size_t i = 0; i < list.size(); ++i)
      if (identityOf(list[i]) == id) return static_cast<long>(i);
    return -1;
  }

 private:
  std::string mergeKey_;
};

class StrategicMerger {
 public:
  json mergeMap(json original, json patch, const PatchSchema* schema) {
    if (auto directive = patch.find(kDirective); directive != patch.end()) {
      if (*directive == "replace") {
        patch.erase(std::string(kDirective));
        return patch;
      }
      if (*directive == "delete") return json::object();
      throw PatchError{"Unknown patch type: " + directive->dump() + " in map: " + patch.dump()};
    }
    if (!original.is_object()) original = json::object();

    applyRetainKeys(original, patch);
    applyElementOrders(original, patch, schema);

    std::vector<std::string> keys;
    for (const auto& item : patch.items()) keys.push_back(item.key());
    for (const std::string& patchKey : keys) {
      json& value = patch[patchKey];
      std::string key = patchKey;
      const bool deleteList = startsWith(patchKey, kDeleteFromPrimitiveList);
      if (deleteList) key = directiveTarget(patchKey, kDeleteFromPrimitiveList);

      if (value.is_null()) {
        original.erase(key);
        continue;
      }
      auto existing = original.find(key);
      if (existing == original.end() || kindOf(*existing) != kindOf(value)) {
        if (deleteList) continue;  // nothing to delete from
        discardNulls(value);
        if (removeDirectives(value)) {
          original[key] = std::move(value);
        } else {
          original.erase(key);
        }
        continue;
      }
      const PatchField* field = schema ? schema->child(key) : nullptr;
      if (value.is_object()) {
        *existing = mergeStrategy(field) == "replace"
                        ? std::move(value)
                        : mergeMap(std::move(*existing), std::move(value), objectSchemaOf(field));
      } else if (value.is_array()) {
        *existing = mergeListField(std::move(*existing), std::move(value), field, deleteList);
      } else {
        *existing = std::move(value);
      }
    }
    return original;
  }

 private:
  json mergeListField(json original, json patch, const PatchField* field, bool deleteList) {
    if (mergeStrategy(field) == "merge" || deleteList)
      return mergeList(std::move(original), std::move(patch), itemSchemaOf(field),
                       ItemIdentity(field ? field->patchMergeKey : ""), deleteList);
    return patch;
  }

  // $retainKeys: clear every key of `original` the directive does not list.
  static void applyRetainKeys(json& original, json& patch) {
    auto directive = patch.find(kRetainKeys);
    if (directive == patch.end()) return;
    json keep = std::move(*directive);
    patch.erase(std::string(kRetainKeys));
    if (!keep.is_array()) throw PatchError{"invalid patch: $retainKeys must be a list"};
    auto listed = [&](const std::string& key) { return std::find(keep.begin(), keep.end(), json(key)) != keep.end(); };
    for (const auto& item : patch.items()) {
      if (item.value().is_null() || startsWith(item.key(), kDeleteFromPrimitiveList) ||
          startsWith(item.key(), kSetElementOrder))
        continue;
      if (!listed(item.key())) throw PatchError{"invalid patch: field " + item.key() + " is not listed in $retainKeys"};
    }
    for (auto it = original.begin(); it != original.end();) {
      if (listed(it.key())) {
        ++it;
      } else {
        it = original.erase(it);
      }
    }
  }

  // $setElementOrder/<list>: merge the list now and put its items in the requested order.
  void applyElementOrders(json& original, json& patch, const PatchSchema* schema) {
    std::vector<std::string> directives;
    for (const auto& item : patch.items())
      if (startsWith(item.key(), kSetElementOrder)) directives.push_back(item.key());
    for (const std::string& directiveKey : directives) {
      json order = std::move(patch[directiveKey]);
      patch.erase(directiveKey);
      if (!order.is_array()) throw PatchError{"invalid patch: " + directiveKey + " must be a list"};
      const std::string key = directiveTarget(directiveKey, kSetElementOrder);
      const PatchField* field = schema ? schema->child(key) : nullptr;
      const ItemIdentity identity(field ? field->patchMergeKey : "");

      auto inOriginal = original.find(key);
      auto inPatch = patch.find(key);
      const bool hasOriginal = inOriginal != original.end();
      const bool hasPatch = inPatch != patch.end();
      if (hasOriginal && !inOriginal->is_array()) throw PatchError{"invalid patch: " + key + " is not a list"};
      if (hasPatch && !inPatch->is_array()) throw PatchError{"invalid patch: " + key + " is not a list"};
      if (!hasOriginal && !hasPatch) continue;

      json originalList = hasOriginal ? *inOriginal : json::array();
      json patchList = hasPatch ? *inPatch : json::array();
      checkOrderCovers(patchList, order, identity);

      json merged;
      if (hasOriginal && hasPatch) {
        merged = mergeListField(originalList, patchList, field, false);
      } else if (hasPatch) {
        merged = patchList;
        removeDirectives(merged);
      } else {
        merged = originalList;
      }
      original[key] = orderItems(merged, order, originalList, identity);
      patch.erase(key);
    }
  }

  // Kubernetes rejects a patch list whose items appear in a different relative order than in $setElementOrder.
  static void checkOrderCovers(const json& patchList, const json& order, const ItemIdentity& identity) {
    std::size_t orderIndex = 0;
    for (const json& item : patchList) {
      if (item.is_object() && item.contains(kDirective)) continue;
      if (identity.byKey()) identity.requireKey(item);
      while (orderIndex < order.size() && identity.identityOf(order[orderIndex]) != identity.identityOf(item))
        ++orderIndex;
      if (orderIndex == order.size())
        throw PatchError{"The order in patch list:\n" + patchList.dump() + "\n doesn't match " +
                         std::string(kSetElementOrder) + " list:\n" + order.dump()};
      ++orderIndex;
    }
  }

  json mergeList(json original, json patch, const PatchSchema* itemSchema, const ItemIdentity& identity,
                 bool deleteList) {
    if (original.empty() && patch.empty()) return original;
    const ValueKind elementKind = elementKindOf(original, patch);
    json merged;
    if (elementKind != ValueKind::Object) {
      if (deleteList) return withoutValues(original, patch);
      merged = original;
      for (const json& item : patch)
        if (std::find(merged.begin(), merged.end(), item) == merged.end()) merged.push_back(item);
      return orderItems(merged, patch, original, ItemIdentity(""));
    }
    if (!identity.byKey()) throw PatchError{"cannot merge lists without merge key"};
    json plain = applySpecialElements(original, patch, identity);
    merged = original;
    for (json& item : plain) {
      identity.requireKey(item);
      long at = identity.indexIn(merged, item);
      if (at >= 0) {
        merged[static_cast<std::size_t>(at)] =
            mergeMap(std::move(merged[static_cast<std::size_t>(at)]), item, itemSchema);
      } else {
        removeDirectives(item);
        merged.push_back(item);
      }
    }
    return orderItems(merged, plain, original, identity);
  }

  // Handles `$patch` elements of a merging list of maps: deletes, and a replace of the whole list. Returns the
  // patch's ordinary elements; on replace, `original` becomes those elements and nothing is left to merge.
  static json applySpecialElements(json& original, const json& patch, const ItemIdentity& identity) {
    json plain = json::array();
    bool replace = false;
    for (const json& item : patch) {
      if (!item.is_object()) throw PatchError{"list item " + item.dump() + " is not an object"};
      auto directive = item.find(kDirective);
      if (directive == item.end()) {
        plain.push_back(item);
      } else if (*directive == "delete") {
        const json& key = identity.requireKey(item);
        json kept = json::array();
        for (json& existing : original)
          if (identity.identityOf(existing) != key) kept.push_back(std::move(existing));
        original = std::move(kept);
      } else if (*directive == "replace") {
        replace = true;
      } else if (*directive == "merge") {
        throw PatchError{"merging lists cannot yet be specified in the patch"};
      } else {
        throw PatchError{"Unknown patch type: " + directive->dump() + " in map: " + item.dump()};
      }
    }
    if (replace) {
      original = std::move(plain);
      return json::array();
    }
    return plain;
  }

  static ValueKind elementKindOf(const json& a, const json& b) {
    std::optional<ValueKind> kind;
    for (const json* list : {&a, &b}) {
      for (const json& item : *list) {
        ValueKind k = kindOf(item);
        if (k == ValueKind::Array) throw PatchError{"lists of lists are not supported"};
        if (kind && *kind != k) throw PatchError{"list elements are not all of the same type"};
        kind = k;
      }
    }
    return kind.value_or(ValueKind::Null);
  }

  static json withoutValues(const json& list, const json& remove) {
    json kept = json::array();
    for (const json& item : list)
      if (std::find(remove.begin(), remove.end(), item) == remove.end()) kept.push_back(item);
    return kept;
  }

  // Puts the items named in `order` (the patch list or $setElementOrder) in that order and interleaves the items
  // only the live list has, keeping their positions relative to the items around them in `liveOrder`.
  static json orderItems(const json& merged, const json& order, const json& liveOrder, const ItemIdentity& identity) {
    std::vector<json> fromPatch;
    std::vector<json> liveOnly;
    for (const json& item : merged) {
      if (identity.byKey()) identity.requireKey(item);
      (identity.indexIn(order, item) >= 0 ? fromPatch : liveOnly).push_back(item);
    }
    sortBy(fromPatch, order, identity);
    sortBy(liveOnly, liveOrder, identity);

    json out = json::array();
    std::size_t live = 0;
    std::size_t patched = 0;
    while (live < liveOnly.size() || patched < fromPatch.size()) {
      bool takeLive = patched == fromPatch.size();
      if (!takeLive && live < liveOnly.size()) {
        long liveAt = identity.indexIn(liveOrder, liveOnly[live]);
        long patchedAt = identity.indexIn(liveOrder, fromPatch[patched]);
        takeLive = liveAt >= 0 && patchedAt >= 0 && liveAt < patchedAt;
      }
      out.push_back(takeLive ? std::move(liveOnly[live++]) : std::move(fromPatch[patched++]));
    }
    return out;
  }

  static void sortBy(std::vector<json>& items, const json& order, const ItemIdentity& identity) {
    // Items the order does not name go last, in their current order.
    auto rank = [&](const json& item) {
      long at = identity.indexIn(order, item);
      return at < 0 ? std::numeric_limits<long>::max() : at;
    };
    std::stable_sort(items.begin(), items.end(), [&](const json& a, const json& b) { return rank(a) < rank(b); });
  }
};

}  // namespace

PatchResult applyStrategicMergePatch(const nlohmann::json& original, const nlohmann::json& patch,
                                     const PatchSchema* schema) {
  if (!patch.is_object()) return PatchResult::failure("strategic merge patch must be a JSON object");
  if (!original.is_object() && !original.is_null())
    return PatchResult::failure("strategic merge patch applies to a JSON object");
  try {
    return PatchResult::success(StrategicMerger().mergeMap(original, patch, schema));
  } catch (const PatchError& e) {
    return PatchResult::failure(e.message);
  }
}

}  // namespace flotilla::apiserver
