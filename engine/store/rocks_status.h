// The one place where RocksDB errors become absl::Status.
#ifndef INKOOP_ENGINE_STORE_ROCKS_STATUS_H_
#define INKOOP_ENGINE_STORE_ROCKS_STATUS_H_

#include <rocksdb/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace inkoop {

// Corruption -> kDataLoss, busy/lock -> kUnavailable, not found -> kNotFound,
// I/O error -> kUnavailable, invalid argument -> kInvalidArgument.
absl::Status RocksStatus(const rocksdb::Status& status, absl::string_view context);

}  // namespace inkoop

#endif  // INKOOP_ENGINE_STORE_ROCKS_STATUS_H_
