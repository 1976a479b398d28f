#include "api/json_reader.h"

#include <limits>

namespace flotilla::api {
namespace {

using nlohmann::json;

bool readInt64(const json& value, const std::string& path, std::int64_t& out, FieldErrors& errors) {
  if (value.is_number_integer() && !value.is_number_unsigned()) {
    out = value.get<std::int64_t>();
    return true;
  }
  if (value.is_number_unsigned() &&
      value.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    out = static_cast<std::int64_t>(value.get<std::uint64_t>());
    return true;
  }
  errors.push_back({path, value.is_number_unsigned() ? "must fit in a 64-bit integer" : "must be an integer"});
  return false;
}

bool readInt32(const json& value, const std::string& path, std::int32_t& out, FieldErrors& errors) {
  std::int64_t wide = 0;
  if (!readInt64(value, path, wide, errors)) return false;
  if (wide < std::numeric_limits<std::int32_t>::min() || wide > std::numeric_limits<std::int32_t>::max()) {
    errors.push_back({path, "must fit in a 32-bit integer"});
    return false;
  }
  out = static_cast<std::int32_t>(wide);
  return true;
}

bool readDuration(const json& value, const std::string& path, Duration& out, FieldErrors& errors) {
  std::string text;
  if (!value.is_string()) {
    errors.push_back({path, "must be a duration string such as 5s, 1m30s or 250ms"});
    return false;
  }
  text = value.get<std::string>();
  const auto parsed = parseDuration(text);
  if (!parsed) {
    errors.push_back({path, "invalid duration \"" + text +
                                "\": use a number with a unit (ns, us, ms, s, m, h), "
                                "e.g. 5s, 1m30s, 250ms"});
    return false;
  }
  out = *parsed;
  return true;
}

void readLocalRef(FieldReader& reader, LocalObjectRef& ref) {
  reader.read("name", ref.name);
}

}  // namespace

bool readString(const json& value, const std::string& path, std::string& out, FieldErrors& errors) {
  if (!value.is_string()) {
    errors.push_back({path, "must be a string"});
    return false;
  }
  out = value.get<std::string>();
  return true;
}

bool readIntOrString(const json& value, const std::string& path, IntOrString& out, FieldErrors& errors) {
  if (value.is_string()) {
    out = IntOrString{std::nullopt, value.get<std::string>()};
    return true;
  }
  if (value.is_number_integer()) {
    std::int32_t number = 0;  // Kubernetes' IntOrString holds an int32
    if (!readInt32(value, path, number, errors)) return false;
    out = IntOrString{number, ""};
    return true;
  }
  errors.push_back({path, "must be an integer or a string"});
  return false;
}

std::string unsupportedValueMessage(std::string_view value, const std::vector<std::string_view>& supported) {
  std::string message = "unsupported value \"" + std::string(value) + "\": supported values: ";
  for (std::size_t i = 0; i < supported.size(); ++i) {
    if (i > 0) message += ", ";
    message += "\"" + std::string(supported[i]) + "\"";
  }
  return message;
}

FieldReader::FieldReader(const json& object, std::string path, FieldErrors& errors)
    : path_(std::move(path)), errors_(errors) {
  if (object.is_object()) {
    object_ = &object;
  } else if (!object.is_null()) {
    errors_.push_back({path_, "must be an object"});
  }
}

FieldReader::~FieldReader() {
  if (object_ == nullptr) return;
  for (const auto& [key, value] : object_->items()) {
    if (!known_.contains(key)) errors_.push_back({fieldPath(path_, key), "unknown field"});
  }
}

const json* FieldReader::find(std::string_view key) {
  known_.emplace(key);
  if (object_ == nullptr) return nullptr;
  const auto it = object_->find(key);
  if (it == object_->end() || it->is_null()) return nullptr;
  return &*it;
}

void FieldReader::read(std::string_view key, std::string& out) {
  if (const auto* member = find(key)) readString(*member, pathOf(key), out, errors_);
}

void FieldReader::read(std::string_view key, std::optional<std::string>& out) {
  std::string value;
  if (const auto* member = find(key); member != nullptr && readString(*member, pathOf(key), value, errors_)) {
    out = std::move(value);
  }
}

void FieldReader::read(std::string_view key, std::int32_t& out) {
  if (const auto* member = find(key)) readInt32(*member, pathOf(key), out, errors_);
}

void FieldReader::read(std::string_view key, std::int64_t& out) {
  if (const auto* member = find(key)) readInt64(*member, pathOf(key), out, errors_);
}

void FieldReader::read(std::string_view key, std::optional<std::int32_t>& out) {
  std::int32_t value = 0;
  if (const auto* member = find(key); member != nullptr && readInt32(*member, pathOf(key), value, errors_)) {
    out = value;
  }
}

void FieldReader::read(std::string_view key, bool& out) {
  const auto* member = find(key);
  if (member == nullptr) return;
  if (!member->is_boolean()) {
    error(pathOf(key), "must be a boolean");
    return;
  }
  out = member->get<bool>();
}

void FieldReader::read(std::string_view key, Duration& out) {
  if (const auto* member = find(key)) readDuration(*member, pathOf(key), out, errors_);
}

void FieldReader::read(std::string_view key, std::optional<Duration>& out) {
  Duration value;
  if (const auto* member = find(key); member != nullptr && readDuration(*member, pathOf(key), value, errors_)) {
    out = value;
  }
}

void FieldReader::read(std::string_view key, std::vector<std::string>& out) {
  const auto* member = find(key);
  if (member == nullptr) return;
  if (!member->is_array()) {
    error(pathOf(key), "must be a list of strings");
    return;
  }
  out.clear();  // a present list replaces the default
  for (std::size_t i = 0; i < member->size(); ++i) {
    std::string item;
    if (readString((*member)[i], indexPath(pathOf(key), i), item, errors_)) out.push_back(std::move(item));
  }
}

void FieldReader::read(std::string_view key, std::map<std::string, std::string>& out) {
  const auto* member = find(key);
  if (member == nullptr) return;
  if (!member->is_object()) {
    error(pathOf(key), "must be a map of strings");
    return;
  }
  out.clear();
  for (const auto& [name, value] : member->items()) {
    std::string text;
    if (readString(value, keyPath(pathOf(key), name), text, errors_)) out[name] = std::move(text);
  }
}

void FieldReader::read(std::string_view key, IntOrString& out) {
  if (const auto* member = find(key)) readIntOrString(*member, pathOf(key), out, errors_);
}

void FieldReader::read(std::string_view key, std::optional<IntOrString>& out) {
  IntOrString value;
  if (const auto* member = find(key); member != nullptr && readIntOrString(*member, pathOf(key), value, errors_)) {
    out = std::move(value);
  }
}

void FieldReader::read(std::string_view key, LocalObjectRef& out) {
  readObject(key, [&out](FieldReader& reader) { readLocalRef(reader, out); });
}

void FieldReader::read(std::string_view key, std::optional<LocalObjectRef>& out) {
  readOptional<LocalObjectRef>(key, out, readLocalRef);
}

void FieldReader::readRaw(std::string_view key, json& out, json::value_t expected) {
  const auto* member = find(key);
  if (member == nullptr) return;
  if (member->type() != expected) {
    error(pathOf(key), expected == json::value_t::array ? "must be a list" : "must be an object");
    return;
  }
  out = *member;
}

void FieldReader::readObject(std::string_view key, const std::function<void(FieldReader&)>& fill) {
  const auto* member = find(key);
  if (member == nullptr) return;
  FieldReader nested(*member, pathOf(key), errors_);
  fill(nested);
}

}  // namespace flotilla::api
