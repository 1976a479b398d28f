// The API emulator must never be what limits Flotilla's benchmarks (issue: "10,000 stored objects, 100 concurrent
// watchers, a LIST of 5,000 objects in well under a second, a write fanned out to all watchers in milliseconds").
// Everything goes through real HTTP with the operator's own client, as the operator would see it.
//
//   BM_List/N          LIST of N ConfigMaps in one namespace (one request, no paging), client-side parse included
//   BM_ListPaged/N     the same in pages of 500 (what informers do)
//   BM_WatchFanout/W   one write → received by all W open watches (time until the last one has it)
//   counters           stored objects and the emulator process's RSS growth per stored object

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "apiserver/test_api_server.h"
#include "kube/connect.h"
#include "kube/kubeconfig.h"
#include "kube/well_known_resources.h"

namespace {

using flotilla::apiserver::TestApiServer;
namespace kube = flotilla::kube;
namespace resources = flotilla::kube::resources;

long rssKib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      long kib = 0;
      status >> kib;
      return kib;
    }
  }
  return 0;
}

// Set-up that fails makes every figure meaningless: stop the whole run loudly.
template <class T>
void require(const kube::Result<T>& result, const char* what) {
  if (result.ok()) return;
  std::fprintf(stderr, "apiserver_bench: %s failed: %s\n", what, result.error().toString().c_str());
  std::exit(1);
}

std::shared_ptr<kube::Client> connect(const TestApiServer& server) {
  auto config = kube::loadKubeconfigFile(server.kubeconfigPath());
  if (!config.ok()) return nullptr;
  kube::ClientOptions options;
  options.qps = 0;  // unlimited: measure the server, not our rate limiter
  auto client = kube::connect(*config, options);
  return client.ok() ? *client : nullptr;
}

// One emulator per object count, filled once and shared by the cases that read it.
struct Filled {
  std::unique_ptr<TestApiServer> server;
  std::shared_ptr<kube::Client> client;
  long rssGrowthKib = 0;
};

Filled& filledWith(int objects) {
  static std::map<int, Filled> filled;
  auto& entry = filled[objects];
  if (entry.server) return entry;
  entry.server = std::make_unique<TestApiServer>();
  entry.client = connect(*entry.server);
  require(entry.client->create(resources::kNamespaces, {{"metadata", {{"name", "bench"}}}}), "create namespace");
  const long before = rssKib();
  for (int i = 0; i < objects; ++i) {
    nlohmann::json cm = {{"metadata",
                          {{"namespace", "bench"},
                           {"name", "cm-" + std::to_string(i)},
                           {"labels", {{"app.kubernetes.io/name", "svc-" + std::to_string(i % 50)}}}}},
                         {"data", {{"config", std::string(200, 'x')}}}};
    require(entry.client->create(resources::kConfigMaps, cm), "create configmap");
  }
  entry.rssGrowthKib = rssKib() - before;
  return entry;
}

void BM_List(benchmark::State& state) {
  const int objects = static_cast<int>(state.range(0));
  auto& filled = filledWith(objects);
  for (auto _ : state) {
    auto list = filled.client->list(resources::kConfigMaps, "bench");
    if (!list.ok() || list->items.size() != static_cast<std::size_t>(objects)) {
      state.SkipWithError("list failed or incomplete");
      return;
    }
  }
  state.counters["objects"] = objects;
  // RSS growth of the whole process (server + client) while storing them: an upper bound per stored object.
  state.counters["rss_bytes_per_object"] = static_cast<double>(filled.rssGrowthKib) * 1024 / objects;
}

void BM_ListPaged(benchmark::State& state) {
  const int objects = static_cast<int>(state.range(0));
  auto& filled = filledWith(objects);
  kube::ListOptions options;
  options.limit = 500;
  for (auto _ : state) {
    auto list = filled.client->listAll(resources::kConfigMaps, "bench", options);
    if (!list.ok() || list->items.size() != static_cast<std::size_t>(objects)) {
      state.SkipWithError("paged list failed or incomplete");
      return;
    }
  }
  state.counters["objects"] = objects;
}

void BM_WatchFanout(benchmark::State& state) {
  const int watchers = static_cast<int>(state.range(0));
  TestApiServer server;
  auto client = connect(server);
  require(client->create(resources::kNamespaces, {{"metadata", {{"name", "bench"}}}}), "create namespace");
  auto created = client->create(resources::kConfigMaps, {{"metadata", {{"namespace", "bench"}, {"name", "hot"}}}});
  require(created, "create configmap");
  const std::string startVersion = (*created)["metadata"]["resourceVersion"].get<std::string>();

  std::atomic<int> seen{0};
  std::atomic<int> round{0};
  std::vector<std::jthread> threads;
  for (int w = 0; w < watchers; ++w) {
    kube::WatchOptions options;
    options.resourceVersion = startVersion;
    options.allowWatchBookmarks = false;
    auto stream = client->watch(resources::kConfigMaps, "bench", options);
    if (!stream.ok()) {
      state.SkipWithError("watch failed");
      return;
    }
    threads.emplace_back([&seen, s = std::move(*stream)](std::stop_token stop) mutable {
      while (!stop.stop_requested()) {
        auto event = s->next();
        if (!event.ok() || !event->has_value()) return;
        if ((*event)->type == kube::WatchEventType::Modified) seen.fetch_add(1);
      }
    });
  }
  for (auto _ : state) {
    const int target = (round.fetch_add(1) + 1) * watchers;
    require(client->patch(resources::kConfigMaps, "bench", "hot", kube::PatchType::Merge,
                          {{"data", {{"round", std::to_string(round.load())}}}}),
            "patch");
    while (seen.load() < target) std::this_thread::yield();
  }
  state.counters["watchers"] = watchers;
  // Closing the watches: stopping the server ends every stream, which lets the threads return.
  server.stop();
}

}  // namespace

BENCHMARK(BM_List)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ListPaged)->Arg(5000)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_WatchFanout)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
