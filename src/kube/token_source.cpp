#include "kube/token_source.h"

#include <spdlog/spdlog.h>

#include "kube/files.h"

namespace flotilla::kube {
namespace {

class StaticTokenSource : public TokenSource {
 public:
  explicit StaticTokenSource(std::string token) : token_(std::move(token)) {}
  Result<std::string> token() override { return token_; }
  void invalidate() override {}

 private:
  const std::string token_;
};

}  // namespace

std::shared_ptr<TokenSource> staticTokenSource(std::string token) {
  return std::make_shared<StaticTokenSource>(std::move(token));
}

FileTokenSource::FileTokenSource(std::string path, std::chrono::seconds refresh, std::shared_ptr<Clock> clock)
    : path_(std::move(path)), refresh_(refresh), clock_(std::move(clock)) {}

Result<std::string> FileTokenSource::readFile() const {
  auto content = readTextFile(path_);
  if (!content) return configError("token file " + content.error().message);
  std::string token = trimmed(*content);
  if (token.empty()) return configError("token file " + path_ + ": is empty");
  return token;
}

Result<std::string> FileTokenSource::token() {
  std::lock_guard lock(mutex_);
  const auto now = clock_->now();
  if (readAt_ && now - *readAt_ < refresh_) return cached_;
  auto fresh = readFile();
  if (!fresh) {
    if (cached_.empty()) return fresh.error();
    spdlog::warn("keeping the previous bearer token: {}", fresh.error().message);
    readAt_ = now;  // retry at the next interval rather than on every request
    return cached_;
  }
  cached_ = std::move(fresh).value();
  readAt_ = now;
  return cached_;
}

void FileTokenSource::invalidate() {
  std::lock_guard lock(mutex_);
  readAt_.reset();
}

}  // namespace flotilla::kube
