#include "query/router.h"

#include "absl/strings/str_cat.h"
#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/base/record_key.h"

namespace talentflow::query {
namespace {

// A forwarded call: the instance that forwarded it, and the partitions it must answer for.
constexpr char kForwardedKey[] = "x-talentflow-forwarded-by";
constexpr char kPartitionsKey[] = "x-talentflow-partitions";

}  // namespace

absl::Status Router::NobodyServes(const std::set<int32_t>& partitions, const Ownership& ownership,
                                  int64_t max_lag) {
  std::vector<std::string> parts;
  for (int32_t p : partitions) {
    std::string why = "no live owner";
    if (auto r = ownership.rebuilding.find(p); r != ownership.rebuilding.end()) {
      why = absl::StrCat("instance ", r->second, " is rebuilding it");
    }
    if (auto c = ownership.replicas.find(p); max_lag > 0 && c != ownership.replicas.end() && !c->second.empty()) {
      absl::StrAppend(&why, "; the freshest copy is ", c->second.front().lag, " records behind (max_lag ", max_lag, ")");
    }
    parts.push_back(absl::StrCat(p, " (", why, ")"));
  }
  return absl::UnavailableError(absl::StrCat("no instance serves partition", partitions.size() > 1 ? "s " : " ",
                                             absl::StrJoin(parts, ", "),
                                             "; an answer without them would be incomplete; try again shortly",
                                             max_lag > 0 ? "" : ", or accept a standby copy with max_lag"));
}

std::optional<std::pair<std::string, std::string>> Router::Choose(const Ownership& o, int32_t p, int64_t max_lag) const {
  auto owner = o.serving.find(p);
  auto copies = o.replicas.find(p);
  auto within = [&](const Replica& r) { return max_lag > 0 && r.lag >= 0 && r.lag <= max_lag; };
  if (owner != o.serving.end() && owner->second.instance_id == self_) return std::make_pair(self_, owner->second.address);
  if (copies != o.replicas.end()) {
    for (const Replica& r : copies->second) {
      if (r.instance_id == self_ && within(r)) return std::make_pair(r.instance_id, r.address);
    }
  }
  if (owner != o.serving.end()) return std::make_pair(owner->second.instance_id, owner->second.address);
  if (copies != o.replicas.end() && !copies->second.empty() && within(copies->second.front())) {
    return std::make_pair(copies->second.front().instance_id, copies->second.front().address);
  }
  return std::nullopt;
}

absl::Status Router::NotAnnounced() {
  return absl::UnavailableError("no instance has announced itself yet: nobody serves any partition");
}

absl::StatusOr<int32_t> Router::PartitionOf(const std::string& org, const std::string& team) const {
  const int32_t n = membership_->Current().partition_count;
  if (n <= 0) return NotAnnounced();
  return KafkaPartitionFor(RecordKey(org, team), n);
}

template <typename T>
absl::StatusOr<T> Router::Await(absl::Time wait_until, const std::function<absl::StatusOr<T>()>& answer) const {
  while (true) {
    const uint64_t seen = membership_->version();
    absl::StatusOr<T> out = answer();
    const absl::Time now = absl::Now();
    if (!absl::IsUnavailable(out.status()) || now >= wait_until) return out;
    membership_->WaitForChange(seen, std::min(wait_until, now + absl::Milliseconds(250)));
  }
}

absl::StatusOr<Router::Target> Router::OwnerOfTeam(const std::string& org, const std::string& team, int64_t max_lag,
                                                   absl::Time wait_until) const {
  return Await<Target>(wait_until, [&]() -> absl::StatusOr<Target> {
    const Ownership o = membership_->Current();
    if (o.partition_count <= 0) return NotAnnounced();
    const int32_t p = KafkaPartitionFor(RecordKey(org, team), o.partition_count);
    auto chosen = Choose(o, p, max_lag);
    if (!chosen) return NobodyServes({p}, o, max_lag);
    return Target{chosen->first, chosen->second, chosen->first == self_, {p}};
  });
}

absl::StatusOr<std::vector<Router::Target>> Router::OwnersOfAll(int64_t max_lag, absl::Time wait_until) const {
  return Await<std::vector<Target>>(wait_until, [&]() -> absl::StatusOr<std::vector<Target>> {
    const Ownership o = membership_->Current();
    if (o.partition_count <= 0) return NotAnnounced();
    std::map<std::string, Target> by_instance;
    std::set<int32_t> missing;
    for (int32_t p = 0; p < o.partition_count; ++p) {
      auto chosen = Choose(o, p, max_lag);
      if (!chosen) {
        missing.insert(p);
        continue;
      }
      Target& t = by_instance[chosen->first];
      t.instance_id = chosen->first;
      t.address = chosen->second;
      t.local = t.instance_id == self_;
      t.partitions.insert(p);
    }
    if (!missing.empty()) return NobodyServes(missing, o, max_lag);
    std::vector<Target> out;
    for (auto& [id, t] : by_instance) out.push_back(std::move(t));
    return out;
  });
}

std::set<int32_t> Router::LocalPartitions(int64_t max_lag) const {
  const Ownership o = membership_->Current();
  std::set<int32_t> out;
  for (const auto& [p, owner] : o.serving) {
    if (owner.instance_id == self_) out.insert(p);
  }
  if (max_lag > 0) {
    for (const auto& [p, copies] : o.replicas) {
      for (const Replica& r : copies) {
        if (r.instance_id == self_ && r.lag >= 0 && r.lag <= max_lag) out.insert(p);
      }
    }
  }
  return out;
}

std::map<int32_t, int64_t> Router::ServedOffsets() const {
  std::map<int32_t, int64_t> out;
  for (const auto& [p, owner] : membership_->Current().serving) out[p] = owner.applied_offset;
  return out;
}

v1::QueryService::Stub& Router::Stub(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<v1::QueryService::Stub>& stub = stubs_[address];
  if (!stub) {
    // An owner's part of a gathered read (every move naming an org, for ListPeople and the
    // --corroborated counterparts) can pass gRPC's 4 MiB default; what a caller may get back is bounded
    // by the owner's DB, not by the request.
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    stub = v1::QueryService::NewStub(grpc::CreateCustomChannel(address, peer_credentials_, args));
  }
  return *stub;
}

std::unique_ptr<grpc::ClientContext> Router::ForwardContext(const grpc::ServerContext& ctx,
                                                            const std::set<int32_t>& partitions) const {
  forwarded_.fetch_add(1, std::memory_order_relaxed);
  auto out = std::make_unique<grpc::ClientContext>();
  if (ctx.deadline() != std::chrono::system_clock::time_point::max()) out->set_deadline(ctx.deadline());
  const auto& metadata = ctx.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    out->AddMetadata("authorization", std::string(it->second.data(), it->second.size()));
  }
  out->AddMetadata(kForwardedKey, self_);
  out->AddMetadata(kPartitionsKey, absl::StrJoin(partitions, ","));
  return out;
}

