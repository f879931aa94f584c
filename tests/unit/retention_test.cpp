// Retention (docs/retention.md): table tests on synthetic timestamps, the calendar buckets, and a
// randomized cross-check against a second, set-based reading of the rules.
#include <doctest/doctest.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "bundle/retention.hpp"
#include "egg/core/exit.hpp"

using namespace egg;
using bundle::BundleRef;
using bundle::RetentionPolicy;

namespace {

// "YYYY-MM-DDTHH:MM:SS" (UTC) -> unix seconds, through libc's timegm (independent of the code
// under test).
std::int64_t ts(const std::string& s) {
  std::tm tm{};
  REQUIRE(sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                 &tm.tm_sec) == 6);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm));
}

// A bundle whose id is its time, so the tables read like a listing.
BundleRef B(const std::string& when, bool good = true) { return {when, ts(when), good}; }
BundleRef BI(const std::string& id, const std::string& when, bool good = true) { return {id, ts(when), good}; }

struct Row {
  const char* name;
  RetentionPolicy policy;
  std::vector<BundleRef> in;
  std::vector<std::string> keep;    // newest first
  std::vector<std::string> remove;  // newest first
  std::map<std::string, std::string> reasons{};  // checked where given
};

}  // namespace

TEST_CASE("retention: calendar buckets (UTC day, ISO 8601 week, month)") {
  CHECK(bundle::utc_day(ts("2026-11-20T23:59:59")) == "2026-11-20");
  CHECK(bundle::utc_day(ts("2026-11-21T00:00:00")) == "2026-11-21");
  CHECK(bundle::utc_day(-1) == "1969-12-31");
  CHECK(bundle::utc_day(0) == "1970-01-01");
  CHECK(bundle::utc_day(ts("2024-02-29T12:00:00")) == "2024-02-29");
  CHECK(bundle::utc_month(ts("2025-12-31T23:59:59")) == "2025-12");
  CHECK(bundle::utc_month(ts("2026-01-01T00:00:00")) == "2026-01");
  // ISO weeks: Monday to Sunday, numbered in the year that holds the week's Thursday.
  CHECK(bundle::iso_week(ts("2020-12-27T12:00:00")) == "2020-W52");  // Sunday
  CHECK(bundle::iso_week(ts("2020-12-28T00:00:00")) == "2020-W53");  // Monday
  CHECK(bundle::iso_week(ts("2020-12-31T12:00:00")) == "2020-W53");
  CHECK(bundle::iso_week(ts("2021-01-03T23:59:59")) == "2020-W53");  // Sunday, still 2020's week 53
  CHECK(bundle::iso_week(ts("2021-01-04T00:00:00")) == "2021-W01");
  CHECK(bundle::iso_week(ts("2018-12-31T00:00:00")) == "2019-W01");  // Monday in 2019's week 1
  CHECK(bundle::iso_week(ts("2026-11-22T02:25:00")) == "2026-W47");
  CHECK(bundle::iso_week(ts("2026-12-28T00:00:00")) == "2026-W53");
  CHECK(bundle::iso_week(ts("2027-01-03T00:00:00")) == "2026-W53");
  CHECK(bundle::iso_week(0) == "1970-W01");   // Thursday 1970-01-01
  CHECK(bundle::iso_week(-1) == "1970-W01");  // Wednesday 1969-12-31 is in the same week
  CHECK(bundle::iso_week(ts("2015-12-31T00:00:00")) == "2015-W53");
  CHECK(bundle::iso_week(ts("2016-01-01T00:00:00")) == "2015-W53");
  CHECK(bundle::iso_week(ts("2016-01-04T00:00:00")) == "2016-W01");
}

