// Config injection fuzzing: random and adversarial values (newlines, \r, NUL, quotes, '#', backslashes, %[, ${,
// a leading '-', very long strings, invalid UTF-8, wrong JSON types) in every CR field that reaches haproxy.cfg.
// Each case must end one of two ways:
//  - refused: decoding or validation reports a field error, or the renderer leaves the case out with a condition
//    naming the field; either way the config of everything else stays byte-identical;
//  - rendered: the real `haproxy -c` accepts the config, and it holds no directive, and no line shape (word count,
//    unquoted condition syntax), that a clean render of the same structure lacks: the value was read as data.
// All cases of a run share one config and one `haproxy -c`; a failure is pinned down case by case.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "adversarial_values.h"
#include "fuzz_case.h"
#include "fuzz_support.h"
#include "haproxy_directives.h"
#include "render/gateway_render.h"
#include "render_fixtures.h"

namespace flotilla::reliability {
namespace {

using nlohmann::json;
using render::renderGateway;
using render::testing::haproxyCheck;
using render::testing::runCommand;
using render::testing::ScratchDir;

constexpr int kCiCases = 600;
constexpr std::size_t kBatchSize = 1000;
constexpr std::size_t kMaxReports = 10;

// One self-signed certificate, written as <secret>.pem for every TLS listener a config binds.
class CertificateDir {
 public:
  CertificateDir() {
    const std::string pem = dir_.path() + "/template.pem";
    const auto made = runCommand("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=fuzz.test -keyout '" +
                                 dir_.path() + "/k' -out '" + dir_.path() + "/c' && cat '" + dir_.path() + "/c' '" +
                                 dir_.path() + "/k' > '" + pem + "'");
    EXPECT_EQ(made.exitCode, 0) << made.output;
    std::ifstream in(pem);
    std::stringstream text;
    text << in.rdbuf();
    pem_ = text.str();
  }
  std::map<std::string, std::string> environmentFor(const std::vector<const FuzzCase*>& cases) const {
    for (const FuzzCase* c : cases) {
      if (c->listener && c->listener->tls) dir_.write(c->listener->tls->secretRef.name + ".pem", pem_);
    }
    return {{"FLOTILLA_CERT_DIR", dir_.path()}};
  }

 private:
  ScratchDir dir_;
  std::string pem_;
};

json fuzzValue(Rng& rng, const InjectionField& field, int index) {
  // String fields sometimes get a number or another type, numeric fields sometimes a string.
  if (field.numeric != rng.chance(0.1)) return adversarialNumber(rng);
  const json clean = field.clean(index);
  if (clean.is_string() && rng.chance(0.2)) return mutatedValid(rng, clean.get<std::string>());
  return adversarialString(rng, field.shape);
}

// The objects a case adds, as "Kind name": two cases must not add two objects of one name (the API server could
// not hold both, and the renderer would keep only one).
std::vector<std::string> identities(const FuzzCase& c) {
  std::vector<std::string> out;
  if (c.route) out.push_back("Route " + c.route->metadata.name);
  if (c.policy) out.push_back("BreakerPolicy " + c.policy->metadata.name);
  if (c.microservice) out.push_back("Microservice " + c.microservice->metadata.name);
  return out;
}

std::vector<FuzzCase> generateCases(std::uint64_t seed, int count) {
  std::vector<FuzzCase> cases;
  std::set<std::string> taken;
  const auto shop = render::testing::shopInputs();
  for (const auto& r : shop.routes) taken.insert("Route " + r.metadata.name);
  for (const auto& p : shop.breakerPolicies) taken.insert("BreakerPolicy " + p.metadata.name);
  for (const auto& m : shop.microservices) taken.insert("Microservice " + m.metadata.name);
  const auto& fields = injectionFields();
  for (int i = 0; i < count; ++i) {
    Rng rng(seed, i);
    const InjectionField& field = fields[rng.below(fields.size())];
    // A fuzzed name that another case already uses is drawn again (names are short, so this happens).
    for (int attempt = 0; attempt < 20; ++attempt) {
      FuzzCase c = decodeCase(i, field, fuzzValue(rng, field, i));
      const auto names = identities(c);
      if (std::any_of(names.begin(), names.end(), [&](const auto& n) { return taken.contains(n); })) continue;
      taken.insert(names.begin(), names.end());
      cases.push_back(std::move(c));
      break;
    }
  }
  return cases;
}

// What a value becomes in the clean render: the field's clean value, except that null stays null (absent is a
// different structure) and a number in a numeric field stays itself (numbers are written with std::to_string and
// cannot carry syntax, but 0 often means "leave the option out").
nlohmann::json twinValue(const FuzzCase& c) {
  if (c.value.is_null() || (c.field->numeric && c.value.is_number())) return c.value;
  return c.field->clean(c.index);
}

// The same cases with every fuzzed value replaced by its twin value. The twin of an accepted case must be accepted
// too (else the baseline would be wrong); the twin of an unvalidated one need only decode.
std::vector<FuzzCase> cleanTwins(const std::vector<const FuzzCase*>& cases) {
  std::vector<FuzzCase> twins;
  for (const FuzzCase* c : cases) {
    twins.push_back(decodeCase(c->index, *c->field, twinValue(*c)));
    const FuzzCase& twin = twins.back();
    if (c->accepted()) {
      EXPECT_TRUE(twin.accepted()) << "clean twin refused: " << twin.describe() << ": "
                                   << twin.errors.front().toString();
    } else {
      EXPECT_TRUE(twin.parsed) << "clean twin does not decode: " << twin.describe();
    }
  }
  return twins;
}

std::vector<const FuzzCase*> pointers(const std::vector<FuzzCase>& cases) {
  std::vector<const FuzzCase*> out;
  for (const auto& c : cases) out.push_back(&c);
  return out;
}

std::string firstLines(const std::string& text, int lines) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; lines-- > 0 && std::getline(in, line);) out += "    " + line + "\n";
  return out;
}

