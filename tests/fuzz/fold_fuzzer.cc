// libFuzzer target: projector record decode + fold. The input is a sequence of framed records
// (fuzz_support.h SplitRecords); each is parsed as a v1::Event exactly as the consumer does and,
// when it parses, folded with views::Apply into one in-memory ViewState (offsets 0, 1, …).
// Then every team's TeamHealth is computed from the state, as the query service would, at the
// latest effective day seen (kept within 1990..2100). Crashes, sanitizer reports and these
// contract violations (views/fold.h) fail the run:
//   - an Apply error is InvalidArgument and changes nothing;
//   - the fold is deterministic: the same records into a fresh state give byte-identical state.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/base/time_util.h"
#include "views/fold.h"
#include "views/health.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/views/memory_state.h"

namespace {

using talentflow::fuzz::Check;
namespace views = talentflow::views;
namespace v1 = talentflow::v1;

// A MemoryState that counts writes, to check that a rejected event changes nothing.
class CountingState : public views::ViewState {
 public:
  std::optional<std::string> Get(const std::string& key) override { return memory.Get(key); }
  void Put(const std::string& key, std::string value) override {
    ++writes;
    memory.Put(key, std::move(value));
  }
  void Delete(const std::string& key) override {
    ++writes;
    memory.Delete(key);
  }
  talentflow::testing::MemoryState memory;
  int64_t writes = 0;
};

// Folds `records` into a fresh state; returns the state and the latest effective day applied.
talentflow::testing::MemoryState Fold(const std::vector<absl::string_view>& records, int64_t* max_day) {
  CountingState state;
  for (size_t i = 0; i < records.size(); ++i) {
    v1::Event event;
    if (!event.ParseFromArray(records[i].data(), static_cast<int>(records[i].size()))) continue;  // dead-lettered
    const int64_t writes_before = state.writes;
    absl::StatusOr<views::Outcome> outcome =
        views::Apply(event, views::RecordMeta{0, static_cast<int64_t>(i)}, state);
    if (!outcome.ok()) {
      Check(outcome.status().code() == absl::StatusCode::kInvalidArgument, "an Apply error is InvalidArgument");
      Check(state.writes == writes_before, "a rejected event changes nothing");
      continue;
    }
    if (max_day) *max_day = std::max(*max_day, talentflow::DayOf(event.effective_time()));
  }
  return std::move(state.memory);
}

// The entries of `state` in [begin, end).
std::vector<std::pair<std::string, std::string>> Range(const talentflow::testing::MemoryState& state,
                                                       const std::string& begin, const std::string& end) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto it = state.map.lower_bound(begin); it != state.map.end() && it->first < end; ++it) out.push_back(*it);
  return out;
}

// A team's inputs at `as_of`, loaded from `state` the way views::Reader::LoadTeam loads them
// from RocksDB (view_store.cc). REQUIRES: "t/<org>/<team>" exists in `state`.
views::TeamInputs LoadTeam(const talentflow::testing::MemoryState& state, const std::string& org,
                               const std::string& team, int64_t as_of) {
  using talentflow::DayKey;
  views::TeamInputs in;
  in.state.ParseFromString(state.map.at("t/" + org + "/" + team));
  const std::string buckets = "b/" + org + "/" + team + "/";
  for (const auto& [k, v] : Range(state, buckets, buckets + DayKey(as_of + 1))) {
    v1::DayBucket b;
    b.ParseFromString(v);
    in.buckets.emplace_back(talentflow::ParseDayKey(absl::string_view(k).substr(buckets.size())).value_or(0),
                            std::move(b));
  }
  const std::string timeline = "l/" + org + "/" + team + "/";
  for (const auto& [k, v] : Range(state, timeline, timeline + DayKey(as_of + 1))) {
    v1::TimelineEntry t;
    t.ParseFromString(v);
    in.timeline.push_back(std::move(t));
  }
  const std::string flows = "f/" + org + "/";
  const std::string first_month = talentflow::MonthKey(as_of - 364), last_month = talentflow::MonthKey(as_of);
  for (const auto& [k, v] : Range(state, flows, "f/" + org + "0")) {  // '0' follows '/'
    const std::string rest = k.substr(flows.size());
    const size_t a = rest.find('/');
    const size_t b = a == std::string::npos ? a : rest.find('/', a + 1);
    if (b == std::string::npos) continue;
    const std::string month = rest.substr(a + 1, b - a - 1);
    if (rest.substr(b + 1) != team || month < first_month || month > last_month) continue;
    v1::FlowBucket f;
    f.ParseFromString(v);
    in.outbound_flows.emplace_back(rest.substr(0, a), std::move(f));
  }
  return in;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  talentflow::fuzz::QuietProtobufLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<absl::string_view> records = talentflow::fuzz::SplitRecords(data, size);
  const int64_t min_day = talentflow::DayOf(absl::FromCivil(absl::CivilDay(1990, 1, 1), absl::UTCTimeZone()));
  const int64_t max_day = talentflow::DayOf(absl::FromCivil(absl::CivilDay(2100, 1, 1), absl::UTCTimeZone()));
  int64_t as_of = min_day;
  talentflow::testing::MemoryState state = Fold(records, &as_of);
  Check(Fold(records, nullptr).map == state.map, "the fold is deterministic");

  as_of = std::clamp(as_of, min_day, max_day);
  for (const auto& [key, value] : Range(state, "t/", "t0")) {  // '0' follows '/'
    const std::string rest = key.substr(2);
    const size_t slash = rest.find('/');
    Check(slash != std::string::npos, "a TeamState key is t/<org>/<team>");
    const std::string org = rest.substr(0, slash), team = rest.substr(slash + 1);
    v1::TeamHealth health = views::ComputeHealth(org, team, LoadTeam(state, org, team, as_of), as_of);
    Check(health.org() == org && health.team() == team, "TeamHealth names its team");
  }
  return 0;
}
