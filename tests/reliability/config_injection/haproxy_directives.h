#pragma once
// Reads haproxy.cfg the way HAProxy 2.6 splits a line into words, to tell which directives a config contains.
// The injection fuzzer compares that against a clean render of the same structure: a CR value that made HAProxy
// see a directive (or an extra word) the renderer did not write is an injection, even when `haproxy -c` is happy.

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace flotilla::reliability {

struct HaproxyWord {
  std::string text;     // quotes removed, escapes resolved; "${X}" stays as written (nothing is expanded)
  bool quoted = false;  // some of it was in quotes or escaped: HAProxy reads it as data, never as syntax
  bool operator==(const HaproxyWord&) const = default;
};

// One line's words: blanks separate words; '...' is literal; "..." and unquoted text take backslash escapes;
// an unquoted '#' starts a comment.
std::vector<HaproxyWord> haproxyWords(std::string_view line);

struct DirectiveSummary {
  // Section keyword ("global", "defaults", "frontend", "backend", "listen", "peers"...; "" before the first) ->
  // directive signatures in those sections: the keyword, plus the action for http-request/option/timeout-like
  // keywords ("http-request set-header") and the sample fetch for acl ("acl path_beg", "acl req.fhdr").
  std::map<std::string, std::set<std::string>> directives;
  // The same with each line's word count and its unquoted condition syntax ("http-request set-header/6 if { }"):
  // a value that added a word, a condition or a flag to a line shows up here even when the directive is one the
  // renderer writes. Order-free, because a value may move its line (route precedence depends on path lengths).
  std::map<std::string, std::set<std::string>> shapes;
  std::size_t nulBytes = 0;
};

DirectiveSummary summarizeDirectives(std::string_view config);

// "" when `actual` has no directive, and no line shape, that `clean` (a clean render of the same structure) lacks;
// else a readable list of them. (What `actual` lacks is not an injection: a value may switch an option off.)
std::string unexpectedDirectives(const DirectiveSummary& clean, const DirectiveSummary& actual);

}  // namespace flotilla::reliability
