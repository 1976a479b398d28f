#include "adversarial_values.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace flotilla::reliability {
namespace {

// HAProxy syntax characters and escapes, one per entry (haproxy-gateway.md §12 lists what each one does).
const std::vector<std::string> kSyntax = {
    "\n",
    "\r",
    "\r\n",
    std::string(1, '\0'),
    "\t",
    " ",
    "\"",
    "'",
    "`",
    "#",
    "\\",
    "\\n",
    "\\x0a",
    "\\'",
    "%",
    "%[",
    "%%",
    "${",
    "}",
    "$",
    "{",
    "(",
    ")",
    "[",
    "]",
    "|",
    ";",
    "&",
    "*",
    "?",
    "^",
    "-",
    "--",
    ",",
    ":",
    "=",
    "<",
    ">",
    "@",
    "!",
    "~",
    "\x7f",
    "\x1b",
    "\xc3\xa9",
    "\xe2\x80\xa8",
    "\xef\xbb\xbf",
    "\xff",
    "\xc3\x28",
    "\xed\xa0\x80",
};

// Whole attempts to leave the current word, line or section.
const std::vector<std::string> kInjections = {
    "\nbind :1",
    "\n    server evil 192.0.2.1:80",
    "\nglobal\n    lua-load /tmp/x.lua",
    "\nlisten evil\n    bind :6666",
    "\r\n    http-request return status 200",
    "' if { path / } '",
    "'\\'' if TRUE '\\''",
    "\" if TRUE \"",
    " if TRUE",
    " unless { always_false }",
    " # trailing comment",
    "%[env(HOME)]",
    "%[req.hdr(host)]",
    "${HOME}",
    "\"${PATH}\"",
    "-f /etc/passwd",
    "-m reg .*",
    " -- -i",
    ")|(?:.*",
    "(?{system('id')})",
    "\\",
    "\\\\",
    "\\\n",
    "},{\"injected\":true",
    "</script>",
    "../../etc/passwd",
};

// Printable ASCII that whitelists may let through but that means something to HAProxy, PCRE or a shell.
const std::vector<std::string> kPrintableSpecials = {
    "%", "%2F", "$", "{", "}", "(", ")", "[", "]", "|", ";", "&", "*",  "?", "^",  "!", "~",
    "=", "<",   ">", "@", ",", ":", "+", ".", "_", "-", " ", "/", "\\", "'", "\"", "#",
};

// Harmless text of the kinds CR fields normally hold.
const std::vector<std::string> kPlain = {
    "api", "v1", "users", "x", "a-b", "a_b", "a.b", "0", "42", "example.com", "/", "/api", "UPPER", "ok", "%20",
};

std::string longString(Rng& rng) {
  // Around the limits the validators use (63, 253, 1024, 4096) and far beyond them.
  static const std::vector<std::size_t> lengths = {64, 254, 1025, 4097, 70000};
  const std::string unit = rng.pick(std::vector<std::string>{"a", "/", "%", "'", "\\", "\n", "x-"});
  std::string out;
  const std::size_t length = rng.pick(lengths) + static_cast<std::size_t>(rng.between(-2, 2));
  while (out.size() < length) out += unit;
  return out;
}

}  // namespace

std::string adversarialString(Rng& rng, const std::string& shape) {
  std::string out = rng.chance(0.5) ? shape : "";
  const auto mode = rng.below(20);
  if (mode == 0) return out + longString(rng);
  if (mode < 10) {
    // Near-valid: field-shaped text with at most one printable special character in it, the values most likely to
    // pass validation and so to test the quoting.
    out = shape + rng.pick(kPlain);
    if (rng.chance(0.7)) out += rng.pick(kPrintableSpecials);
    if (rng.chance(0.5)) out += rng.pick(kPlain);
    return out;
  }
  const int pieces = static_cast<int>(rng.between(1, 5));
  for (int i = 0; i < pieces; ++i) {
    const auto roll = rng.below(10);
    if (roll < 4) {
      out += rng.pick(kSyntax);
    } else if (roll < 6) {
      out += rng.pick(kInjections);
    } else {
      out += rng.pick(kPlain);
    }
  }
  return out;
}

std::string mutatedValid(Rng& rng, const std::string& valid) {
  if (rng.chance(0.25)) return valid;
  const std::string piece = rng.chance(0.6) ? rng.pick(kPrintableSpecials) : rng.pick(kSyntax);
  std::string out = valid;
  out.insert(rng.below(valid.size() + 1), piece);
  return out;
}

nlohmann::json adversarialNumber(Rng& rng) {
  static const std::vector<nlohmann::json> edges = {
      0,
      -1,
      1,
      std::numeric_limits<std::int32_t>::max(),
      std::numeric_limits<std::int32_t>::min(),
      static_cast<std::int64_t>(std::numeric_limits<std::int32_t>::max()) + 1,
      std::numeric_limits<std::int64_t>::max(),
      std::numeric_limits<std::uint64_t>::max(),
      1.5,
      -0.0,
      1e300,
      "10",
      "1; bind :1",
      true,
      nullptr,
      nlohmann::json::array({1}),
      nlohmann::json::object({{"a", 1}}),
  };
  const auto roll = rng.below(10);
  if (roll < 4) return rng.pick(edges);
  if (roll < 7) return rng.between(0, 100);  // mostly valid: exercises the rendering of the number
  return rng.between(-1'000'000, 2'000'000);
}

}  // namespace flotilla::reliability
