// YAML stream -> JSON documents. yaml-cpp's Node API cannot tell "quoted" from "plain" reliably, keeps duplicate keys
// and knows no merge keys, so this builds JSON straight from the parser's events.

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>

#include "api/utf8.h"
#include "api/yaml.h"
#include "api/yaml_scalar.h"

namespace flotilla::api {
namespace {

using nlohmann::json;
using yaml_scalar::Scalar;

// Alias expansion copies values; this bounds the total a stream may produce ("billion laughs").
constexpr std::size_t kMaxAliasExpandedNodes = 1'000'000;
constexpr std::string_view kMergeTag = "tag:yaml.org,2002:merge";

std::size_t countNodes(const json& value) {
  std::size_t n = 1;
  if (value.is_structured()) {
    for (const auto& child : value) n += countNodes(child);
  }
  return n;
}

// yaml-cpp accepts a quoted scalar that runs to the end of the input; YAML (and go-yaml) do not.
bool quotedScalarIsClosed(std::string_view source, std::size_t start) {
  const char quote = source[start];
  for (std::size_t i = start + 1; i < source.size(); ++i) {
    if (quote == '"' && source[i] == '\\') {
      ++i;
    } else if (source[i] == quote) {
      if (quote == '\'' && i + 1 < source.size() && source[i + 1] == '\'') {
        ++i;  // '' is an escaped single quote
      } else {
        return true;
      }
    }
  }
  return false;
}

std::string hexByte(char c) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  const auto b = static_cast<unsigned char>(c);
  return {kDigits[b >> 4], kDigits[b & 0xF]};
}

bool startsWithMarker(std::string_view text, std::string_view marker) {
  if (!text.starts_with(marker)) return false;
  return text.size() == marker.size() ||
         std::string_view(" \t\r\n").find(text[marker.size()]) != std::string_view::npos;
}

// Whether a line of `region` is a document end marker ("...").
bool hasDocumentEndMarker(std::string_view region) {
  std::size_t start = 0;
  while (start < region.size()) {
    const std::size_t end = region.find('\n', start);
    const std::string_view line =
        region.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (startsWithMarker(line, "...")) return true;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return false;
}

// A finished YAML node: its JSON value plus, for scalars, the typed scalar (needed to turn it into a map key).
struct Node {
  json value;
  std::optional<Scalar> scalar;
  bool mergeKey = false;
  YAML::Mark mark;
};

struct Frame {
  bool isMap = false;
  json value;
  YAML::Mark mark;
  YAML::anchor_t anchor = 0;
  // Mappings only: the key waiting for its value, explicit keys seen so far, merge sources in order.
  bool haveKey = false;
  bool keyIsMerge = false;
  bool keyUsable = false;
  std::string key;
  YAML::Mark keyMark;
  std::map<std::string, int> keyLines;
  std::vector<json> mergeSources;
};

class JsonBuilder : public YAML::EventHandler {
 public:
  JsonBuilder(std::string_view source, std::vector<YamlError>& errors, std::size_t& expandedNodes)
      : source_(source), errors_(errors), expandedNodes_(expandedNodes) {}

  void startDocument(int index) {
    index_ = index;
    stack_.clear();
    anchors_.clear();
    root_.reset();
    failed_ = false;
  }
  bool failed() const { return failed_; }
  bool streamBroken() const { return streamBroken_; }
  const std::optional<Node>& root() const { return root_; }

  // yaml-cpp starts a new document when content follows a finished root node ("- a\nb: c"); YAML requires "---".
  void OnDocumentStart(const YAML::Mark& mark) override {
    const auto pos = static_cast<std::size_t>(mark.pos);
    if (mark.pos >= 0 && pos <= source_.size()) {
      const std::string_view rest = source_.substr(pos);
      const bool explicitStart = startsWithMarker(rest, "---") || rest.starts_with("%");
      if (index_ > 0 && !explicitStart &&
          !hasDocumentEndMarker(source_.substr(previousStart_, pos - std::min(pos, previousStart_)))) {
        fail(mark, "content after the end of the document (a new document must start with ---)");
        // A syntax error: it ends the stream. (yaml-cpp may even hand out the same document again and again.)
        streamBroken_ = true;
      }
      previousStart_ = pos;
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Scalar null;
    null.kind = Scalar::Kind::Null;
    finish(Node{nullptr, null, false, mark}, anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto found = anchors_.find(anchor);
    if (found == anchors_.end()) {
      fail(mark, "alias refers to an anchor that is not defined yet (recursive alias?)");
      finish(Node{nullptr, std::nullopt, false, mark}, 0);
      return;
    }
    expandedNodes_ += found->second.second;
    if (expandedNodes_ > kMaxAliasExpandedNodes) {
      fail(mark, "aliases expand to more than " + std::to_string(kMaxAliasExpandedNodes) + " nodes");
      finish(Node{nullptr, std::nullopt, false, mark}, 0);
      return;
    }
    Node node = found->second.first;
    node.mark = mark;
    node.mergeKey = false;
    finish(std::move(node), 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const bool expectingKey = !stack_.empty() && stack_.back().isMap && !stack_.back().haveKey;
    if (expectingKey && ((tag == "?" && value == "<<") || tag == kMergeTag)) {
      finish(Node{value, std::nullopt, true, mark}, anchor);
      return;
    }
    const auto pos = static_cast<std::size_t>(mark.pos);
    if (tag == "!" && mark.pos >= 0 && pos < source_.size() && (source_[pos] == '"' || source_[pos] == '\'') &&
        !quotedScalarIsClosed(source_, pos)) {
      fail(mark, "unterminated quoted string");
    }
    if (const auto bad = firstInvalidUtf8(value)) {
      fail(mark, "invalid UTF-8 (byte 0x" + hexByte(value[*bad]) + " at offset " + std::to_string(*bad) +
                     " of the value): YAML and JSON text must be UTF-8");
    }
    auto resolution = yaml_scalar::resolveTagged(tag, value);
    if (!resolution.error.empty()) fail(mark, resolution.error);
    json converted;
    std::string error;
    if (!yaml_scalar::toJson(resolution.scalar, converted, error)) fail(mark, error);
    finish(Node{std::move(converted), std::move(resolution.scalar), false, mark}, anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Frame frame;
    frame.value = json::array();
    frame.mark = mark;
    frame.anchor = anchor;
    stack_.push_back(std::move(frame));
  }

  void OnSequenceEnd() override { closeFrame(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Frame frame;
    frame.isMap = true;
    frame.value = json::object();
    frame.mark = mark;
    frame.anchor = anchor;
    stack_.push_back(std::move(frame));
  }

  void OnMapEnd() override {
    Frame& frame = stack_.back();
    // Explicit keys win over merged ones; among merge sources the first one listed wins (YAML merge key spec).
    for (const auto& source : frame.mergeSources) {
      for (const auto& [key, value] : source.items()) {
        if (!frame.value.contains(key)) frame.value[key] = value;
      }
    }
    closeFrame();
  }

 private:
  void fail(const YAML::Mark& mark, std::string message) {
    failed_ = true;
    errors_.push_back(YamlError{index_, mark.line + 1, mark.column + 1, std::move(message)});
  }

  void closeFrame() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    finish(Node{std::move(frame.value), std::nullopt, false, frame.mark}, frame.anchor);
  }

  // Records the anchor, then hands the node to its parent (or makes it the document root).
  void finish(Node node, YAML::anchor_t anchor) {
    if (anchor != 0) {
      const std::size_t size = countNodes(node.value);
      anchors_[anchor] = {node, size};
    }
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& parent = stack_.back();
    if (!parent.isMap) {
      parent.value.push_back(std::move(node.value));
      return;
    }
    if (!parent.haveKey) {
      acceptKey(parent, node);
      return;
    }
    parent.haveKey = false;
    if (parent.keyIsMerge) {
      acceptMergeValue(parent, node);
      return;
    }
    if (!parent.keyUsable) return;
    const auto [it, inserted] = parent.keyLines.emplace(parent.key, parent.keyMark.line + 1);
    if (!inserted) {
      fail(parent.keyMark, "duplicate key \"" + parent.key + "\" (first at line " + std::to_string(it->second) + ")");
      return;
    }
    parent.value[parent.key] = std::move(node.value);
  }

  void acceptKey(Frame& parent, const Node& node) {
    parent.haveKey = true;
    parent.keyMark = node.mark;
    parent.keyIsMerge = node.mergeKey;
    parent.keyUsable = false;
    if (node.mergeKey) return;
    if (!node.scalar) {
      fail(node.mark, "map keys must be scalars");
      return;
    }
    std::string error;
    if (!yaml_scalar::toMapKey(*node.scalar, parent.key, error)) {
      fail(node.mark, error);
      return;
    }
    parent.keyUsable = true;
  }

  void acceptMergeValue(Frame& parent, const Node& node) {
    if (node.value.is_object()) {
      parent.mergeSources.push_back(node.value);
      return;
    }
    if (node.value.is_array()) {
      bool allMaps = true;
      for (const auto& item : node.value) allMaps = allMaps && item.is_object();
      if (allMaps) {
        for (const auto& item : node.value) parent.mergeSources.push_back(item);
        return;
      }
    }
    fail(node.mark, "merge key << needs a mapping or a sequence of mappings");
  }

  std::string_view source_;
  std::vector<YamlError>& errors_;
  std::size_t& expandedNodes_;
  std::size_t previousStart_ = 0;
  int index_ = 0;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, std::pair<Node, std::size_t>> anchors_;
  std::optional<Node> root_;
  bool failed_ = false;
  bool streamBroken_ = false;
};

}  // namespace

std::string YamlError::toString() const {
  if (line <= 0) return message;
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
}

YamlLoadResult loadYamlDocuments(std::string_view text) {
  YamlLoadResult result;
  int index = 0;
  try {
    // Marks are offsets into what the parser reads, so the checks above must see the same bytes: drop a BOM.
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    std::istringstream stream{std::string(text)};
    YAML::Parser parser(stream);
    std::size_t expandedNodes = 0;
    JsonBuilder builder(text, result.errors, expandedNodes);
    while (true) {
      builder.startDocument(index);
      if (!parser.HandleNextDocument(builder) || builder.streamBroken()) break;
      const auto& root = builder.root();
      if (!builder.failed() && root && !root->value.is_null()) {
        result.documents.push_back(YamlDocument{root->value, index, root->mark.line + 1});
      }
      ++index;
    }
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's parser recurses per nesting level and stops at a fixed depth, calling it "bad file".
    result.errors.push_back(YamlError{
        index, e.mark.line + 1, e.mark.column + 1,
        "nested more than " + std::to_string(e.depth() - 1) + " levels deep (maps and lists inside each other)"});
  } catch (const YAML::Exception& e) {
    result.errors.push_back(YamlError{index, e.mark.line + 1, e.mark.column + 1, e.msg});
  } catch (const std::exception& e) {
    result.errors.push_back(YamlError{index, 0, 0, std::string("cannot read YAML: ") + e.what()});
  } catch (...) {
    result.errors.push_back(YamlError{index, 0, 0, "cannot read YAML"});
  }
  return result;
}

}  // namespace flotilla::api
