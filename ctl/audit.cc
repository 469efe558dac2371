#include "ctl/audit.h"

#include <filesystem>
#include <ostream>
#include <thread>

#include <librdkafka/rdkafkacpp.h>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/base/status.h"
#include "common/base/time_util.h"
#include "ctl/commands.h"
#include "ctl/explain.h"
#include "projector/replayer.h"

namespace talentflow::ctl {

std::string ReplaySummary::ToString() const {
  return absl::StrFormat("events applied %d, duplicates %d, retractions %d, dead-lettered %d, elapsed %.1fs, digest %s",
                         applied, duplicates, retractions, dead_lettered, absl::ToDoubleSeconds(elapsed), digest);
}

namespace {

// Prints replay progress until `done`.
void ReportProgress(const projector::Replayer& p, const ReplayOptions& o, const std::atomic<bool>& done,
                    absl::Time start) {
  absl::Time last_line = start;
  while (!done.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const absl::Time now = absl::Now();
    const int64_t seen = p.records_seen(), total = std::max<int64_t>(1, p.total());
    const double secs = std::max(1e-3, absl::ToDoubleSeconds(now - start));
    const double rate = seen / secs;
    const double pct = 100.0 * seen / total;
    const double eta = rate > 0 ? (total - seen) / rate : 0;
    if (o.tty) {
      const int width = 30, filled = static_cast<int>(width * std::min(1.0, pct / 100));
      *o.progress << absl::StrFormat("\r[%s%s] %5.1f%%  %d/%d  %.0f ev/s  ETA %.0fs ", std::string(filled, '#'),
                                     std::string(width - filled, '.'), pct, seen, total, rate, eta)
                  << std::flush;
    } else if (now - last_line >= absl::Seconds(5)) {
      last_line = now;
      *o.progress << absl::StrFormat("replay: %d/%d records (%.1f%%), %.0f ev/s, ETA %.0fs\n", seen, total, pct, rate, eta)
                  << std::flush;
    }
  }
  if (o.tty) *o.progress << "\n";
}

}  // namespace

absl::StatusOr<ReplaySummary> Replay(const ReplayOptions& options) {
  if (options.db.empty()) return absl::InvalidArgumentError("db: required");
  views::ViewStoreOptions so;
  so.path = options.db;
  so.fresh = true;
  ASSIGN_OR_RETURN(auto store, views::ViewStore::Open(so));
  projector::ReplayerOptions ro;
  ro.kafka = options.kafka;
  ro.until_offsets = options.until;
  ro.threads = options.fold_threads;
  ASSIGN_OR_RETURN(auto replayer, projector::Replayer::Create(ro, store.get()));
  const absl::Time start = absl::Now();
  std::atomic<bool> stop{false}, done{false};
  std::thread progress;
  if (options.progress) progress = std::thread([&] { ReportProgress(*replayer, options, done, start); });
  absl::Status run = replayer->Run(stop);
  done = true;
  if (progress.joinable()) progress.join();
  RETURN_IF_ERROR(run);
  ReplaySummary s;
  s.applied = replayer->counters().applied.load();
  s.duplicates = replayer->counters().duplicates.load();
  s.retractions = replayer->counters().retractions.load();
  s.dead_lettered = replayer->counters().dead_lettered.load();
  s.elapsed = absl::Now() - start;
  ASSIGN_OR_RETURN(s.digest, store->Digest());
  return s;
}

absl::StatusOr<std::map<int32_t, int64_t>> OffsetsKnownAt(const KafkaOptions& kafka, absl::Time known_at) {
  ASSIGN_OR_RETURN(auto conf, MakeKafkaConf(kafka, {{"group.id", "talentflow-audit-unused"}}));
  std::string err;
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!c) return absl::InvalidArgumentError(absl::StrCat("kafka consumer: ", err));
  std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(c.get(), kafka.topic, nullptr, err));
  RdKafka::Metadata* md = nullptr;
  RETURN_IF_ERROR(FromKafka(c->metadata(false, topic.get(), &md, 10000), "metadata"));
  std::unique_ptr<RdKafka::Metadata> owner(md);
  if (md->topics()->empty() || md->topics()->at(0)->err() != RdKafka::ERR_NO_ERROR) {
    return absl::NotFoundError(absl::StrCat("topic ", kafka.topic, " not found"));
  }
  // The first record with timestamp >= known_at + 1 ms is the first one not known at known_at.
  const int64_t ts = absl::ToUnixMillis(known_at) + 1;
  std::vector<RdKafka::TopicPartition*> parts;
  for (const auto* p : *md->topics()->at(0)->partitions()) {
    parts.push_back(RdKafka::TopicPartition::create(kafka.topic, p->id(), ts));
  }
  RdKafka::ErrorCode code = c->offsetsForTimes(parts, 10000);
  std::map<int32_t, int64_t> out;
  for (auto* tp : parts) {
    int64_t offset = tp->offset();
    if (offset < 0) {  // nothing at or after ts: everything in the partition was known
      int64_t lo = 0, hi = 0;
      c->query_watermark_offsets(kafka.topic, tp->partition(), &lo, &hi, 10000);
      offset = hi;
    }
    out[tp->partition()] = offset;
  }
  RdKafka::TopicPartition::destroy(parts);
  c->close();
  RETURN_IF_ERROR(FromKafka(code, "offsets for times"));
  return out;
}

