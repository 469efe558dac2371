#include "views/fold.h"

#include "absl/strings/str_cat.h"
#include "common/base/time_util.h"
#include "views/keys.h"
#include "views/story.h"

namespace talentflow::views {
namespace {

constexpr int kSeniorities = 7;        // Seniority enum values
constexpr int kDestinationKinds = 6;   // DestinationKind enum values

template <typename Message>
std::optional<Message> Load(ViewState& state, const std::string& key) {
  std::optional<std::string> bytes = state.Get(key);
  if (!bytes) return std::nullopt;
  Message m;
  if (!m.ParseFromString(*bytes)) return std::nullopt;  // our own records: cannot happen short of corruption
  return m;
}

void Store(ViewState& state, const std::string& key, const google::protobuf::Message& m) {
  state.Put(key, m.SerializeAsString());
}

bool IsEmpty(const v1::DayBucket& b) {
  if (b.hires() || b.departures() || b.transfers_in() || b.transfers_out() || b.regretted_departures() || b.events()) {
    return false;
  }
  for (int64_t v : b.departures_by_seniority()) if (v) return false;
  for (int64_t v : b.departures_by_destination_kind()) if (v) return false;
  return true;
}

void AddMover(ViewState& state, const std::string& key, const v1::Event& e) {
  v1::FlowBucket flow = Load<v1::FlowBucket>(state, key).value_or(v1::FlowBucket());
  auto* m = flow.add_movers();
  m->set_person_id(e.person().id());
  m->set_name(e.person().name());
  m->set_seniority(e.person().seniority());
  m->set_event_id(e.event_id());
  Store(state, key, flow);
}

void RemoveMover(ViewState& state, const std::string& key, const std::string& event_id) {
  std::optional<v1::FlowBucket> flow = Load<v1::FlowBucket>(state, key);
  if (!flow) return;
  auto* movers = flow->mutable_movers();
  for (int i = 0; i < movers->size(); ++i) {
    if (movers->Get(i).event_id() == event_id) {
      movers->DeleteSubrange(i, 1);
      break;
    }
  }
  if (movers->empty()) {
    state.Delete(key);
  } else {
    Store(state, key, *flow);
  }
}

// Adds (sign = +1) or removes (sign = -1) the effect of an applied event.
void Effect(const v1::Event& e, int64_t offset, int sign, ViewState& state) {
  const int64_t day = DayOf(e.effective_time());
  const std::string bucket_key = keys::Bucket(e.org(), e.team(), day);
  v1::DayBucket bucket = Load<v1::DayBucket>(state, bucket_key).value_or(v1::DayBucket());
  while (bucket.departures_by_seniority_size() < kSeniorities) bucket.add_departures_by_seniority(0);
  while (bucket.departures_by_destination_kind_size() < kDestinationKinds) bucket.add_departures_by_destination_kind(0);
  bucket.set_events(bucket.events() + sign);

  auto timeline = [&](auto setter) {
    const std::string key = keys::Timeline(e.org(), e.team(), day, offset);
    if (sign < 0) {
      state.Delete(key);
      return;
    }
    v1::TimelineEntry entry;
    entry.set_event_id(e.event_id());
    entry.set_effective_day(day);
    setter(entry);
    Store(state, key, entry);
  };

  switch (e.payload_case()) {
    case v1::Event::kHire:
      bucket.set_hires(bucket.hires() + sign);
      if (!e.hire().from_org().empty()) {
        const std::string key = keys::Flow(e.hire().from_org(), e.org(), day, e.team());
        sign > 0 ? AddMover(state, key, e) : RemoveMover(state, key, e.event_id());
      }
      break;
    case v1::Event::kDeparture: {
      const auto& d = e.departure();
      bucket.set_departures(bucket.departures() + sign);
      const int seniority = e.person().seniority();
      if (seniority >= 0 && seniority < kSeniorities) {
        bucket.set_departures_by_seniority(seniority, bucket.departures_by_seniority(seniority) + sign);
      }
      const int kind = d.destination_kind();
      if (kind >= 0 && kind < kDestinationKinds) {
        bucket.set_departures_by_destination_kind(kind, bucket.departures_by_destination_kind(kind) + sign);
      }
      if (d.regretted()) bucket.set_regretted_departures(bucket.regretted_departures() + sign);
      if (!d.destination_org().empty()) {
        const std::string key = keys::Flow(e.org(), d.destination_org(), day, e.team());
        sign > 0 ? AddMover(state, key, e) : RemoveMover(state, key, e.event_id());
      }
      break;
    }
    case v1::Event::kTransferIn:
      bucket.set_transfers_in(bucket.transfers_in() + sign);
      break;
    case v1::Event::kTransferOut:
      bucket.set_transfers_out(bucket.transfers_out() + sign);
      break;
    case v1::Event::kReprioritisation:
      timeline([&](v1::TimelineEntry& t) { *t.mutable_reprioritisation() = e.reprioritisation(); });
      break;
    case v1::Event::kBudgetChange:
      timeline([&](v1::TimelineEntry& t) { *t.mutable_budget_change() = e.budget_change(); });
      break;
    case v1::Event::kComputeReallocation:
      timeline([&](v1::TimelineEntry& t) { *t.mutable_compute_reallocation() = e.compute_reallocation(); });
      break;
    case v1::Event::kRetentionAction:
      timeline([&](v1::TimelineEntry& t) { *t.mutable_retention_action() = e.retention_action(); });
      break;
    case v1::Event::kTeamChange:
      timeline([&](v1::TimelineEntry& t) { *t.mutable_team_change() = e.team_change(); });
      break;
    case v1::Event::kHeadcountReport:
      timeline([&](v1::TimelineEntry& t) { *t.mutable_headcount_report() = e.headcount_report(); });
      break;
    case v1::Event::kRetraction:
    case v1::Event::PAYLOAD_NOT_SET:
      break;
  }
  if (IsEmpty(bucket)) {
    state.Delete(bucket_key);
  } else {
    Store(state, bucket_key, bucket);
  }
}

absl::Status CheckApplicable(const v1::Event& e) {
  if (e.event_id().empty()) return absl::InvalidArgumentError("eventId: required");
  if (e.idempotency_key().empty()) return absl::InvalidArgumentError("idempotencyKey: required");
  if (e.org().empty() || e.org().find('/') != std::string::npos) return absl::InvalidArgumentError("org: not a slug");
  if (e.team().empty() || e.team().find('/') != std::string::npos) return absl::InvalidArgumentError("team: not a slug");
  if (!e.has_effective_time()) return absl::InvalidArgumentError("effectiveTime: required");
  if (e.payload_case() == v1::Event::PAYLOAD_NOT_SET) return absl::InvalidArgumentError("payload: required");
  if (e.has_retraction() && e.retraction().target_event_id().empty()) {
    return absl::InvalidArgumentError("retraction.targetEventId: required");
  }
  return absl::OkStatus();
}

// Removes the story whose applied event is `applied` from its StoryIndex (none when not a move).
void ForgetStory(ViewState& state, const v1::Event& applied) {
  const std::optional<std::string> key = StoryIndexKey(applied);
  if (!key) return;
  std::optional<v1::StoryIndex> index = Load<v1::StoryIndex>(state, *key);
  if (!index) return;
  auto* stories = index->mutable_stories();
  for (int i = 0; i < stories->size(); ++i) {
    if (stories->Get(i).event_id() == applied.event_id()) {
      stories->DeleteSubrange(i, 1);
      break;
    }
  }
  if (stories->empty()) {
    state.Delete(*key);
  } else {
    Store(state, *key, *index);
  }
}

// The event a duplicate of the event recorded at `history_key` repeats: that event when it was
// applied (or since retracted), the event it repeats when it is itself a duplicate; empty else.
std::string StoryOf(ViewState& state, const std::string& history_key) {
  std::optional<v1::HistoryEntry> entry = Load<v1::HistoryEntry>(state, history_key);
  if (!entry) return "";
  switch (entry->status()) {
    case v1::EVENT_STATUS_APPLIED:
    case v1::EVENT_STATUS_RETRACTED:
      return entry->event().event_id();
    case v1::EVENT_STATUS_DUPLICATE:
      return entry->duplicate_of();
    default:
      return "";
  }
}

// Marks the applied event recorded at `target_history_key` as retracted by `retraction` and undoes it.
void Retract(ViewState& state, const std::string& target_history_key, v1::HistoryEntry& target,
             const v1::Event& retraction, v1::TeamState& team) {
  Effect(target.event(), target.offset(), -1, state);
  state.Delete(keys::Dedupe(target.event().idempotency_key()));  // a corrected event may reuse the key
  ForgetStory(state, target.event());  // and a corrected report of the move applies anew
  target.set_status(v1::EVENT_STATUS_RETRACTED);
  target.set_note(absl::StrCat("retracted by ", retraction.event_id(), ": ", retraction.retraction().reason()));
  Store(state, target_history_key, target);
  team.set_retracted(team.retracted() + 1);
}

// A retraction that waited for `event_id`, which arrived but is not an applied event: the
// retraction becomes a no-op.
void ResolvePendingAsNoop(ViewState& state, const std::string& event_id, v1::EventStatus arrived_as) {
  const std::string pending_key = keys::PendingRetraction(event_id);
  std::optional<std::string> retraction_key = state.Get(pending_key);
  if (!retraction_key) return;
  state.Delete(pending_key);
  if (std::optional<v1::HistoryEntry> retraction = Load<v1::HistoryEntry>(state, *retraction_key); retraction) {
    retraction->set_status(v1::EVENT_STATUS_RETRACTION_NOOP);
    retraction->set_note(absl::StrCat("target ", event_id, " is ", v1::EventStatus_Name(arrived_as),
                                      "; nothing to undo"));
    Store(state, *retraction_key, *retraction);
  }
}

}  // namespace

absl::StatusOr<Outcome> Apply(const v1::Event& event, const RecordMeta& meta, ViewState& state) {
  if (absl::Status s = CheckApplicable(event); !s.ok()) return s;

  const std::string team_key = keys::Team(event.org(), event.team());
  v1::TeamState team = Load<v1::TeamState>(state, team_key).value_or(v1::TeamState());
  if (team.org().empty()) {
    team.set_org(event.org());
    team.set_team(event.team());
  }
  team.set_events(team.events() + 1);
  team.set_last_offset(meta.offset);

  v1::HistoryEntry history;
  *history.mutable_event() = event;
  history.set_partition(meta.partition);
  history.set_offset(meta.offset);
  const std::string history_key = keys::History(event.org(), event.team(), meta.offset);
  const std::string index_key = keys::EventIndex(event.event_id());
  Outcome outcome;
  // The move's stories of its kind and period, and the one this report tells, if any.
  const std::optional<std::string> story_key = StoryIndexKey(event);
  v1::StoryIndex stories;
  if (story_key) stories = Load<v1::StoryIndex>(state, *story_key).value_or(v1::StoryIndex());
  v1::StoryIndex::Story* story = story_key ? FindStory(stories, event) : nullptr;

  if (event.has_retraction()) {
    const std::string& target_id = event.retraction().target_event_id();
    std::optional<std::string> target_key = state.Get(keys::EventIndex(target_id));
    std::optional<v1::HistoryEntry> target;
    if (target_key) target = Load<v1::HistoryEntry>(state, *target_key);
    if (!target && state.Get(keys::PendingRetraction(target_id))) {
      history.set_status(v1::EVENT_STATUS_RETRACTION_NOOP);
      history.set_note(absl::StrCat("target ", target_id, " already has a retraction pending"));
      outcome = Outcome::kRetractionNoop;
    } else if (!target) {
      state.Put(keys::PendingRetraction(target_id), history_key);
      history.set_status(v1::EVENT_STATUS_RETRACTION_PENDING);
      history.set_note(absl::StrCat("target ", target_id, " not seen yet; retracted when it arrives"));
      outcome = Outcome::kRetractionPending;
    } else if (target->status() == v1::EVENT_STATUS_APPLIED) {
      Retract(state, *target_key, *target, event, team);
      history.set_status(v1::EVENT_STATUS_RETRACTION_APPLIED);
      outcome = Outcome::kRetractionApplied;
    } else {
      history.set_status(v1::EVENT_STATUS_RETRACTION_NOOP);
      history.set_note(absl::StrCat("target ", target_id, " is ", v1::EventStatus_Name(target->status()),
                                    "; nothing to undo"));
      outcome = Outcome::kRetractionNoop;
    }
    if (!state.Get(index_key)) state.Put(index_key, history_key);
    ResolvePendingAsNoop(state, event.event_id(), history.status());
  } else if (std::optional<std::string> seen = state.Get(keys::Dedupe(event.idempotency_key())); seen) {
    history.set_status(v1::EVENT_STATUS_DUPLICATE);
    history.set_duplicate_of(*seen);
    history.set_note(absl::StrCat("duplicate of ", *seen, ": same idempotency key"));
    team.set_duplicates(team.duplicates() + 1);
    if (!state.Get(index_key)) state.Put(index_key, history_key);
    ResolvePendingAsNoop(state, event.event_id(), v1::EVENT_STATUS_DUPLICATE);
    outcome = Outcome::kDuplicate;
  } else if (std::optional<std::string> recorded = state.Get(index_key); recorded) {
    history.set_status(v1::EVENT_STATUS_DUPLICATE);
    history.set_duplicate_of(StoryOf(state, *recorded));
    history.set_note(absl::StrCat("event id ", event.event_id(), " already recorded"));
    team.set_duplicates(team.duplicates() + 1);
    outcome = Outcome::kDuplicate;
  } else if (story != nullptr) {
    history.set_status(v1::EVENT_STATUS_DUPLICATE);
    history.set_duplicate_of(story->event_id());
    history.set_note(absl::StrCat("duplicate of ", story->event_id(), ": ", SameStoryReason(event)));
    JoinStory(*story, event);
    Store(state, *story_key, stories);
    team.set_duplicates(team.duplicates() + 1);
    state.Put(index_key, history_key);
    ResolvePendingAsNoop(state, event.event_id(), v1::EVENT_STATUS_DUPLICATE);
    outcome = Outcome::kDuplicate;
  } else {
    Effect(event, meta.offset, +1, state);
    state.Put(keys::Dedupe(event.idempotency_key()), event.event_id());
    if (story_key) {
      v1::StoryIndex::Story* added = stories.add_stories();
      added->set_event_id(event.event_id());
      JoinStory(*added, event);
      Store(state, *story_key, stories);
    }
    state.Put(index_key, history_key);
    history.set_status(v1::EVENT_STATUS_APPLIED);
    team.set_applied(team.applied() + 1);
    const int64_t day = DayOf(event.effective_time());
    if (team.applied() == 1 || day < team.first_effective_day()) team.set_first_effective_day(day);
    if (team.applied() == 1 || day > team.last_effective_day()) team.set_last_effective_day(day);
    outcome = Outcome::kApplied;

    // A retraction that arrived first: retract now.
    const std::string pending_key = keys::PendingRetraction(event.event_id());
    if (std::optional<std::string> retraction_key = state.Get(pending_key); retraction_key) {
      std::optional<v1::HistoryEntry> retraction = Load<v1::HistoryEntry>(state, *retraction_key);
      state.Delete(pending_key);
      if (retraction) {
        Retract(state, history_key, history, retraction->event(), team);
        retraction->set_status(v1::EVENT_STATUS_RETRACTION_APPLIED);
        retraction->clear_note();
        Store(state, *retraction_key, *retraction);
      }
    }
  }
  Store(state, history_key, history);
  Store(state, team_key, team);
  return outcome;
}

}  // namespace talentflow::views
