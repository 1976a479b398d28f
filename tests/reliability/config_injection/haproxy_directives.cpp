#include "haproxy_directives.h"

#include <algorithm>

namespace flotilla::reliability {
namespace {

const std::set<std::string> kSectionKeywords = {
    "global",  "defaults", "frontend", "backend", "listen",      "peers",    "resolvers",      "userlist",
    "program", "cache",    "ring",     "mailers", "http-errors", "fcgi-app", "dynamic-update", "crt-store",
};

// Keywords whose next word says what they do.
const std::set<std::string> kTwoWordKeywords = {
    "http-request", "http-response", "http-after-response", "tcp-request", "tcp-response", "option", "no",
    "timeout",      "stats",         "http-check",          "stick",       "tune.ssl",     "log",
};

// Condition and flag syntax: unquoted, these change what a line does.
const std::set<std::string> kConditionWords = {"if", "unless", "||", "or", "!", "{", "}", "-f", "-m", "-i", "--"};

bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string signature(const std::vector<HaproxyWord>& words) {
  const std::string& keyword = words.front().text;
  if (keyword == "acl" && words.size() >= 3) {
    const std::string& fetch = words[2].text;
    return "acl " + fetch.substr(0, fetch.find('('));
  }
  if (kTwoWordKeywords.contains(keyword) && words.size() >= 2) return keyword + " " + words[1].text;
  return keyword;
}

std::string shape(const std::string& directive, const std::vector<HaproxyWord>& words) {
  std::string out = directive + "/" + std::to_string(words.size());
  for (const auto& word : words) {
    if (!word.quoted && kConditionWords.contains(word.text)) out += " " + word.text;
  }
  return out;
}

}  // namespace

std::vector<HaproxyWord> haproxyWords(std::string_view line) {
  std::vector<HaproxyWord> words;
  HaproxyWord word;
  bool inWord = false;
  char quote = 0;
  const auto finish = [&] {
    if (inWord) words.push_back(std::move(word));
    word = {};
    inWord = false;
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote == '\'') {
      if (c == '\'') {
        quote = 0;
      } else {
        word.text += c;
      }
      continue;
    }
    if (c == '\\' && i + 1 < line.size()) {
      word.text += line[++i];
      word.quoted = true;
      inWord = true;
      continue;
    }
    if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else {
        word.text += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      word.quoted = true;
      inWord = true;
      continue;
    }
    if (c == '#') break;
    if (isBlank(c)) {
      finish();
      continue;
    }
    word.text += c;
    inWord = true;
  }
  finish();
  return words;
}

DirectiveSummary summarizeDirectives(std::string_view config) {
  DirectiveSummary summary;
  summary.nulBytes = static_cast<std::size_t>(std::count(config.begin(), config.end(), '\0'));
  std::string section;
  std::size_t start = 0;
  while (start <= config.size()) {
    std::size_t end = config.find('\n', start);
    if (end == std::string_view::npos) end = config.size();
    const auto words = haproxyWords(config.substr(start, end - start));
    start = end + 1;
    if (words.empty()) continue;
    if (!words.front().quoted && kSectionKeywords.contains(words.front().text)) {
      section = words.front().text;
      summary.directives[section];
      summary.shapes[section].insert(shape(section, words));
      continue;
    }
    const std::string directive = signature(words);
    summary.directives[section].insert(directive);
    summary.shapes[section].insert(shape(directive, words));
  }
  return summary;
}

std::string unexpectedDirectives(const DirectiveSummary& clean, const DirectiveSummary& actual) {
  std::string out;
  const auto extra = [&](const std::map<std::string, std::set<std::string>>& expected,
                         const std::map<std::string, std::set<std::string>>& found, const char* what) {
    for (const auto& [section, items] : found) {
      const auto known = expected.find(section);
      if (known == expected.end()) {
        out += "unexpected section '" + section + "'\n";
        continue;
      }
      for (const auto& item : items) {
        if (!known->second.contains(item))
          out += std::string("unexpected ") + what + " in '" + section + "': " + item + "\n";
      }
    }
  };
  extra(clean.directives, actual.directives, "directive");
  if (out.empty()) extra(clean.shapes, actual.shapes, "directive/word count");
  if (actual.nulBytes != 0) out += "NUL bytes in the config\n";
  return out;
}

}  // namespace flotilla::reliability
