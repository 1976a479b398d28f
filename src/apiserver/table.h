#pragma once
// Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for: the columns kube-apiserver shows for
// the common built-in kinds, a CRD's additionalPrinterColumns (JSONPath), ages rendered by the server.

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/resource_info.h"
#include "apiserver/time_format.h"

namespace flotilla::apiserver {

enum class IncludeObject { None, Metadata, Object };

class TablePrinter {
 public:
  explicit TablePrinter(const ResourceInfo& resource);

  nlohmann::json columnDefinitions() const;
  nlohmann::json row(const nlohmann::json& object, IncludeObject include, SystemTime now) const;
  // A whole Table; `columns` false leaves columnDefinitions out (later events of a Table watch).
  nlohmann::json table(const std::vector<const nlohmann::json*>& objects, const std::string& resourceVersion,
                       IncludeObject include, bool columns = true, const std::string& continueToken = "") const;

 private:
  using CellFunction = nlohmann::json (*)(const nlohmann::json& object, SystemTime now);
  struct Column {
    PrinterColumn definition;
    CellFunction cell = nullptr;  // built-ins; CRD columns evaluate definition.jsonPath
  };
  nlohmann::json cell(const Column& column, const nlohmann::json& object, SystemTime now) const;

  std::vector<Column> columns_;
};

// PartialObjectMetadata of an object (Table rows, metadata-only clients).
nlohmann::json partialObjectMetadata(const nlohmann::json& object);

}  // namespace flotilla::apiserver
