#pragma once
// Seeded randomness for the reliability fuzzers (tests/reliability/*).
//
// CI (hack/test.sh) runs each fuzzer's small default case count with a fixed seed, so a run is reproducible.
// hack/soak.sh sets FLOTILLA_FUZZ_CASES (many more cases) and FLOTILLA_FUZZ_SEED (a fresh seed each run). Case i
// draws from its own generator seeded from (seed, i), so a failure names "seed S case i" and
// `FLOTILLA_FUZZ_SEED=S` replays exactly that case.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace flotilla::reliability {

// The seed of the default (CI) runs: any fixed value; changing it explores other cases.
inline constexpr std::uint64_t kDefaultFuzzSeed = 20240611;

inline std::uint64_t fuzzSeed() {
  const char* text = std::getenv("FLOTILLA_FUZZ_SEED");
  return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 10) : kDefaultFuzzSeed;
}

// ciCases without FLOTILLA_FUZZ_CASES; with it, FLOTILLA_FUZZ_CASES scaled by soakShare (fuzzers that start a
// process per case take a share of the soak budget).
inline int fuzzCases(int ciCases, double soakShare = 1.0) {
  const char* text = std::getenv("FLOTILLA_FUZZ_CASES");
  if (text == nullptr || *text == '\0') return ciCases;
  const long wanted = std::strtol(text, nullptr, 10);
  return wanted > 0 ? std::max(1, static_cast<int>(static_cast<double>(wanted) * soakShare)) : ciCases;
}

// How to replay: appended to every fuzz failure message.
inline std::string replayHint(std::uint64_t seed, int caseIndex) {
  return "[seed " + std::to_string(seed) + " case " + std::to_string(caseIndex) +
         "; replay with FLOTILLA_FUZZ_SEED=" + std::to_string(seed) + "]";
}

// A small façade over a 64-bit Mersenne Twister; one per case.
class Rng {
 public:
  Rng(std::uint64_t seed, int caseIndex) : engine_(mix(seed + 0x9e3779b97f4a7c15ULL * (caseIndex + 1ULL))) {}

  // Uniform in [low, high].
  std::int64_t between(std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(engine_);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(between(0, static_cast<std::int64_t>(n) - 1)); }
  bool chance(double p) { return std::bernoulli_distribution(p)(engine_); }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }

 private:
  // splitmix64's finaliser: neighbouring (seed, case) pairs get unrelated engine seeds.
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::mt19937_64 engine_;
};

}  // namespace flotilla::reliability
