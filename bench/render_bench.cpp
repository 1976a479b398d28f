// How long rendering a Gateway's haproxy.cfg takes for 100 / 1,000 / 5,000 Routes (target: ≤ 50 ms at 5,000).
// Each Route has its own Microservice backend, so the config grows like a real shop with many services.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "render/gateway_render.h"

namespace {

using namespace flotilla;

api::ObjectMeta meta(const std::string& name, const std::string& uid) {
  api::ObjectMeta m;
  m.name = name;
  m.namespace_ = "shop";
  m.uid = uid;
  m.generation = 1;
  return m;
}

render::GatewayInputs shopWithRoutes(int count) {
  render::GatewayInputs in;
  in.gateway.metadata = meta("public", "gw-uid");
  api::Listener http;
  http.name = "http";
  http.port = 80;
  in.gateway.spec.listeners.push_back(http);
  for (int i = 0; i < count; ++i) {
    const auto name = "svc-" + std::to_string(i);
    api::Microservice ms;
    ms.metadata = meta(name, "uid-" + name);
    ms.spec.image = "flotilla/echo:1";
    api::ServicePort port;
    port.name = "http";
    port.port = 8080;
    ms.spec.ports.push_back(port);
    ms.spec.replicas = 2;
    in.microservices.push_back(ms);

    api::Route route;
    route.metadata = meta("route-" + std::to_string(i), "route-uid-" + std::to_string(i));
    route.metadata.creationTimestamp = "2026-01-01T00:00:00Z";
    route.spec.gatewayRef.name = "public";
    api::RouteRule rule;
    api::RouteMatch match;
    match.path = api::PathMatch{api::PathMatchType::PathPrefix, "/api/" + name};
    rule.matches.push_back(match);
    api::BackendRef backend;
    backend.service = name;
    rule.backends.push_back(backend);
    route.spec.rules.push_back(rule);
    in.routes.push_back(route);
  }
  return in;
}

// Minor page faults so far: the memory the allocator hands back to the kernel between renders and takes again costs
// a fault per 4 KiB page, which shows in the time but is not the render's own work.
long minorFaults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

void BM_RenderGateway(benchmark::State& state) {
  const auto inputs = shopWithRoutes(static_cast<int>(state.range(0)));
  std::size_t bytes = 0;
  const long faultsBefore = minorFaults();
  for (auto _ : state) {
    auto rendered = render::renderGateway(inputs);
    bytes = rendered.haproxyConfig.size();
    benchmark::DoNotOptimize(rendered);
  }
  state.counters["routes"] = static_cast<double>(state.range(0));
  state.counters["config_bytes"] = static_cast<double>(bytes);
  state.counters["page_faults"] =
      benchmark::Counter(static_cast<double>(minorFaults() - faultsBefore), benchmark::Counter::kAvgIterations);
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_RenderGateway)->Arg(100)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond)->Complexity();

}  // namespace

BENCHMARK_MAIN();
