#include "dockerfile_check.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

namespace flotilla::reliability {
namespace {

// Packages every debian:12-slim image has (Essential: yes, or required by apt itself).
const std::set<std::string> kInBaseImage = {"libc6", "libgcc-s1"};

std::string trimmed(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace

std::vector<DockerInstruction> dockerInstructions(const std::string& dockerfile) {
  std::vector<DockerInstruction> out;
  std::istringstream in(dockerfile);
  std::string pending;
  for (std::string line; std::getline(in, line);) {
    const std::string t = trimmed(line);
    if (t.starts_with("#")) continue;  // comments (and parser directives) even inside continued instructions
    if (!t.empty() && t.back() == '\\') {
      pending += t.substr(0, t.size() - 1) + " ";
      continue;
    }
    pending += t;
    if (!trimmed(pending).empty()) {
      const std::string full = trimmed(pending);
      const auto space = full.find_first_of(" \t");
      out.push_back({upper(full.substr(0, space)), space == std::string::npos ? "" : trimmed(full.substr(space))});
    }
    pending.clear();
  }
  return out;
}

std::vector<std::string> dockerfileProblems(const std::string& dockerfile,
                                            const std::set<std::string>& neededPackages) {
  std::vector<std::string> problems;
  const auto instructions = dockerInstructions(dockerfile);
  std::vector<const DockerInstruction*> froms;
  const DockerInstruction* user = nullptr;
  const DockerInstruction* entrypoint = nullptr;
  std::set<std::string> installed;
  bool listsRemoved = false;
  for (const auto& i : instructions) {
    if (i.keyword == "FROM") froms.push_back(&i);
    if (i.keyword == "USER") user = &i;
    if (i.keyword == "ENTRYPOINT") entrypoint = &i;
    if (i.keyword == "ADD" &&
        (i.arguments.find("://") != std::string::npos || i.arguments.find("git@") != std::string::npos)) {
      problems.push_back("ADD fetches a URL (unpinned, unverified download): " + i.arguments);
    }
    if (i.keyword == "ENV" || i.keyword == "ARG") {
      static const std::regex secret("(PASSWORD|PASSWD|TOKEN|SECRET|PRIVATE_KEY|API_KEY)", std::regex::icase);
      if (std::regex_search(i.arguments, secret))
        problems.push_back(i.keyword + " looks like a secret: " + i.arguments);
    }
    if (i.keyword == "RUN" && i.arguments.find("apt-get install") != std::string::npos) {
      if (i.arguments.find("--no-install-recommends") == std::string::npos) {
        problems.push_back("apt-get install without --no-install-recommends");
      }
      const auto w = words(i.arguments.substr(i.arguments.find("apt-get install")));
      for (std::size_t k = 2; k < w.size() && w[k] != "&&"; ++k) {
        if (!w[k].starts_with("-")) installed.insert(w[k]);
      }
    }
    if (i.keyword == "RUN" && i.arguments.find("rm -rf /var/lib/apt/lists") != std::string::npos) listsRemoved = true;
  }

  static const std::regex base(R"(^debian:(12|bookworm)-slim(@sha256:[0-9a-f]{64})?$)");
  if (froms.size() != 1) {
    problems.push_back("expected exactly one FROM (a single stage on the Debian 12 slim image), found " +
                       std::to_string(froms.size()));
  } else if (!std::regex_match(words(froms.front()->arguments).front(), base)) {
    problems.push_back("the base image is not debian:12-slim: " + froms.front()->arguments);
  }

  static const std::regex nonRoot(R"(^([1-9][0-9]*)(:[1-9][0-9]*)?$)");
  if (user == nullptr) {
    problems.push_back("no USER: the image would run as root");
  } else if (!std::regex_match(user->arguments, nonRoot)) {
    problems.push_back("USER must be a numeric non-zero uid[:gid] (runAsNonRoot checks it): " + user->arguments);
  }

  if (entrypoint == nullptr) {
    problems.push_back("no ENTRYPOINT");
  } else {
    const auto form = nlohmann::json::parse(entrypoint->arguments, nullptr, false);
    const bool execForm = form.is_array() && !form.empty() && form.front().is_string();
    const std::string program = execForm ? form.front().get<std::string>() : "";
    if (!execForm || (program != "flotilla" && !program.ends_with("/flotilla"))) {
      problems.push_back("ENTRYPOINT must be the exec form [\"/usr/local/bin/flotilla\"]: " + entrypoint->arguments);
    }
  }

  if (!installed.contains("haproxy")) problems.push_back("haproxy is not installed");
  if (!installed.empty() && !listsRemoved) problems.push_back("the apt package lists are left in the image");
  for (const auto& package : neededPackages) {
    if (!kInBaseImage.contains(package) && !installed.contains(package)) {
      problems.push_back("the binary needs package " + package + ", which the Dockerfile does not install");
    }
  }
  return problems;
}

}  // namespace flotilla::reliability