struct Tally {
  int refusedByApi = 0;
  int refusedByRenderer = 0;
  int rendered = 0;
  int haproxyRuns = 0;
  std::set<std::string> renderedFields;
};

// The rendered cases' config must pass `haproxy -c` and match the clean render's directives; on failure, each case
// is rendered alone to name the culprits.
void expectSafeConfig(const std::vector<const FuzzCase*>& rendered, const std::string& config,
                      const CertificateDir& certs, std::uint64_t seed, Tally& tally, const std::string& label) {
  const auto environment = certs.environmentFor(rendered);
  ++tally.haproxyRuns;
  const auto check = haproxyCheck(config, environment);
  const auto twins = cleanTwins(rendered);
  const auto clean = renderGateway(inputsWith(pointers(twins))).haproxyConfig;
  const std::string difference = unexpectedDirectives(summarizeDirectives(clean), summarizeDirectives(config));
  if (check.exitCode == 0 && difference.empty()) return;

  std::size_t reports = 0;
  for (std::size_t k = 0; k < rendered.size() && reports < kMaxReports; ++k) {
    const FuzzCase* c = rendered[k];
    const auto alone = renderGateway(inputsWith({c})).haproxyConfig;
    const auto aloneClean = renderGateway(inputsWith({&twins[k]})).haproxyConfig;
    ++tally.haproxyRuns;
    const auto aloneCheck = haproxyCheck(alone, environment);
    const auto aloneDifference = unexpectedDirectives(summarizeDirectives(aloneClean), summarizeDirectives(alone));
    if (aloneCheck.exitCode != 0) {
      ADD_FAILURE() << label << ": haproxy -c refuses the config with " << c->describe() << "\n"
                    << firstLines(aloneCheck.output, 12) << replayHint(seed, c->index);
      ++reports;
    } else if (!aloneDifference.empty()) {
      ADD_FAILURE() << label << ": directives the renderer did not write, from " << c->describe() << ":\n"
                    << aloneDifference << replayHint(seed, c->index);
      ++reports;
    }
  }
  if (reports == 0) {
    ADD_FAILURE() << label << ": the combined config fails but no case alone does (an interaction between cases)\n"
                  << "haproxy -c: " << firstLines(check.output, 12) << "directives: " << difference << "[seed " << seed
                  << "]";
  }
}

