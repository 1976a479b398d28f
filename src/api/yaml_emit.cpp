// JSON -> YAML for `flotilla render` output: block style, keys in JSON (sorted) order, sequences under a key at the
// key's indentation (as kubectl prints them), and quoting decided by the same typing rules the loader applies.

#include <cmath>
#include <string>

#include "api/yaml.h"
#include "api/yaml_scalar.h"

namespace flotilla::api {
namespace {

using nlohmann::json;

bool isPrintable(char c) {
  return c >= 0x20 && c <= 0x7e;
}

// Plain only when a YAML 1.1 reader (go-yaml, PyYAML) would read the same string back. Deliberately conservative:
// anything starting like a number, date, indicator or special word is quoted.
bool canWritePlain(std::string_view s, bool isKey) {
  if (s.empty() || s == "<<") return false;
  constexpr std::string_view kNoPlainStart = "-?:,[]{}#&*!|>'\"%@`=~.+ 0123456789";
  if (kNoPlainStart.find(s.front()) != std::string_view::npos) return false;
  for (char c : s) {
    if (!isPrintable(c)) return false;
  }
  if (s.back() == ' ' || s.back() == ':') return false;
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos) return false;
  if (isKey && s.find_first_of(":#,[]{}") != std::string_view::npos) return false;
  return yaml_scalar::resolvePlain(s).scalar.kind == yaml_scalar::Scalar::Kind::String;
}

std::string stringText(std::string_view s, bool isKey) {
  return canWritePlain(s, isKey) ? std::string(s) : doubleQuoted(s);
}

// Literal blocks for multi-line text (haproxy.cfg in a ConfigMap stays readable). Falls back to double quotes when
// the first line starts with whitespace (that would need an indentation indicator) or a character is unprintable.
bool canWriteLiteral(std::string_view s) {
  if (s.find('\n') == std::string_view::npos) return false;
  if (s.front() == ' ' || s.front() == '\t' || s.front() == '\n') return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c != '\n' && c != '\t' && (u < 0x20 || u == 0x7f)) return false;
  }
  return true;
}

void writeLiteral(std::string& out, std::string_view s, int indent) {
  std::size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  out += trailing == 0 ? " |-\n" : (trailing == 1 ? " |\n" : " |+\n");
  std::string_view body = s;
  if (!body.empty() && body.back() == '\n') body.remove_suffix(1);  // the last line break ends the last line
  const std::string prefix(static_cast<std::size_t>(indent), ' ');
  std::size_t start = 0;
  while (true) {
    const std::size_t end = body.find('\n', start);
    const std::string_view line =
        body.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty()) out += prefix;
    out += line;
    out += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

std::string scalarText(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return value.dump();
    case json::value_t::number_float: {
      const double d = value.get<double>();
      if (std::isnan(d)) return ".nan";
      if (std::isinf(d)) return d > 0 ? ".inf" : "-.inf";
      return value.dump();  // shortest round-trip text; always has a '.' or an exponent
    }
    case json::value_t::string:
      return stringText(value.get_ref<const std::string&>(), false);
    case json::value_t::object:
      return "{}";
    case json::value_t::array:
      return "[]";
    default:
      return "null";
  }
}

// YAML 1.2 §7.4.2 (and yaml-cpp) refuse longer implicit keys; counted in bytes here, which is never less.
constexpr std::size_t kMaxImplicitKeyLength = 1024;

bool isNonEmptyContainer(const json& value) {
  return value.is_structured() && !value.empty();
}

void writeBlock(std::string& out, const json& value, int indent);

// Writes what follows "key:" or "-" on the same line, and any lines nested under it.
void writeAfterIndicator(std::string& out, const json& value, int indent, bool inSequence) {
  if (isNonEmptyContainer(value)) {
    if (inSequence) {
      // "- " takes the first two columns of the nested block's first line.
      std::string nested;
      writeBlock(nested, value, indent + 2);
      out += ' ';
      out.append(nested, static_cast<std::size_t>(indent + 2));
    } else {
      out += '\n';
      writeBlock(out, value, value.is_array() ? indent : indent + 2);
    }
    return;
  }
  if (value.is_string() && canWriteLiteral(value.get_ref<const std::string&>())) {
    writeLiteral(out, value.get_ref<const std::string&>(), indent + 2);
    return;
  }
  out += ' ';
  out += scalarText(value);
  out += '\n';
}

void writeBlock(std::string& out, const json& value, int indent) {
  const std::string prefix(static_cast<std::size_t>(indent), ' ');
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      const std::string keyText = stringText(key, true);
      out += prefix;
      if (keyText.size() > kMaxImplicitKeyLength) {
        // Too long for "key: value" (YAML caps implicit keys at 1024 characters): "? key" then ": value".
        out += "? " + keyText + "\n" + prefix;
      } else {
        out += keyText;
      }
      out += ':';
      writeAfterIndicator(out, child, indent, false);
    }
    return;
  }
  for (const auto& child : value) {
    out += prefix;
    out += '-';
    writeAfterIndicator(out, child, indent, true);
  }
}

}  // namespace

std::string toYaml(const json& value) {
  if (!isNonEmptyContainer(value)) return scalarText(value) + "\n";
  std::string out;
  writeBlock(out, value, 0);
  return out;
}

std::string toYamlStream(const std::vector<json>& documents) {
  std::string out;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (i > 0) out += "---\n";
    out += toYaml(documents[i]);
  }
  return out;
}

std::string doubleQuoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += "\\x";
          out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
          out += kHex[static_cast<unsigned char>(c) & 0xf];
        } else {
          out += c;  // printable ASCII, or a UTF-8 byte: YAML streams are UTF-8
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace flotilla::api
