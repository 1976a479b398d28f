#pragma once
// Every API request the emulator answered, in order, bounded (oldest dropped first), so tests can count writes,
// compare verbs against RBAC rules, or check what a client sent. Readable through GET /debug/requests and the
// C++ handle.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::apiserver {

struct RequestRecord {
  std::uint64_t index = 0;  // 1-based, monotonic across clears
  std::string time;         // RFC 3339 with microseconds
  std::string method;       // HTTP method
  std::string verb;         // audit verb: get list watch create update patch delete deletecollection (or method)
  std::string path;
  std::string query;
  std::string group;
  std::string version;
  std::string resource;
  std::string subresource;
  std::string namespace_;
  std::string name;
  std::string userAgent;
  std::string user;         // token user, client certificate CN, or "system:anonymous"
  std::string contentType;  // of the request body
  std::string fieldManager;
  int code = 0;
  double durationMs = 0;  // until the response (or the stream) began

  nlohmann::json toJson() const;
};

class RequestLog {
 public:
  explicit RequestLog(std::size_t capacity = 200000) : capacity_(capacity) {}

  std::uint64_t append(RequestRecord record);
  // Records with index > `after`.
  std::vector<RequestRecord> since(std::uint64_t after = 0) const;
  std::vector<RequestRecord> all() const { return since(0); }
  std::uint64_t lastIndex() const;
  void clear();

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<RequestRecord> records_;
  std::uint64_t next_ = 1;
};

}  // namespace flotilla::apiserver