// Adding any one of `suspects` to `base` must leave `expected` (the config of `base` alone) byte-identical; names
// the suspects that do not. (The configs are too big for a gtest diff.)
void expectConfigUnchangedBy(const std::vector<const FuzzCase*>& base, const std::vector<const FuzzCase*>& suspects,
                             const std::string& expected, std::uint64_t seed, const std::string& what) {
  auto everything = base;
  everything.insert(everything.end(), suspects.begin(), suspects.end());
  if (renderGateway(inputsWith(everything)).haproxyConfig == expected) return;
  std::size_t reports = 0;
  for (const FuzzCase* c : suspects) {
    auto one = base;
    one.push_back(c);
    if (renderGateway(inputsWith(one)).haproxyConfig == expected) continue;
    ADD_FAILURE() << what << " but it changed the config: " << c->describe() << replayHint(seed, c->index);
    if (++reports == kMaxReports) return;
  }
  if (reports == 0) ADD_FAILURE() << what << ": together they changed the config, none alone [seed " << seed << "]";
}

// Checks one batch of cases (one config, one `haproxy -c` when all is well).
void checkBatch(const std::vector<const FuzzCase*>& batch, const CertificateDir& certs, std::uint64_t seed,
                Tally& tally) {
  std::vector<const FuzzCase*> accepted;
  std::vector<const FuzzCase*> refusedButTyped;  // decoded, yet validation refused: the renderer must refuse too
  std::vector<const FuzzCase*> unvalidatedMicroservices;
  for (const FuzzCase* c : batch) {
    if (c->accepted()) {
      accepted.push_back(c);
      continue;
    }
    ++tally.refusedByApi;
    if (!c->parsed) continue;
    if (c->field->owner == FieldOwner::Route || c->field->owner == FieldOwner::BreakerPolicy) {
      refusedButTyped.push_back(c);
    } else if (c->field->owner == FieldOwner::Microservice) {
      unvalidatedMicroservices.push_back(c);
    }
  }

  // Accepted cases: rendered safely, or left out by the renderer with a field path.
  const auto inputs = inputsWith(accepted);
  const auto all = renderGateway(inputs);
  std::vector<const FuzzCase*> rendered;
  std::vector<const FuzzCase*> leftOut;
  for (const FuzzCase* c : accepted) {
    if (caseRendered(*c, inputs, all.gatewayErrors, all.routeVerdicts)) {
      rendered.push_back(c);
      tally.renderedFields.insert(c->field->name);
      continue;
    }
    leftOut.push_back(c);
    const std::string why = renderRefusal(*c, inputs, all.gatewayErrors, all.routeVerdicts);
    EXPECT_TRUE(why.find("spec.") != std::string::npos || why.find("metadata.") != std::string::npos)
        << "left out without naming a field: " << c->describe() << ": " << why << replayHint(seed, c->index);
  }
  tally.refusedByRenderer += static_cast<int>(leftOut.size());
  tally.rendered += static_cast<int>(rendered.size());
  const std::string renderedOnly = renderGateway(inputsWith(rendered)).haproxyConfig;
  expectConfigUnchangedBy(rendered, leftOut, renderedOnly, seed, "left out by the renderer");
  expectSafeConfig(rendered, renderedOnly, certs, seed, tally, "accepted values");

  // Refused Routes and BreakerPolicies that still decode reach the renderer in the operator (it renders what is
  // in the cache); it must refuse them itself and leave everything else byte-identical.
  expectConfigUnchangedBy(accepted, refusedButTyped, all.haproxyConfig, seed, "refused by validation");
  auto withRefused = accepted;
  withRefused.insert(withRefused.end(), refusedButTyped.begin(), refusedButTyped.end());
  const auto inputsWithRefused = inputsWith(withRefused);
  const auto withRefusedRender = renderGateway(inputsWithRefused);
  for (const FuzzCase* c : refusedButTyped) {
    EXPECT_FALSE(caseRendered(*c, inputsWithRefused, withRefusedRender.gatewayErrors, withRefusedRender.routeVerdicts))
        << "refused by validation but rendered: " << c->describe() << replayHint(seed, c->index);
  }

  // Microservices reach the renderer decoded but not validated (the Gateway controller reads them from the
  // cache): whatever such a value does to the config, it must stay data.
  if (unvalidatedMicroservices.empty()) return;
  const auto msInputs = inputsWith(unvalidatedMicroservices);
  const auto msRender = renderGateway(msInputs);
  std::vector<const FuzzCase*> msRendered;
  for (const FuzzCase* c : unvalidatedMicroservices) {
    if (caseRendered(*c, msInputs, msRender.gatewayErrors, msRender.routeVerdicts)) msRendered.push_back(c);
  }
  expectSafeConfig(msRendered, renderGateway(inputsWith(msRendered)).haproxyConfig, certs, seed, tally,
                   "unvalidated Microservices");
}

