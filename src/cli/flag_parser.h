#pragma once
// Flags for every `flotilla` subcommand, parsed one way: `--name value`, `--name=value`, short aliases (`-f x`),
// boolean switches, repeatable lists, `-h/--help`. Unknown flags and missing values are clear errors (exit 2).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace flotilla::cli {

class FlagParser {
 public:
  FlagParser(std::string command, std::string usage);

  void add(std::vector<std::string> names, std::string& value);
  void add(std::vector<std::string> names, std::int64_t& value);
  void add(std::vector<std::string> names, int& value);
  void add(std::vector<std::string> names, double& value);
  void addSwitch(std::vector<std::string> names, bool& value);  // --x, --x=true|false
  void addList(std::vector<std::string> names, std::vector<std::string>& values);

  // argv[0] is the subcommand. Returns an exit code when the command should stop now (help: 0, error: 2).
  std::optional<int> parse(int argc, char** argv);
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  struct Flag {
    std::vector<std::string> names;
    bool takesValue = true;
    std::function<bool(const std::string&)> set;  // false = the value is malformed
  };
  const Flag* find(const std::string& name) const;

  std::string command_;
  std::string usage_;
  std::vector<Flag> flags_;
  std::vector<std::string> positional_;
};

}  // namespace flotilla::cli
