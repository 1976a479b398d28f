#include "controllers/render_debounce.h"

#include <iterator>

namespace flotilla::controllers {
namespace {

// Beyond this many remembered Gateways, those idle for longer than the window are forgotten (they would be treated
// as idle anyway); keeps the map from growing with Gateways long deleted.
constexpr std::size_t kPruneAbove = 1024;

}  // namespace

RenderDebounce::RenderDebounce(runtime::Duration window, const runtime::Clock& clock)
    : window_(window), clock_(clock) {}

runtime::Duration RenderDebounce::delayFor(const std::string& gatewayKey) {
  const runtime::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  if (lastChange_.size() > kPruneAbove) {
    for (auto it = lastChange_.begin(); it != lastChange_.end();) {
      it = now - it->second >= window_ ? lastChange_.erase(it) : std::next(it);
    }
  }
  auto [entry, first] = lastChange_.try_emplace(gatewayKey, now);
  const bool burst = !first && now - entry->second < window_;
  entry->second = now;
  return burst ? window_ : runtime::Duration::zero();
}

}  // namespace flotilla::controllers
