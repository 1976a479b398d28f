#pragma once
// Strict, error-collecting reads of a JSON object into typed fields, the way Kubernetes' strict decoding works:
// wrong types, unknown enum values, bad durations and unknown fields all become FieldErrors with full paths, and
// reading goes on so that every problem is reported at once. JSON null counts as "absent" (as in encoding/json).

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/duration.h"
#include "api/field_error.h"
#include "api/field_path.h"
#include "api/types.h"

namespace flotilla::api {

class FieldReader {
 public:
  // `object` may be null (read as empty); anything else that is not an object is reported at `path`.
  FieldReader(const nlohmann::json& object, std::string path, FieldErrors& errors);
  // Reports every member that no read*/ignore call asked for as "unknown field".
  ~FieldReader();
  FieldReader(const FieldReader&) = delete;
  FieldReader& operator=(const FieldReader&) = delete;

  const std::string& path() const { return path_; }
  std::string pathOf(std::string_view key) const { return fieldPath(path_, key); }
  FieldErrors& errors() { return errors_; }
  void error(std::string path, std::string message) { errors_.push_back({std::move(path), std::move(message)}); }

  // The member, marked as known; nullptr when absent or null.
  const nlohmann::json* find(std::string_view key);
  // Known member that Flotilla does not model (e.g. metadata.managedFields).
  void ignore(std::string_view key) { find(key); }

  void read(std::string_view key, std::string& out);
  void read(std::string_view key, std::int32_t& out);
  void read(std::string_view key, std::int64_t& out);
  void read(std::string_view key, std::optional<std::int32_t>& out);
  void read(std::string_view key, bool& out);
  void read(std::string_view key, Duration& out);
  void read(std::string_view key, std::optional<Duration>& out);
  void read(std::string_view key, std::optional<std::string>& out);
  void read(std::string_view key, std::vector<std::string>& out);
  void read(std::string_view key, std::map<std::string, std::string>& out);
  void read(std::string_view key, IntOrString& out);
  void read(std::string_view key, std::optional<IntOrString>& out);
  void read(std::string_view key, LocalObjectRef& out);
  void read(std::string_view key, std::optional<LocalObjectRef>& out);
  // Kept verbatim after a type check (object or array).
  void readRaw(std::string_view key, nlohmann::json& out, nlohmann::json::value_t expected);

  template <typename E>
  void readEnum(std::string_view key, E& out, std::initializer_list<std::pair<std::string_view, E>> values);

  // Nested object: `fill(reader)` runs only when the member is present.
  void readObject(std::string_view key, const std::function<void(FieldReader&)>& fill);
  // Optional nested struct: emplaced (with its defaults) and filled when present.
  template <typename T>
  void readOptional(std::string_view key, std::optional<T>& out, const std::function<void(FieldReader&, T&)>& fill);
  // List of objects: one T per item, each read through its own FieldReader at "key[i]".
  template <typename T>
  void readList(std::string_view key, std::vector<T>& out, const std::function<void(FieldReader&, T&)>& fill);

 private:
  const nlohmann::json* object_ = nullptr;  // nullptr when not an object
  std::string path_;
  FieldErrors& errors_;
  std::set<std::string, std::less<>> known_;
};

// Free helpers for values that are not object members (list items, map values).
bool readString(const nlohmann::json& value, const std::string& path, std::string& out, FieldErrors& errors);
bool readIntOrString(const nlohmann::json& value, const std::string& path, IntOrString& out, FieldErrors& errors);
// 'unsupported value "X": supported values: "A", "B"'
std::string unsupportedValueMessage(std::string_view value, const std::vector<std::string_view>& supported);

template <typename E>
void FieldReader::readEnum(std::string_view key, E& out, std::initializer_list<std::pair<std::string_view, E>> values) {
  std::string text;
  const auto* member = find(key);
  if (member == nullptr || !readString(*member, pathOf(key), text, errors_)) return;
  std::vector<std::string_view> supported;
  for (const auto& [name, value] : values) {
    if (name == text) {
      out = value;
      return;
    }
    supported.push_back(name);
  }
  error(pathOf(key), unsupportedValueMessage(text, supported));
}

template <typename T>
void FieldReader::readOptional(std::string_view key, std::optional<T>& out,
                               const std::function<void(FieldReader&, T&)>& fill) {
  const auto* member = find(key);
  if (member == nullptr) return;
  if (!member->is_object()) {
    error(pathOf(key), "must be an object");
    return;
  }
  T value{};
  {
    FieldReader nested(*member, pathOf(key), errors_);
    fill(nested, value);
  }
  out = std::move(value);
}

template <typename T>
void FieldReader::readList(std::string_view key, std::vector<T>& out,
                           const std::function<void(FieldReader&, T&)>& fill) {
  const auto* member = find(key);
  if (member == nullptr) return;
  if (!member->is_array()) {
    error(pathOf(key), "must be a list");
    return;
  }
  out.clear();  // a present list replaces the default
  for (std::size_t i = 0; i < member->size(); ++i) {
    T value{};
    {
      FieldReader nested((*member)[i], indexPath(pathOf(key), i), errors_);
      fill(nested, value);
    }
    out.push_back(std::move(value));
  }
}

}  // namespace flotilla::api
