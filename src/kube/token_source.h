#pragma once
// Where bearer tokens come from. Service-account tokens are projected, short-lived and rotated by the kubelet,
// so a token file is re-read at least every refresh interval (1 minute, like client-go) and at once after a 401.

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "kube/clock.h"
#include "kube/result.h"

namespace flotilla::kube {

class TokenSource {
 public:
  virtual ~TokenSource() = default;
  // The token to send now.
  virtual Result<std::string> token() = 0;
  // The server rejected the last token (401): the next token() must re-read its source.
  virtual void invalidate() = 0;
};

std::shared_ptr<TokenSource> staticTokenSource(std::string token);

class FileTokenSource : public TokenSource {
 public:
  static constexpr std::chrono::seconds kDefaultRefresh{60};

  explicit FileTokenSource(std::string path, std::chrono::seconds refresh = kDefaultRefresh,
                           std::shared_ptr<Clock> clock = Clock::real());

  // Re-reads the file when the cached token is older than the refresh interval or was invalidated. If a re-read
  // fails after an earlier success, the last good token is kept (the kubelet rewrites the file atomically, but a
  // transient read error must not log the operator out).
  Result<std::string> token() override;
  void invalidate() override;
  const std::string& path() const { return path_; }

 private:
  Result<std::string> readFile() const;

  const std::string path_;
  const std::chrono::seconds refresh_;
  const std::shared_ptr<Clock> clock_;
  std::mutex mutex_;
  std::string cached_;
  std::optional<Clock::TimePoint> readAt_;
};

}  // namespace flotilla::kube