absl::StatusOr<VerifyResult> Verify(const KafkaOptions& kafka, const std::string& live_db,
                                    const std::string& scratch_db) {
  char tmpl[] = "/tmp/talentflow-verify-secondary.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return absl::InternalError("cannot create a secondary directory");
  const std::string secondary = tmpl;
  absl::Cleanup remove_secondary = [&] { std::filesystem::remove_all(secondary); };
  VerifyResult r;
  ASSIGN_OR_RETURN(auto live, views::ViewStore::OpenSecondary(live_db, secondary));
  // One catch-up, then the digest and the watermark of that same state.
  RETURN_IF_ERROR(live->CatchUp());
  ASSIGN_OR_RETURN(auto wm, live->NewReader()->Watermark());
  for (const auto& [p, o] : wm) r.watermark[p] = o.next_offset();
  ASSIGN_OR_RETURN(r.live_digest, live->Digest());
  ReplayOptions ro;
  ro.kafka = kafka;
  ro.db = scratch_db;
  ro.until = r.watermark;
  // Partitions the live views never applied stop at 0.
  ASSIGN_OR_RETURN(int32_t partitions, live->PartitionCount());
  for (int32_t p = 0; p < partitions; ++p) ro.until.emplace(p, 0);
  ASSIGN_OR_RETURN(ReplaySummary replayed, Replay(ro));
  r.replay_digest = replayed.digest;
  r.match = r.live_digest == r.replay_digest;
  if (!r.match) {
    ASSIGN_OR_RETURN(auto scratch, views::ViewStore::OpenReadOnly(scratch_db));
    ASSIGN_OR_RETURN(r.difference, views::ViewStore::FirstDifference(*live, *scratch));
  }
  return r;
}

std::string DescribeRecord(const std::string& key, const std::optional<std::string>& value) {
  if (!value) return "(absent)";
  // key = p<ppp>/<kind>/… or a global key.
  const size_t slash = key.find('/');
  const char kind = slash != std::string::npos && slash + 1 < key.size() ? key[slash + 1] : '?';
  std::unique_ptr<google::protobuf::Message> m;
  if (absl::StartsWith(key.substr(slash + 1), "~offset")) {
    m = std::make_unique<v1::PartitionOffset>();
  } else if (key[0] == 'p') {
    switch (kind) {
      case 'b': m = std::make_unique<v1::DayBucket>(); break;
      case 'l': m = std::make_unique<v1::TimelineEntry>(); break;
      case 't': m = std::make_unique<v1::TeamState>(); break;
      case 'f': m = std::make_unique<v1::FlowBucket>(); break;
      case 'h': m = std::make_unique<v1::HistoryEntry>(); break;
      case 's': m = std::make_unique<v1::StoryIndex>(); break;
      default: break;  // e/, k/, r/ hold plain strings
    }
  }
  if (m && m->ParseFromString(*value)) return m->ShortDebugString();
  if (m) return absl::StrCat("(undecodable ", m->GetTypeName(), ": ", value->size(), " bytes)");
  return absl::StrCat("\"", absl::CHexEscape(*value), "\"");
}

}  // namespace talentflow::ctl

