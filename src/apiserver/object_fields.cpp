#include "apiserver/object_fields.h"

#include <map>
#include <set>

namespace flotilla::apiserver {

namespace {

using nlohmann::json;

enum class Shape { Leaf, GranularMap, AssociativeList };

Shape shapeOf(const json& value, const PatchSchema* schema) {
  if (value.is_object()) return schema == nullptr || schema->isGranularObject() ? Shape::GranularMap : Shape::Leaf;
  if (value.is_array() && schema != nullptr && schema->isAssociativeList()) return Shape::AssociativeList;
  return Shape::Leaf;
}

// The schema below one path element.
const PatchSchema* schemaBelow(const PatchSchema* schema, const std::string& element) {
  if (element.rfind("f:", 0) == 0) return childSchemaOf(schema, std::string_view(element).substr(2));
  return itemSchemaOf(schema);
}

bool isFieldElement(const std::string& element) {
  return element.rfind("f:", 0) == 0;
}

bool emptyContainer(const json* value) {
  return value == nullptr || (value->is_structured() && value->empty());
}

void collectFields(const json& value, const PatchSchema* schema, FieldSet& node) {
  switch (shapeOf(value, schema)) {
    case Shape::GranularMap:
      for (const auto& [key, child] : value.items()) {
        FieldSet& childNode = node.childAt(fieldElement(key));
        collectFields(child, childSchemaOf(schema, key), childNode);
        // Map entries, unknown fields, and empty or null values count as set themselves; struct fields only
        // through what they contain.
        if (child.is_null() || (child.is_object() && child.empty()) || schema == nullptr || !schema->isNamedField(key))
          childNode.setMember(true);
      }
      return;
    case Shape::AssociativeList:
      if (auto elements = listItemElements(value, schema)) {
        std::set<std::string> seen;
        for (std::size_t i = 0; i < value.size(); ++i) {
          const std::string& element = (*elements)[i];
          FieldSet& childNode = node.childAt(element);
          childNode.setMember(true);
          // A duplicated item (allowed in stored objects) is owned as a whole, not field by field.
          if (seen.insert(element).second) collectFields(value[i], itemSchemaOf(schema), childNode);
        }
        return;
      }
      break;
    case Shape::Leaf:
      break;
  }
  node.setMember(true);
}

class Comparer {
 public:
  explicit Comparer(FieldChanges& out) : out_(out) {}

  void compare(const json* before, const json* after, const PatchSchema* schema) {
    const json& present = after ? *after : *before;
    Shape shape = shapeOf(present, schema);
    if (before && after && shapeOf(*before, schema) != shape) shape = Shape::Leaf;
    if (shape != Shape::Leaf && emptyContainer(before) && emptyContainer(after)) shape = Shape::Leaf;

    std::optional<std::vector<std::string>> beforeItems, afterItems;
    if (shape == Shape::AssociativeList) {
      beforeItems = before ? listItemElements(*before, schema) : std::vector<std::string>{};
      afterItems = after ? listItemElements(*after, schema) : std::vector<std::string>{};
      if (!beforeItems || !afterItems) shape = Shape::Leaf;
    }

    if (shape == Shape::Leaf) {
      if (before == nullptr) {
        out_.added.insert(path_);
      } else if (after == nullptr) {
        out_.removed.insert(path_);
      } else if (*before != *after) {
        out_.modified.insert(path_);
      }
      return;
    }
    if (shape == Shape::GranularMap) {
      compareMaps(before, after, schema);
    } else {
      compareLists(before, *beforeItems, after, *afterItems, schema);
    }
    if (before == nullptr) {
      out_.added.insert(path_);
    } else if (after == nullptr) {
      out_.removed.insert(path_);
    }
  }

 private:
  void compareMaps(const json* before, const json* after, const PatchSchema* schema) {
    std::set<std::string> keys;
    for (const json* side : {before, after})
      if (side)
        for (const auto& item : side->items()) keys.insert(item.key());
    for (const std::string& key : keys) {
      const json* b = nullptr;
      const json* a = nullptr;
      if (before)
        if (auto it = before->find(key); it != before->end()) b = &*it;
      if (after)
        if (auto it = after->find(key); it != after->end()) a = &*it;
      path_.push_back(fieldElement(key));
      compare(b, a, childSchemaOf(schema, key));
      path_.pop_back();
    }
  }

