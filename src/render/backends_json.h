#pragma once
// The ConfigMap's `backends.json` text: the BackendSlots of every backend, written straight into a string. The bytes
// are exactly those of a nlohmann array of toJson(backend) dumped with indent 2 (keys sorted) plus a final '\n' —
// the agent reads it with backendSlotsFromJson — but without building 15 map nodes per backend first: with 5,000
// Routes that tree was a fifth of the whole render.

#include <string>
#include <vector>

#include "render/endpoint_slots.h"

namespace flotilla::render {

std::string backendsJsonText(const std::vector<BackendSlots>& backends);

}  // namespace flotilla::render