namespace talentflow::ctl {
namespace {

int Fail(const absl::Status& s, std::ostream& err) { return ReportError(s, err); }

}  // namespace

int RunReplay(const ReplayOptions& options, std::ostream& out, std::ostream& err) {
  auto s = Replay(options);
  if (!s.ok()) return Fail(s.status(), err);
  out << s->ToString() << std::endl;
  return 0;
}

int RunDigest(const std::string& db, std::ostream& out, std::ostream& err) {
  if (absl::Status s = CheckViewDb(db); !s.ok()) return Fail(s, err);
  char tmpl[] = "/tmp/talentflow-digest-secondary.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Fail(absl::InternalError("cannot create a temporary directory"), err);
  absl::Cleanup remove = [&] { std::filesystem::remove_all(tmpl); };
  // A secondary instance reads a DB that a running projector holds open.
  auto store = views::ViewStore::OpenSecondary(db, tmpl);
  if (!store.ok()) return Fail(store.status(), err);
  if (auto c = (*store)->CatchUp(); !c.ok()) return Fail(c, err);
  auto digest = (*store)->Digest();
  if (!digest.ok()) return Fail(digest.status(), err);
  out << *digest << std::endl;
  return 0;
}

int RunVerify(const KafkaOptions& kafka, const std::string& live_db, std::ostream& out, std::ostream& err) {
  if (absl::Status s = CheckViewDb(live_db); !s.ok()) return Fail(s, err);
  char tmpl[] = "/tmp/talentflow-verify.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Fail(absl::InternalError("cannot create a temporary directory"), err);
  absl::Cleanup remove = [&] { std::filesystem::remove_all(tmpl); };
  auto r = Verify(kafka, live_db, std::string(tmpl) + "/replay");
  if (!r.ok()) return Fail(r.status(), err);
  std::string watermark;
  for (const auto& [p, o] : r->watermark) absl::StrAppend(&watermark, watermark.empty() ? "" : ",", p, ":", o);
  out << "live views:   " << r->live_digest << "\nreplayed log: " << r->replay_digest << "  (up to offsets "
      << watermark << ")\n";
  if (r->match) {
    out << "match: the live views are what the log implies" << std::endl;
    return 0;
  }
  out << "MISMATCH";
  if (r->difference) {
    out << " at key " << r->difference->key << "\n  live:     " << DescribeRecord(r->difference->key, r->difference->a)
        << "\n  replayed: " << DescribeRecord(r->difference->key, r->difference->b);
  }
  out << std::endl;
  return kExitMismatch;
}

int RunSnapshot(ReplayOptions options, absl::Time known_at, std::ostream& out, std::ostream& err) {
  auto offsets = OffsetsKnownAt(options.kafka, known_at);
  if (!offsets.ok()) return Fail(offsets.status(), err);
  options.until = *offsets;
  std::string until;
  for (const auto& [p, o] : *offsets) absl::StrAppend(&until, until.empty() ? "" : ",", p, ":", o);
  out << "known at " << absl::FormatTime(absl::RFC3339_full, known_at, absl::UTCTimeZone()) << ": offsets " << until
      << std::endl;
  return RunReplay(options, out, err);
}

}  // namespace talentflow::ctl
