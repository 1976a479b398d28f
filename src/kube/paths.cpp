#include "kube/paths.h"

namespace flotilla::kube {
namespace {

bool isUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::string groupVersionPrefix(const ResourceRef& ref) {
  return ref.group.empty() ? "/api/" + ref.version : "/apis/" + ref.group + "/" + ref.version;
}

}  // namespace

std::string urlEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if (isUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string collectionPath(const ResourceRef& ref, std::string_view ns) {
  std::string path = groupVersionPrefix(ref);
  if (ref.namespaced && !ns.empty()) path += "/namespaces/" + urlEncode(ns);
  return path + "/" + ref.resource;
}

std::string objectPath(const ResourceRef& ref, std::string_view ns, std::string_view name,
                       std::string_view subresource) {
  std::string path = collectionPath(ref, ns) + "/" + urlEncode(name);
  if (!subresource.empty()) path += "/" + std::string(subresource);
  return path;
}

Query& Query::add(std::string key, std::string value) {
  params_.emplace_back(std::move(key), std::move(value));
  return *this;
}

Query& Query::addIfSet(std::string key, const std::string& value) {
  if (!value.empty()) add(std::move(key), value);
  return *this;
}

std::string Query::toString() const {
  std::string out;
  for (const auto& [key, value] : params_) {
    out += out.empty() ? '?' : '&';
    out += urlEncode(key) + "=" + urlEncode(value);
  }
  return out;
}

}  // namespace flotilla::kube
