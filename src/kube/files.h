#pragma once
// Reading the small text files configuration comes from (kubeconfigs, tokens, certificates).

#include <string>
#include <string_view>

#include "kube/result.h"

namespace flotilla::kube {

// The whole file, or ErrorKind::Config "<path>: cannot be read (<reason>)".
Result<std::string> readTextFile(const std::string& path);

// Without leading and trailing whitespace (spaces, tabs, line breaks).
std::string trimmed(std::string_view text);

}  // namespace flotilla::kube
