#include "runtime/reconcile.h"

#include <cstdio>
#include <random>

#include "runtime/object.h"

namespace flotilla::runtime {

namespace {
thread_local const ReconcileContext* tCurrent = nullptr;
}  // namespace

std::string Request::key() const {
  return objectKey(namespace_, name);
}

Request Request::fromKey(const std::string& key) {
  auto [namespace_, name] = splitObjectKey(key);
  return Request{std::move(namespace_), std::move(name)};
}

const ReconcileContext* currentReconcile() {
  return tCurrent;
}

observability::Logger reconcileLogger() {
  if (tCurrent) return tCurrent->log;
  return observability::Logger("reconcile");
}

std::string newReconcileId() {
  thread_local std::mt19937_64 rng{std::random_device{}() ^ (static_cast<std::uint64_t>(std::random_device{}()) << 32)};
  const std::uint64_t high = (rng() & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  const std::uint64_t low = (rng() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;   // variant 10xx
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xffff), static_cast<unsigned>(high & 0xffff),
                static_cast<unsigned>(low >> 48), static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

namespace detail {
ReconcileScope::ReconcileScope(const ReconcileContext& context) : previous_(tCurrent) {
  tCurrent = &context;
}
ReconcileScope::~ReconcileScope() {
  tCurrent = previous_;
}
}  // namespace detail

}  // namespace flotilla::runtime