TEST(ConfigInjection, EveryValueIsRefusedWithItsFieldOrRenderedAsData) {
  const std::uint64_t seed = fuzzSeed();
  const int count = fuzzCases(kCiCases);
  const auto cases = generateCases(seed, count);
  const CertificateDir certs;
  Tally tally;
  // Batches bound the size of one config (and so the memory of `haproxy -c`) in the soak mode.
  for (std::size_t from = 0; from < cases.size(); from += kBatchSize) {
    std::vector<const FuzzCase*> batch;
    for (std::size_t k = from; k < std::min(cases.size(), from + kBatchSize); ++k) batch.push_back(&cases[k]);
    checkBatch(batch, certs, seed, tally);
  }

  std::string neverRendered;
  for (const auto& field : injectionFields()) {
    if (!tally.renderedFields.contains(field.name)) neverRendered += (neverRendered.empty() ? " " : ", ") + field.name;
  }
  std::cout << "config injection: seed " << seed << ", " << cases.size() << " cases over " << injectionFields().size()
            << " fields: " << tally.refusedByApi << " refused by validation, " << tally.refusedByRenderer
            << " left out by the renderer, " << tally.rendered << " rendered and checked; " << tally.haproxyRuns
            << " haproxy -c run(s); no value rendered for:" << (neverRendered.empty() ? " (none)" : neverRendered)
            << "\n";
  // A generator that only produced refusals would test nothing on the rendering side.
  EXPECT_GT(tally.rendered, count / 20) << "too few values reached the config [seed " << seed << "]";
  EXPECT_GT(tally.refusedByApi, count / 4) << "too few hostile values [seed " << seed << "]";
}

TEST(ConfigInjection, TheDirectiveCheckSeesInjectedDirectivesAndWords) {
  const std::string config = renderGateway(render::testing::shopInputs()).haproxyConfig;
  const auto clean = summarizeDirectives(config);
  EXPECT_EQ(unexpectedDirectives(clean, summarizeDirectives(config)), "");

  // A new directive in a backend.
  std::string injected = config;
  injected.insert(injected.find("    balance roundrobin\n"), "    server evil 192.0.2.1:80\n");
  EXPECT_NE(unexpectedDirectives(clean, summarizeDirectives(injected)).find("in 'backend': server"), std::string::npos);
  // A condition appended to a rule: a directive the renderer writes, with more words and unquoted syntax.
  std::string condition = config;
  const std::string line = "http-request set-header X-Forwarded-Proto https if { ssl_fc }";
  condition.replace(condition.find(line), line.size(), line + " || TRUE");
  EXPECT_NE(unexpectedDirectives(clean, summarizeDirectives(condition)).find("http-request set-header/10 if { } ||"),
            std::string::npos);
  // A whole new section.
  EXPECT_NE(unexpectedDirectives(clean, summarizeDirectives(config + "listen evil\n    bind :1\n")).find("listen"),
            std::string::npos);
  // A NUL byte.
  EXPECT_NE(unexpectedDirectives(clean, summarizeDirectives(config + std::string(1, '\0'))).find("NUL"),
            std::string::npos);
  // Quoting is understood: a quoted '#', blank or quote stays inside one word that is data, an unquoted '#'
  // starts a comment.
  EXPECT_EQ(haproxyWords("acl a -m str -- '/x #y' # note"),
            (std::vector<HaproxyWord>{
                {"acl", false}, {"a", false}, {"-m", false}, {"str", false}, {"--", false}, {"/x #y", true}}));
  EXPECT_EQ(
      haproxyWords("set-header 'it'\\''s' \"a b\" c\\ d 'if'"),
      (std::vector<HaproxyWord>{{"set-header", false}, {"it's", true}, {"a b", true}, {"c d", true}, {"if", true}}));
}

}  // namespace
}  // namespace flotilla::reliability
