#pragma once
// Every runtime::CacheStorage, for tests whose behaviour must hold under each of them.

#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "runtime/cache.h"

namespace flotilla::runtime {

inline std::string storageName(CacheStorage storage) {
  switch (storage) {
    case CacheStorage::Trees:
      return "Trees";
    case CacheStorage::Packed:
      return "Packed";
    case CacheStorage::TreesWithPackedStatus:
      return "TreesWithPackedStatus";
  }
  return "Unknown";
}

// Found by GoogleTest through argument-dependent lookup: test names and messages say "Packed", not a byte dump.
inline void PrintTo(CacheStorage storage, std::ostream* out) {
  *out << storageName(storage);
}

inline auto allCacheStorages() {
  return ::testing::Values(CacheStorage::Trees, CacheStorage::Packed, CacheStorage::TreesWithPackedStatus);
}

}  // namespace flotilla::runtime