TEST_CASE("retention: table") {
  const std::vector<Row> rows = {
      {"empty list", {3, 7, 4, 12}, {}, {}, {}},

      {"only non-good bundles: nothing kept, nothing removed",
       {1, 0, 0, 0},
       {B("2026-11-20T01:00:00", false), B("2026-11-21T01:00:00", false)},
       {},
       {}},

      {"keep-last only",
       {2, 0, 0, 0},
       {B("2026-11-18T01:00:00"), B("2026-11-20T01:00:00"), B("2026-11-19T01:00:00")},
       {"2026-11-20T01:00:00", "2026-11-19T01:00:00"},
       {"2026-11-18T01:00:00"},
       {{"2026-11-20T01:00:00", "last 1"}, {"2026-11-19T01:00:00", "last 2"}}},

      {"daily across a month boundary, newest of each day",
       {0, 3, 0, 0},
       {B("2026-10-30T10:00:00"), B("2026-10-31T09:00:00"), B("2026-10-31T23:00:00"), B("2026-11-01T00:30:00"),
        B("2026-11-02T12:00:00")},
       {"2026-11-02T12:00:00", "2026-11-01T00:30:00", "2026-10-31T23:00:00"},
       {"2026-10-31T09:00:00", "2026-10-30T10:00:00"},
       {{"2026-11-02T12:00:00", "daily 2026-11-02"},
        {"2026-11-01T00:30:00", "daily 2026-11-01"},
        {"2026-10-31T23:00:00", "daily 2026-10-31"}}},

      {"daily counts only days that have bundles (restic), not the last N calendar days",
       {0, 2, 0, 0},
       {B("2026-11-01T03:00:00"), B("2026-11-10T03:00:00"), B("2026-11-20T03:00:00")},
       {"2026-11-20T03:00:00", "2026-11-10T03:00:00"},
       {"2026-11-01T03:00:00"}},

      {"several per day: the newest of the day is kept, input order irrelevant",
       {0, 2, 0, 0},
       {B("2026-11-21T03:00:00"), B("2026-11-20T05:00:00"), B("2026-11-20T23:00:00"), B("2026-11-21T02:00:00"),
        B("2026-11-20T01:00:00")},
       {"2026-11-21T03:00:00", "2026-11-20T23:00:00"},
       {"2026-11-21T02:00:00", "2026-11-20T05:00:00", "2026-11-20T01:00:00"}},

      {"weekly across the ISO year boundary (2020-W53 runs 2020-12-28 .. 2021-01-03)",
       {0, 0, 2, 0},
       {B("2020-12-27T12:00:00"), B("2020-12-28T12:00:00"), B("2020-12-31T12:00:00"), B("2021-01-03T12:00:00"),
        B("2021-01-04T12:00:00")},
       {"2021-01-04T12:00:00", "2021-01-03T12:00:00"},
       {"2020-12-31T12:00:00", "2020-12-28T12:00:00", "2020-12-27T12:00:00"},
       {{"2021-01-04T12:00:00", "weekly 2021-W01"}, {"2021-01-03T12:00:00", "weekly 2020-W53"}}},

      {"monthly across a year boundary",
       {0, 0, 0, 3},
       {B("2025-11-15T00:00:00"), B("2025-12-01T00:00:00"), B("2025-12-31T23:59:59"), B("2026-01-01T00:00:00"),
        B("2026-02-10T00:00:00")},
       {"2026-02-10T00:00:00", "2026-01-01T00:00:00", "2025-12-31T23:59:59"},
       {"2025-12-01T00:00:00", "2025-11-15T00:00:00"},
       {{"2025-12-31T23:59:59", "monthly 2025-12"}}},

      {"all keeps zero: the newest good bundle is still kept",
       {0, 0, 0, 0},
       {B("2026-11-19T01:00:00"), B("2026-11-21T01:00:00"), B("2026-11-20T01:00:00")},
       {"2026-11-21T01:00:00"},
       {"2026-11-20T01:00:00", "2026-11-19T01:00:00"},
       {{"2026-11-21T01:00:00", "newest (always kept)"}}},

      {"rules are ORed and overlap",
       {2, 3, 0, 0},
       {B("2026-11-01T08:00:00"), B("2026-11-01T20:00:00"), B("2026-11-02T08:00:00"), B("2026-11-03T08:00:00"),
        B("2026-11-03T12:00:00")},
       {"2026-11-03T12:00:00", "2026-11-03T08:00:00", "2026-11-02T08:00:00", "2026-11-01T20:00:00"},
       {"2026-11-01T08:00:00"},
       {{"2026-11-03T12:00:00", "last 1, daily 2026-11-03"},
        {"2026-11-03T08:00:00", "last 2"},
        {"2026-11-02T08:00:00", "daily 2026-11-02"},
        {"2026-11-01T20:00:00", "daily 2026-11-01"}}},

      {"GFS: daily, weekly and monthly together",
       {1, 2, 2, 2},
       {B("2026-09-15T01:00:00"), B("2026-10-20T01:00:00"), B("2026-10-31T01:00:00"), B("2026-11-08T01:00:00"),
        B("2026-11-13T01:00:00"), B("2026-11-14T01:00:00"), B("2026-11-15T01:00:00")},
       // 11-15 (Sun, W46): last, daily, weekly W46, monthly 11; 11-14: daily; 11-13 (W46): nothing;
       // 11-08 (Sun, W45): weekly W45; 10-31: monthly 10; 10-20, 09-15: nothing left.
       {"2026-11-15T01:00:00", "2026-11-14T01:00:00", "2026-11-08T01:00:00", "2026-10-31T01:00:00"},
       {"2026-11-13T01:00:00", "2026-10-20T01:00:00", "2026-09-15T01:00:00"},
       {{"2026-11-15T01:00:00", "last 1, daily 2026-11-15, weekly 2026-W46, monthly 2026-11"},
        {"2026-11-14T01:00:00", "daily 2026-11-14"},
        {"2026-11-08T01:00:00", "weekly 2026-W45"},
        {"2026-10-31T01:00:00", "monthly 2026-10"}}},

      {"non-good bundles are neither counted, kept nor removed",
       {1, 2, 0, 0},
       {B("2026-11-21T05:00:00", false), B("2026-11-20T05:00:00"), B("2026-11-19T05:00:00", false),
        B("2026-11-18T05:00:00"), B("2026-11-17T05:00:00")},
       {"2026-11-20T05:00:00", "2026-11-18T05:00:00"},
       {"2026-11-17T05:00:00"}},

      {"non-good newest: the newest GOOD bundle is the one always kept",
       {0, 0, 0, 0},
       {B("2026-11-21T05:00:00", false), B("2026-11-20T05:00:00"), B("2026-11-19T05:00:00")},
       {"2026-11-20T05:00:00"},
       {"2026-11-19T05:00:00"}},

      {"ties in time are ordered by id, the greater id counting as newer",
       {1, 0, 0, 0},
       {BI("a", "2026-11-20T05:00:00"), BI("c", "2026-11-20T05:00:00"), BI("b", "2026-11-20T05:00:00")},
       {"c"},
       {"b", "a"}},

      {"tie inside a daily bucket",
       {0, 1, 0, 0},
       {BI("x2", "2026-11-20T05:00:00"), BI("x1", "2026-11-20T05:00:00"), BI("x0", "2026-11-20T04:00:00")},
       {"x2"},
       {"x1", "x0"}},

      {"keep values larger than the list keep everything",
       {10, 10, 10, 10},
       {B("2026-11-19T01:00:00"), B("2026-11-20T01:00:00")},
       {"2026-11-20T01:00:00", "2026-11-19T01:00:00"},
       {}},

      {"times before 1970 bucket correctly",
       {0, 2, 0, 0},
       {BI("n1", "1969-12-31T23:00:00"), BI("n2", "1969-12-31T01:00:00"), BI("p1", "1970-01-01T00:00:00")},
       {"p1", "n1"},
       {"n2"},
       {{"n1", "daily 1969-12-31"}, {"p1", "daily 1970-01-01"}}},
  };
  CHECK(rows.size() >= 12);

  for (const auto& row : rows) {
    CAPTURE(row.name);
    auto d = bundle::apply_retention(row.in, row.policy);
    CHECK(d.keep == row.keep);
    CHECK(d.remove == row.remove);
    CHECK(d.reasons.size() == d.keep.size());
    for (const auto& id : d.keep) CHECK(d.reasons.count(id) == 1);
    for (const auto& [id, why] : row.reasons) {
      CAPTURE(id);
      REQUIRE(d.reasons.count(id) == 1);
      CHECK(d.reasons.at(id) == why);
    }
    // Independent of input order.
    auto reversed = row.in;
    std::reverse(reversed.begin(), reversed.end());
    auto r = bundle::apply_retention(reversed, row.policy);
    CHECK(r.keep == d.keep);
    CHECK(r.remove == d.remove);
    CHECK(r.reasons == d.reasons);
  }
}

