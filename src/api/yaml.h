#pragma once
// YAML <-> JSON with the scalar typing Kubernetes users get from kubectl (sigs.k8s.io/yaml on go-yaml v2, YAML 1.1):
//  - quoted and block scalars stay strings; explicit tags (!!str, !!int, !!float, !!bool, !!null) are honoured;
//  - plain y/Y/yes/Yes/YES/on/On/ON/true/True/TRUE (and the n/no/off/false forms) are booleans;
//  - plain ~, null/Null/NULL and empty values are null;
//  - plain integers in decimal, 0x hex, 0o or leading-0 octal, 0b binary, with '_' ignored, are integers;
//  - plain floats (1.5, 1e3, .5) are numbers; a whole float becomes an integer as JSON re-encoding does (2.0 -> 2);
//    .inf and .nan are errors because JSON cannot carry them;
//  - everything else is a string (timestamps included);
//  - map keys become strings (true -> "true", 0x10 -> "16"); duplicate keys, null keys and non-scalar keys are errors;
//  - anchors and aliases are resolved, merge keys (<<) are applied with explicit keys winning;
//  - empty documents ("---" with nothing, or only comments) are skipped;
//  - strings must be valid UTF-8 (raw bytes and \x/\u escapes alike), as JSON requires;
//  - nesting is limited (yaml-cpp's parser recurses per level): deeper documents are an error, never a crash.
// Nothing here throws: every problem comes back as a YamlError with a 1-based line and column.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace flotilla::api {

struct YamlDocument {
  nlohmann::json value;
  int index = 0;  // 0-based position in the stream, counting skipped empty documents
  int line = 0;   // 1-based line where the document's content starts
};

struct YamlError {
  int document = 0;  // 0-based position in the stream of the document the error is in
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
  std::string message;
  std::string toString() const;  // "line 3, column 5: duplicate key \"a\" (first at line 2)"
};

struct YamlLoadResult {
  std::vector<YamlDocument> documents;  // only the documents that loaded without error
  std::vector<YamlError> errors;
  bool ok() const { return errors.empty(); }
};

// Loads a multi-document stream. A syntax error stops the stream (documents before it are kept); a typing error such
// as a duplicate key drops only its own document.
YamlLoadResult loadYamlDocuments(std::string_view text);

// Deterministic block-style YAML (keys sorted, kubectl-like layout) that loadYamlDocuments reads back to the same
// JSON: strings that would otherwise be re-typed ("yes", "1.0", "null", "0x1f", "~") are quoted, multi-line strings
// become literal blocks. The result ends with a newline.
std::string toYaml(const nlohmann::json& value);

// A YAML/Go-style double-quoted string: quotes, backslashes and control characters escaped (\n, \t, \r, \xNN);
// also what messages use to show a value unambiguously.
std::string doubleQuoted(std::string_view s);

// Several documents joined with "---" lines.
std::string toYamlStream(const std::vector<nlohmann::json>& documents);

}  // namespace flotilla::api
