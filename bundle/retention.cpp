#include "bundle/retention.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "egg/core/exit.hpp"

namespace egg::bundle {
namespace {

struct Civil {
  std::int64_t year;
  unsigned month, day;
};

// Days since 1970-01-01 <-> proleptic Gregorian date (H. Hinnant's civil_from_days /
// days_from_civil, valid over the whole int64 range of days we can produce from seconds).
Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t floor_days(std::int64_t t) {
  std::int64_t d = t / 86400;
  if (t % 86400 < 0) --d;
  return d;
}

template <typename... A>
std::string format(const char* fmt, A... args) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

struct Rule {
  int remaining;
  std::string (*bucket)(std::int64_t);
  const char* name;
  std::string last_bucket;
  bool any = false;
};

}  // namespace

std::string utc_day(std::int64_t t) {
  const auto c = civil_from_days(floor_days(t));
  return format("%04lld-%02u-%02u", static_cast<long long>(c.year), c.month, c.day);
}

std::string utc_month(std::int64_t t) {
  const auto c = civil_from_days(floor_days(t));
  return format("%04lld-%02u", static_cast<long long>(c.year), c.month);
}

// ISO 8601: weeks start on Monday; a week belongs to the year that holds its Thursday.
std::string iso_week(std::int64_t t) {
  const std::int64_t d = floor_days(t);
  const std::int64_t weekday = ((d + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday; Monday = 0
  const std::int64_t thursday = d - weekday + 3;
  const auto c = civil_from_days(thursday);
  const std::int64_t week = (thursday - days_from_civil(c.year, 1, 1)) / 7 + 1;
  return format("%04lld-W%02lld", static_cast<long long>(c.year), static_cast<long long>(week));
}

RetentionDecision apply_retention(const std::vector<BundleRef>& bundles, const RetentionPolicy& p) {
  for (auto [value, name] : {std::pair{p.keep_last, "keep-last"}, {p.keep_daily, "keep-daily"},
                             {p.keep_weekly, "keep-weekly"}, {p.keep_monthly, "keep-monthly"}}) {
    if (value < 0) throw Error(Exit::usage, std::string("retention: ") + name + " must be 0 or more");
  }

  std::set<std::string_view> ids;
  std::vector<const BundleRef*> good;
  for (const auto& b : bundles) {
    if (b.id.empty()) throw Error(Exit::failed, "retention: a bundle has an empty id");
    if (!ids.insert(b.id).second) throw Error(Exit::failed, "retention: duplicate bundle id " + b.id);
    if (b.good) good.push_back(&b);
  }
  // Newest first; equal times are ordered by id, the greater id counting as the newer.
  std::sort(good.begin(), good.end(), [](const BundleRef* a, const BundleRef* b) {
    if (a->time != b->time) return a->time > b->time;
    return a->id > b->id;
  });

  Rule rules[] = {
      {p.keep_daily, &utc_day, "daily", {}},
      {p.keep_weekly, &iso_week, "weekly", {}},
      {p.keep_monthly, &utc_month, "monthly", {}},
  };

  RetentionDecision out;
  for (std::size_t i = 0; i < good.size(); ++i) {
    const BundleRef& b = *good[i];
    std::string why;
    auto add = [&why](const std::string& r) { why += (why.empty() ? "" : ", ") + r; };
    if (i < static_cast<std::size_t>(p.keep_last)) add("last " + std::to_string(i + 1));
    for (auto& r : rules) {
      if (r.remaining == 0) continue;
      std::string key = r.bucket(b.time);
      if (r.any && key == r.last_bucket) continue;  // an older bundle of a bucket already kept
      r.any = true;
      r.last_bucket = key;
      --r.remaining;
      add(std::string(r.name) + " " + key);
    }
    if (why.empty() && i == 0) why = "newest (always kept)";
    if (why.empty()) {
      out.remove.push_back(b.id);
    } else {
      out.keep.push_back(b.id);
      out.reasons.emplace(b.id, std::move(why));
    }
  }
  return out;
}

}  // namespace egg::bundle
