#include "cli/flag_parser.h"

#include <charconv>
#include <iostream>

namespace flotilla::cli {
namespace {

template <typename Number>
bool parseNumber(const std::string& text, Number& out) {
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

}  // namespace

FlagParser::FlagParser(std::string command, std::string usage)
    : command_(std::move(command)), usage_(std::move(usage)) {}

void FlagParser::add(std::vector<std::string> names, std::string& value) {
  flags_.push_back({std::move(names), true, [&value](const std::string& v) {
                      value = v;
                      return true;
                    }});
}

void FlagParser::add(std::vector<std::string> names, std::int64_t& value) {
  flags_.push_back({std::move(names), true, [&value](const std::string& v) { return parseNumber(v, value); }});
}

void FlagParser::add(std::vector<std::string> names, int& value) {
  flags_.push_back({std::move(names), true, [&value](const std::string& v) { return parseNumber(v, value); }});
}

void FlagParser::add(std::vector<std::string> names, double& value) {
  flags_.push_back({std::move(names), true, [&value](const std::string& v) {
                      try {
                        std::size_t used = 0;
                        value = std::stod(v, &used);
                        return used == v.size();
                      } catch (const std::exception&) {
                        return false;
                      }
                    }});
}

void FlagParser::addSwitch(std::vector<std::string> names, bool& value) {
  flags_.push_back({std::move(names), false, [&value](const std::string& v) {
                      if (v.empty() || v == "true" || v == "1") return value = true, true;
                      if (v == "false" || v == "0") return value = false, true;
                      return false;
                    }});
}

void FlagParser::addList(std::vector<std::string> names, std::vector<std::string>& values) {
  flags_.push_back({std::move(names), true, [&values](const std::string& v) {
                      values.push_back(v);
                      return true;
                    }});
}

const FlagParser::Flag* FlagParser::find(const std::string& name) const {
  for (const auto& flag : flags_) {
    for (const auto& n : flag.names) {
      if (n == name) return &flag;
    }
  }
  return nullptr;
}

std::optional<int> FlagParser::parse(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << usage_;
      return 0;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional_.push_back(arg);
      continue;
    }
    std::optional<std::string> inlineValue;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      inlineValue = arg.substr(eq + 1);
      arg.resize(eq);
    }
    const Flag* flag = find(arg);
    if (flag == nullptr) {
      std::cerr << "flotilla " << command_ << ": unknown flag " << arg << "\n" << usage_;
      return 2;
    }
    std::string value;
    if (inlineValue) {
      value = *inlineValue;
    } else if (flag->takesValue) {
      if (i + 1 >= argc) {
        std::cerr << "flotilla " << command_ << ": flag " << arg << " needs a value\n";
        return 2;
      }
      value = argv[++i];
    }
    if (!flag->set(value)) {
      std::cerr << "flotilla " << command_ << ": invalid value '" << value << "' for " << arg << "\n";
      return 2;
    }
  }
  return std::nullopt;
}

}  // namespace flotilla::cli
