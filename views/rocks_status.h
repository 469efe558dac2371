// The one place where rocksdb::Status becomes absl::Status (for view_store.cc and reader.cc).
#pragma once

#include <rocksdb/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace talentflow::views {

// Maps RocksDB's status to the absl code callers act on: NoSpace -> ResourceExhausted, Busy,
// TryAgain and IOError -> Unavailable, Corruption -> DataLoss. The message starts with `context`.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view context);

}  // namespace talentflow::views
