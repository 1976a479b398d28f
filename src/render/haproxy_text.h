#pragma once
// How CR strings become HAProxy 2.6 config words safely (haproxy-gateway.md §12). Callers whitelist first
// (api/names.h); these functions then quote so that nothing in a value is ever read as syntax:
//  - single quotes are fully literal in HAProxy (no \n, no ${}, no #), and a ' is written '\'' ;
//  - log-format arguments (set-header values, return bodies, set-path, replace-path replacements) run %[...]
//    sample fetches, so there % is doubled as well.

#include <optional>
#include <string>
#include <string_view>

#include "api/duration.h"

namespace flotilla::render {

// 'text' with ' written as '\''.
std::string singleQuoted(std::string_view text);

// singleQuoted() after doubling every %: for arguments HAProxy reads as log-format.
std::string quotedLogFormat(std::string_view text);

// A PCRE literal: every character except [A-Za-z0-9/] is backslash-escaped.
std::string regexLiteral(std::string_view text);

// HAProxy time value: "5s" when a whole number of seconds, else "1500ms" (at least 1ms).
std::string haproxyDuration(api::Duration duration);

// A compact JSON document for a `return ... string` body: a JSON object text is kept as it is (re-serialised),
// anything else becomes {"error":"<text>"}. Output is pure printable ASCII (non-ASCII is \u-escaped).
std::string jsonBody(std::string_view text);

// nullopt when PCRE2 (HAProxy's regex engine) compiles the pattern, else its error message.
std::optional<std::string> pcreError(std::string_view pattern);

}  // namespace flotilla::render