TEST_CASE("retention: bad input is refused") {
  std::string msg;
  try {
    bundle::apply_retention({}, {0, -1, 0, 0});
    FAIL("accepted a negative keep value");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::usage);
    CHECK(std::string(e.what()).find("keep-daily") != std::string::npos);
  }
  try {
    bundle::apply_retention({BI("x", "2026-11-20T01:00:00"), BI("x", "2026-11-21T01:00:00", false)}, {1, 0, 0, 0});
    FAIL("accepted a duplicate id");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::failed);
    CHECK(std::string(e.what()).find("duplicate bundle id x") != std::string::npos);
  }
}

// A second reading of docs/retention.md, written as sets rather than one newest-first pass: for
// each rule, take the N greatest buckets among the good bundles and keep the newest bundle in each.
TEST_CASE("retention: randomized cross-check against a set-based reference") {
  std::mt19937_64 rng(20261122);
  auto newer = [](const BundleRef& a, const BundleRef& b) {
    return a.time != b.time ? a.time > b.time : a.id > b.id;
  };
  for (int round = 0; round < 400; ++round) {
    CAPTURE(round);
    std::vector<BundleRef> in;
    const int n = static_cast<int>(rng() % 40);
    const std::int64_t base = ts("2020-11-01T00:00:00");
    const std::int64_t span = (round % 4 == 0 ? 3 : round % 4 == 1 ? 40 : round % 4 == 2 ? 200 : 900) * 86400LL;
    for (int i = 0; i < n; ++i) {
      std::int64_t t = base + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(span));
      if (rng() % 5 == 0 && !in.empty()) t = in[rng() % in.size()].time;  // ties
      in.push_back({"id" + std::to_string(rng() % 100000) + "-" + std::to_string(i), t, rng() % 6 != 0});
    }
    RetentionPolicy p{static_cast<int>(rng() % 4), static_cast<int>(rng() % 8), static_cast<int>(rng() % 5),
                      static_cast<int>(rng() % 4)};

    std::vector<BundleRef> good;
    for (auto& b : in)
      if (b.good) good.push_back(b);
    std::set<std::string> keep;
    std::vector<BundleRef> by_age = good;
    std::sort(by_age.begin(), by_age.end(), newer);
    for (int i = 0; i < p.keep_last && i < static_cast<int>(by_age.size()); ++i) keep.insert(by_age[i].id);
    auto rule = [&](int count, std::string (*bucket)(std::int64_t)) {
      std::map<std::string, BundleRef> newest;  // bucket -> newest bundle in it
      for (auto& b : good) {
        auto k = bucket(b.time);
        auto it = newest.find(k);
        if (it == newest.end() || newer(b, it->second)) newest[k] = b;
      }
      int taken = 0;  // bucket labels sort chronologically as strings
      for (auto it = newest.rbegin(); it != newest.rend() && taken < count; ++it, ++taken) keep.insert(it->second.id);
    };
    rule(p.keep_daily, &bundle::utc_day);
    rule(p.keep_weekly, &bundle::iso_week);
    rule(p.keep_monthly, &bundle::utc_month);
    if (!by_age.empty()) keep.insert(by_age.front().id);

    auto d = bundle::apply_retention(in, p);
    std::set<std::string> got_keep(d.keep.begin(), d.keep.end());
    CHECK(got_keep == keep);
    CHECK(d.keep.size() + d.remove.size() == good.size());
    std::set<std::string> all(d.keep.begin(), d.keep.end());
    all.insert(d.remove.begin(), d.remove.end());
    CHECK(all.size() == good.size());
    for (auto& b : in)
      if (!b.good) CHECK(all.count(b.id) == 0);
  }
}
