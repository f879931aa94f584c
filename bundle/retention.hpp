#pragma once
// Retention: which good bundles of one destination to keep and which to delete (docs/retention.md).
// Pure: no I/O, no clock. The caller lists the destination, verifies each bundle's signature and
// deletes what `remove` names.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace egg::bundle {

// restic's keep-last / keep-daily / keep-weekly / keep-monthly, ORed. Each value must be >= 0.
struct RetentionPolicy {
  int keep_last = 0;
  int keep_daily = 0;
  int keep_weekly = 0;
  int keep_monthly = 0;
};

struct BundleRef {
  std::string id;
  std::int64_t time = 0;  // the signed time, UTC unix seconds
  bool good = false;      // complete and its signature verified
};

struct RetentionDecision {
  // Good bundles only, newest first. Bundles that are not good are in neither list.
  std::vector<std::string> keep, remove;
  // For every kept id, why: the matching rules joined by ", " ("last 1, daily 2026-11-20,
  // weekly 2026-W47, monthly 2026-11"), or "newest (always kept)".
  std::map<std::string, std::string> reasons;
};

// Throws Error(Exit::usage) for a negative keep value and Error(Exit::failed) for an empty or
// duplicate id.
RetentionDecision apply_retention(const std::vector<BundleRef>& bundles, const RetentionPolicy& policy);

// The calendar buckets, exposed for tests and for `egg backup list`: UTC day "YYYY-MM-DD",
// ISO 8601 week "YYYY-Www" (ISO week-numbering year), month "YYYY-MM".
std::string utc_day(std::int64_t unix_seconds);
std::string iso_week(std::int64_t unix_seconds);
std::string utc_month(std::int64_t unix_seconds);

}  // namespace egg::bundle