  void compareLists(const json* before, const std::vector<std::string>& beforeItems, const json* after,
                    const std::vector<std::string>& afterItems, const PatchSchema* schema) {
    std::map<std::string, const json*> beforeByElement;
    for (std::size_t i = 0; i < beforeItems.size(); ++i) beforeByElement.emplace(beforeItems[i], &(*before)[i]);
    std::set<std::string> visited;
    for (std::size_t i = 0; i < afterItems.size(); ++i) {
      if (!visited.insert(afterItems[i]).second) continue;
      auto match = beforeByElement.find(afterItems[i]);
      path_.push_back(afterItems[i]);
      compare(match == beforeByElement.end() ? nullptr : match->second, &(*after)[i], itemSchemaOf(schema));
      path_.pop_back();
    }
    for (const auto& [element, item] : beforeByElement) {
      if (visited.count(element)) continue;
      path_.push_back(element);
      compare(item, nullptr, itemSchemaOf(schema));
      path_.pop_back();
    }
  }

  FieldChanges& out_;
  FieldPath path_;
};

// Returns true when the removal emptied `value` (so that the caller drops it).
bool removeIn(json& value, const FieldSet& fields, const PatchSchema* schema) {
  switch (shapeOf(value, schema)) {
    case Shape::GranularMap: {
      bool removedAny = false;
      for (const auto& [element, child] : fields.children()) {
        if (!isFieldElement(element)) continue;
        const std::string key = element.substr(2);
        auto it = value.find(key);
        if (it == value.end()) continue;
        if (child.isMember() || removeIn(*it, child, childSchemaOf(schema, key))) {
          value.erase(key);
          removedAny = true;
        }
      }
      return removedAny && value.empty();
    }
    case Shape::AssociativeList: {
      auto elements = listItemElements(value, schema);
      if (!elements) return false;
      json kept = json::array();
      bool removedAny = false;
      for (std::size_t i = 0; i < value.size(); ++i) {
        const FieldSet* child = fields.child((*elements)[i]);
        if (child && child->isMember()) {
          removedAny = true;
          continue;
        }
        if (child) removeIn(value[i], *child, itemSchemaOf(schema));
        kept.push_back(std::move(value[i]));
      }
      value = std::move(kept);
      return removedAny && value.empty();
    }
    case Shape::Leaf:
      return false;
  }
  return false;
}

}  // namespace

std::optional<std::vector<std::string>> listItemElements(const json& list, const PatchSchema* listSchema) {
  if (listSchema == nullptr || !listSchema->isAssociativeList() || !list.is_array()) return std::nullopt;
  std::vector<std::string> elements;
  elements.reserve(list.size());
  for (const json& item : list) {
    if (listSchema->listType == ListType::Set) {
      if (item.is_structured()) return std::nullopt;
      elements.push_back(valueElement(item));
      continue;
    }
    if (!item.is_object()) return std::nullopt;
    json keys = json::object();
    for (const std::string& key : listSchema->listMapKeys)
      if (auto it = item.find(key); it != item.end()) keys[key] = *it;
    if (keys.empty()) return std::nullopt;
    elements.push_back(keyElement(keys));
  }
  return elements;
}

FieldSet fieldSetOf(const json& value, const PatchSchema* schema) {
  FieldSet out;
  collectFields(value, schema, out);
  return out;
}

FieldChanges compareObjects(const json& before, const json& after, const PatchSchema* schema) {
  FieldChanges out;
  Comparer(out).compare(&before, &after, schema);
  return out;
}

FieldSet withNamedFieldsAsMembers(const FieldSet& fields, const PatchSchema* schema) {
  FieldSet out;
  out.setMember(fields.isMember());
  for (const auto& [element, child] : fields.children()) {
    FieldSet expanded = withNamedFieldsAsMembers(child, schemaBelow(schema, element));
    if (isFieldElement(element) && schema != nullptr && schema->isNamedField(element.substr(2)))
      expanded.setMember(true);
    out.childAt(element) = std::move(expanded);
  }
  return out;
}

void removeFields(json& value, const FieldSet& fields, const PatchSchema* schema) {
  removeIn(value, fields, schema);
}

}  // namespace flotilla::apiserver
