#pragma once
// Carries out a controller's Plan against some storage (the emulator's ResourceService, or a test's in-memory
// fake), with the rules every simulated controller relies on:
//  - writes of one plan to the same object follow each other: a later write's resourceVersion precondition (the
//    version the plan was computed from) is moved past the plan's own earlier writes;
//  - after a write fails (409, 404...), the object's remaining writes are dropped — the next pass recomputes them
//    from what is stored then (level-triggered);
//  - a write identical to this executor's last write of the object, when nobody has changed the object since, is
//    skipped: the server stored it in a normalised form, and writing it again would loop forever.

#include <cstdint>
#include <map>
#include <string>

#include "apiserver/sim_plan.h"

namespace flotilla::apiserver::sim {

class PlanTarget {
 public:
  enum class Outcome { Ok, Conflict, Gone, Exists, Failed };
  struct Applied {
    Outcome outcome = Outcome::Ok;
    std::uint64_t resourceVersion = 0;  // of the object after the write (0 when unknown or deleted)
    std::string error;
  };

  virtual ~PlanTarget() = default;
  virtual Applied apply(const Write& write) = 0;
  // The stored resourceVersion of the object a write addresses (0: absent).
  virtual std::uint64_t storedVersion(const Write& write) = 0;
};

class PlanExecutor {
 public:
  explicit PlanExecutor(PlanTarget& target) : target_(target) {}

  // True when every write applied or was skipped as a no-op.
  bool execute(const Plan& plan);
  // The object is gone: drop what is remembered about it.
  void forget(const std::string& storageKey, const std::string& namespace_, const std::string& name);

 private:
  struct LastWrite {
    std::size_t contentHash = 0;
    std::uint64_t resultVersion = 0;
  };
  PlanTarget& target_;
  std::map<std::string, LastWrite> lastWrites_;  // by write kind + object
};

}  // namespace flotilla::apiserver::sim
