#include "ctl/synthetic_source.h"

#include <algorithm>
#include <atomic>
#include <random>

#include <google/protobuf/util/json_util.h>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/base/time_util.h"
#include "ingest/kafka_sink.h"
#include "ingest/publisher.h"

namespace talentflow::ctl {

void ForEachSynthetic(const SyntheticOptions& o, const std::function<bool(const v1::Event&)>& fn) {
  std::mt19937_64 rng(o.seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const absl::Time start = absl::FromCivil(absl::CivilDay(2024, 1, 1), absl::UTCTimeZone());
  // Earlier events, serialized: slot i % kSyntheticHistory holds event i (so while i < the cap,
  // history[k] is event k and the output matches an unbounded history).
  std::vector<std::string> history;
  history.reserve(std::min(o.events, kSyntheticHistory));
  v1::Event earlier;
  auto pick_earlier = [&]() -> const v1::Event& {
    earlier.ParseFromString(history[pick(static_cast<int>(history.size()))]);
    return earlier;
  };
  for (int i = 0; i < o.events; ++i) {
    const std::string org = absl::StrCat("org", pick(o.orgs));
    const int team_no = pick(o.teams_per_org);
    const absl::Time when = start + absl::Hours(24 * pick(1000)) + absl::Minutes(pick(1440));
    const int roll = pick(100);
    v1::Event e;
    if (roll < 5 && !history.empty()) {  // a second outlet reports an earlier story
      e = pick_earlier();
      e.mutable_evidence(0)->set_outlet("Second Outlet");
    } else {
      const v1::Event* target = roll < 7 && !history.empty() ? &pick_earlier() : nullptr;
      e.set_org(target ? target->org() : org);
      e.set_team(target ? target->team() : absl::StrCat("team", team_no));
      *e.mutable_effective_time() = ToTimestamp(when);
      e.set_date_precision(v1::DATE_PRECISION_DAY);
      e.set_confidence(v1::CONFIDENCE_REPORTED);
      auto* ev = e.add_evidence();
      ev->set_url(absl::StrCat("https://news.example.com/", org, "/", i));
      ev->set_outlet("Example News");
      ev->set_source_type(v1::SOURCE_TYPE_NEWS);
      *ev->mutable_published_at() = ToTimestamp(when + absl::Hours(20));
      auto person = [&] {
        e.mutable_person()->set_id(absl::StrCat("p", rng() % 100000));
        e.mutable_person()->set_name(absl::StrCat("Person ", e.person().id()));
        e.mutable_person()->set_title("Research Scientist");
        e.mutable_person()->set_seniority(static_cast<v1::Seniority>(1 + pick(6)));
      };
      if (target) {
        e.mutable_retraction()->set_target_event_id(target->event_id());
        e.mutable_retraction()->set_reason("story corrected");
      } else if (roll < 45) {
        person();
        e.mutable_departure()->set_destination_org(absl::StrCat("org", pick(o.orgs)));
        e.mutable_departure()->set_destination_kind(static_cast<v1::DestinationKind>(1 + pick(5)));
      } else if (roll < 75) {
        person();
        e.mutable_hire()->set_from_org(absl::StrCat("org", pick(o.orgs)));
      } else if (roll < 85) {
        e.mutable_headcount_report()->set_headcount(10 + pick(400));
      } else if (roll < 90) {
        e.mutable_reprioritisation()->set_priority(static_cast<v1::Priority>(1 + pick(6)));
      } else if (roll < 95) {
        e.mutable_budget_change()->set_status(static_cast<v1::BudgetStatus>(1 + pick(4)));
      } else {
        person();
        e.mutable_transfer_out()->set_to_team(absl::StrCat("team", (team_no + 1) % o.teams_per_org));
      }
    }
    e.set_event_id(absl::StrCat("syn-", o.seed, "-", i));
    if (history.size() < static_cast<size_t>(kSyntheticHistory)) {
      history.push_back(e.SerializeAsString());
    } else {
      e.SerializeToString(&history[i % kSyntheticHistory]);
    }
    if (!fn(e)) return;
  }
}

std::vector<v1::Event> Synthetic(const SyntheticOptions& o) {
  std::vector<v1::Event> out;
  out.reserve(o.events);
  ForEachSynthetic(o, [&](const v1::Event& e) {
    out.push_back(e);
    return true;
  });
  return out;
}

int RunGen(const SyntheticOptions& options, bool keyed, std::ostream& out) {
  google::protobuf::util::JsonPrintOptions json;
  json.preserve_proto_field_names = false;
  std::string line;
  bool ok = true;
  ForEachSynthetic(options, [&](const v1::Event& e) {
    line.clear();
    if (!google::protobuf::util::MessageToJsonString(e, &line, json).ok()) return ok = false;
    if (keyed) out << e.org() << '/' << e.team() << '\t';
    out << line << '\n';
    return true;
  });
  out.flush();
  return ok ? 0 : 1;
}

int RunGenProduce(const SyntheticOptions& options, const KafkaOptions& kafka, std::ostream& err) {
  auto sink = ingest::KafkaSink::Create(kafka, ingest::SinkOptions{});
  if (!sink.ok()) {
    err << "gen --produce: " << sink.status().message() << "\n";
    return 2;
  }
  ingest::Aliases aliases;
  ingest::IngestCounters counters;
  ingest::Publisher publisher(sink->get(), &aliases, &counters);
  // Like feed mode's set of idempotency keys, as 64-bit hashes (16 B per event at 10M events).
  absl::flat_hash_set<uint64_t> keys;
  std::atomic<int64_t> failed{0};
  int64_t accepted = 0, repeats = 0, rejected = 0, records = 0;
  ForEachSynthetic(options, [&](const v1::Event& e) {
    auto prepared = publisher.Prepare(e, "feed");
    if (!prepared.ok()) {
      ++rejected;
      return true;
    }
    if (!keys.insert(absl::HashOf(prepared->front().idempotency_key())).second) ++repeats;  // published too
    ++accepted;
    for (const v1::Event& r : *prepared) {
      ++records;
      (*sink)->Produce(r, [&failed](const ingest::Delivery& d) {
        if (!d.status.ok()) failed.fetch_add(1);
      });
    }
    return true;
  });
  absl::Status flushed = (*sink)->Flush(absl::Seconds(60));
  err << "accepted " << accepted << " (" << repeats << " repeating a key), rejected " << rejected << "; records "
      << records << " to " << kafka.topic << ", not acknowledged " << failed.load() << "\n";
  return flushed.ok() && failed.load() == 0 && rejected == 0 ? 0 : 1;
}

}  // namespace talentflow::ctl
