#pragma once
// Decoding request bodies by Content-Type: JSON (also when no Content-Type is sent, as `kubectl scale` does),
// YAML, Kubernetes protobuf (kubectl's typed generators), and the four patch types.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "apiserver/http_types.h"
#include "apiserver/resource_service.h"
#include "apiserver/result.h"

namespace flotilla::apiserver {

// The media type without parameters, lower-cased ("application/json").
std::string mediaType(const std::string& contentType);

// An object body for POST / PUT.
Result<nlohmann::json> decodeObjectBody(const HttpRequest& request);
// The patch type named by Content-Type; 415 for anything else.
Result<PatchType> patchTypeOf(const HttpRequest& request);
// A PATCH body of that type (apply bodies may be YAML).
Result<nlohmann::json> decodePatchBody(const HttpRequest& request, PatchType type);

// What the Accept header asks for.
bool acceptsTable(const std::string& accept);
bool acceptsPartialMetadata(const std::string& accept);      // as=PartialObjectMetadata
bool acceptsPartialMetadataList(const std::string& accept);  // as=PartialObjectMetadataList

}  // namespace flotilla::apiserver
