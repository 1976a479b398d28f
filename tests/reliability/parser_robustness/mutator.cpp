#include "mutator.h"

#include <algorithm>

namespace flotilla::reliability {
namespace {

// Pieces of YAML and JSON syntax, and values at the edges of what the typed decoders accept.
const std::vector<std::string> kTokens = {
    "[",
    "]",
    "{",
    "}",
    ":",
    ": ",
    ",",
    "- ",
    "? ",
    "&a ",
    "*a",
    "<<: *a",
    "!!binary ",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!null ",
    "!custom ",
    "%YAML 1.2\n",
    "%TAG ! tag:x,2024:\n",
    "---\n",
    "...\n",
    "\t",
    "'",
    "\"",
    "|\n",
    ">-\n",
    "#",
    "~",
    "null",
    "true",
    "yes",
    "no",
    "on",
    ".inf",
    "-.inf",
    ".nan",
    "0x7fffffffffffffff",
    "99999999999999999999999999999999",
    "1e400",
    "-1e400",
    "1e-400",
    "-0",
    "0o777",
    "0b101",
    "1_000",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "\"\\uD800\"",
    "\"\\x00\"",
    "\"\\U0010FFFF\"",
    std::string(1, '\0'),
    "\r",
    "\r\n",
    "\xef\xbb\xbf",
    "\xff",
    "\xc3\x28",
    "\xed\xa0\x80",
    "\xf4\x90\x80\x80",
    "\xc0\xaf",
    "\xe2\x80\xa8",
};

std::size_t position(Rng& rng, const std::string& text) {
  return text.empty() ? 0 : rng.below(text.size() + 1);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "\n" : "") + parts[i];
  return out;
}

// An anchored list repeated through aliases, level after level (the "billion laughs").
std::string aliasBomb(int levels) {
  std::string out = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= levels; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    out += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 1; k < 10; ++k) out += ", " + prev;
    out += "]\n";
  }
  return out;
}

void mutateOnce(Rng& rng, std::string& text) {
  switch (rng.below(12)) {
    case 0:  // truncated (an interrupted download, a full disk)
      text.resize(position(rng, text));
      break;
    case 1: {  // a range deleted
      const std::size_t from = position(rng, text);
      text.erase(from, static_cast<std::size_t>(rng.between(1, 40)));
      break;
    }
    case 2: {  // a range repeated
      const std::size_t from = position(rng, text);
      const std::string piece = text.substr(from, static_cast<std::size_t>(rng.between(1, 60)));
      text.insert(position(rng, text), piece);
      break;
    }
    case 3:
    case 4:
    case 5:  // a token inserted
      text.insert(position(rng, text), rng.pick(kTokens));
      break;
    case 6: {  // a number replaced by an extreme one
      const auto digit = text.find_first_of("0123456789", position(rng, text));
      if (digit == std::string::npos) break;
      const auto end = text.find_first_not_of("0123456789", digit);
      text.replace(digit, (end == std::string::npos ? text.size() : end) - digit,
                   rng.pick(std::vector<std::string>{"99999999999999999999999", "1e400", "-1", "2147483648", "0x10",
                                                     "-9223372036854775809", "1.5", ".inf"}));
      break;
    }
    case 7: {  // a random byte overwritten
      if (text.empty()) break;
      text[rng.below(text.size())] = static_cast<char>(rng.between(0, 255));
      break;
    }
    case 8: {  // a line indented differently
      auto all = lines(text);
      auto& line = all[rng.below(all.size())];
      if (rng.chance(0.5)) {
        line.insert(0, std::string(static_cast<std::size_t>(rng.between(1, 5)), rng.chance(0.8) ? ' ' : '\t'));
      } else {
        line.erase(0, line.find_first_not_of(' '));
      }
      text = joined(all);
      break;
    }
    case 9: {  // two lines swapped
      auto all = lines(text);
      std::swap(all[rng.below(all.size())], all[rng.below(all.size())]);
      text = joined(all);
      break;
    }
    case 10:  // deep nesting spliced in as a value
      text.insert(position(rng, text), nestedDocument(Nesting::FlowSequence, static_cast<int>(rng.between(1, 1500))));
      break;
    default:  // a small alias bomb appended as another document (parser_fuzz_test.cpp has a big one)
      text += "\n---\n" + aliasBomb(static_cast<int>(rng.between(1, 3)));
      break;
  }
}

}  // namespace

std::string mutateManifest(Rng& rng, std::string text, int maxSteps) {
  const int steps = static_cast<int>(rng.between(1, maxSteps));
  for (int i = 0; i < steps; ++i) mutateOnce(rng, text);
  return text;
}

std::string nestedDocument(Nesting syntax, int levels, const std::string& leaf) {
  std::string out;
  switch (syntax) {
    case Nesting::FlowSequence:
      out.reserve(static_cast<std::size_t>(levels) * 2 + leaf.size());
      out.append(static_cast<std::size_t>(levels), '[');
      out += leaf;
      out.append(static_cast<std::size_t>(levels), ']');
      break;
    case Nesting::FlowMap:
      for (int i = 0; i < levels; ++i) out += "{\"a\":";
      out += "\"" + leaf + "\"";
      out.append(static_cast<std::size_t>(levels), '}');
      break;
    case Nesting::BlockSequence:
      for (int i = 0; i < levels; ++i) out += "- ";
      out += leaf + "\n";
      break;
    case Nesting::BlockMap:
      for (int i = 0; i < levels; ++i) out += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
      out += std::string(static_cast<std::size_t>(levels), ' ') + leaf + "\n";
      break;
  }
  return out;
}

}  // namespace flotilla::reliability
