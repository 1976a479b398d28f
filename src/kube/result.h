#pragma once
// Result<T>: a value or a kube::Error (std::expected is C++23). Every fallible call in src/kube returns one;
// nothing in this layer throws to its callers.

#include <cassert>
#include <utility>
#include <variant>

#include "kube/errors.h"

namespace flotilla::kube {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }
  // True when this holds an error of that kind: `if (r.is(ErrorKind::NotFound)) create(...)`.
  bool is(ErrorKind kind) const { return !ok() && error().kind == kind; }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }
  bool is(ErrorKind kind) const { return !ok_ && error_.kind == kind; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace flotilla::kube
