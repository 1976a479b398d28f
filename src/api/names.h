#pragma once
// Whitelists for every kind of name or string a CR carries. Validation uses them to reject bad input with a field
// error; the renderer uses the same predicates as a last line of defence before a string reaches haproxy.cfg or a
// Kubernetes object. All predicates are pure and work on bytes (non-ASCII bytes are never "safe").

#include <cstddef>
#include <string_view>

namespace flotilla::api {

inline constexpr std::size_t kMaxDns1123LabelLength = 63;
inline constexpr std::size_t kMaxDns1123SubdomainLength = 253;
inline constexpr std::size_t kMaxIanaServiceNameLength = 15;
inline constexpr std::size_t kMaxQualifiedNamePartLength = 63;
inline constexpr std::size_t kMaxLabelValueLength = 63;
inline constexpr std::size_t kMaxHostnameLength = 253;
inline constexpr std::size_t kMaxHeaderNameLength = 256;
inline constexpr std::size_t kMaxHeaderValueLength = 4096;
inline constexpr std::size_t kMaxPathLength = 1024;
inline constexpr std::size_t kMaxRegexLength = 1024;

// Kubernetes name grammars (k8s.io/apimachinery/pkg/util/validation).
bool isDns1123Label(std::string_view s);      // [a-z0-9]([-a-z0-9]*[a-z0-9])?, <= 63
bool isDns1123Subdomain(std::string_view s);  // DNS-1123 labels joined by '.', <= 253
bool isDns1035Label(std::string_view s);      // [a-z]([-a-z0-9]*[a-z0-9])?, <= 63 (Service names)
bool isIanaServiceName(std::string_view s);   // port names: <= 15, [a-z0-9-], a letter, no "--", no edge '-'
bool isQualifiedName(std::string_view s);     // label/annotation keys: [prefix/]name
bool isLabelValue(std::string_view s);        // empty or ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], <= 63

// Route hostname: lowercase RFC 1123 subdomain, optionally "*." + subdomain, <= 253, not an IPv4 address.
bool isValidHostname(std::string_view s);

// RFC 7230 token (tchar+): HTTP methods and, in general, header field names.
bool isHttpToken(std::string_view s);
// Header names Flotilla accepts: RFC 7230 tokens restricted to [A-Za-z0-9_.-], starting with a letter or digit
// (so no '#', quotes, '%' or a leading '-' that HAProxy would read as a flag), <= 256.
bool isSafeHeaderName(std::string_view s);
// Free text that reaches haproxy.cfg (header values, fallback bodies): printable ASCII without ' " \ # or
// backquote, no "%[" or "${", no leading '-' and no leading or trailing space. Stricter than RFC 7230 on purpose.
bool isSafeConfigText(std::string_view s);
// isSafeConfigText and <= 4096.
bool isSafeHeaderValue(std::string_view s);

// Exact/PathPrefix paths, rewrites and health-check paths: starts with '/', only [A-Za-z0-9/._~%-], every '%'
// followed by two hex digits, <= 1024 (haproxy-gateway.md §12).
bool isSafeConfigPath(std::string_view s);

// Regular expressions for paths (no spaces) and header values (spaces allowed): printable ASCII, none of ' " # or
// backquote, no "%[" or "${", <= 1024, and it compiles as an ECMAScript regex (a proxy for PCRE2).
bool isSafePathRegex(std::string_view s);
bool isSafeHeaderRegex(std::string_view s);
bool compilesAsRegex(std::string_view s);

// Printable ASCII (0x20..0x7e) only: no control characters, DEL or non-ASCII bytes.
bool isPrintableAscii(std::string_view s);

}  // namespace flotilla::api
