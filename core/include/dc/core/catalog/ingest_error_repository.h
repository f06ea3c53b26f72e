#pragma once
#include "dc/core/model/ingest_error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dc::core {

class SqliteDatabase;

// Problems found while ingesting, kept until a later ingest of the same drive no longer finds them.
class IngestErrorRepository {
public:
  explicit IngestErrorRepository(SqliteDatabase& db) : db_(db) {}

  std::vector<IngestError> list() const;
  // For a transaction the caller owns. add(): inserts errors not seen before; returns how many were new.
  std::int64_t add(const std::vector<IngestError>& errors);
  // Makes the drive's recorded errors equal to `errors` (ones that no longer occur are cleared).
  std::int64_t replace_for_drive(const std::string& drive, const std::vector<IngestError>& errors);

private:
  SqliteDatabase& db_;
};

}  // namespace dc::core