bool Router::IsForwarded(const grpc::ServerContext& ctx) { return ctx.client_metadata().contains(kForwardedKey); }

absl::StatusOr<std::set<int32_t>> Router::ForwardedScope(const grpc::ServerContext& ctx, int64_t max_lag) const {
  std::set<int32_t> wanted;
  auto it = ctx.client_metadata().find(kPartitionsKey);
  if (it != ctx.client_metadata().end()) {
    for (absl::string_view p : absl::StrSplit(absl::string_view(it->second.data(), it->second.size()), ',')) {
      int32_t n = 0;
      if (!absl::SimpleAtoi(p, &n)) {
        return absl::InvalidArgumentError(absl::StrCat(kPartitionsKey, ": not a list of partitions"));
      }
      wanted.insert(n);
    }
  }
  const std::set<int32_t> local = LocalPartitions(max_lag);
  std::vector<int32_t> missing;
  for (int32_t p : wanted) {
    if (!local.contains(p)) missing.push_back(p);
  }
  if (!missing.empty()) {
    return absl::UnavailableError(absl::StrCat("instance ", self_, " no longer answers for partition",
                                               missing.size() > 1 ? "s " : " ", absl::StrJoin(missing, ", "),
                                               "; try again"));
  }
  return wanted;
}

}  // namespace talentflow::query
