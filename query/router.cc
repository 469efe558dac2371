#include "query/router.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/record_key.h"

namespace talentflow::query {
namespace {

constexpr char kForwardedKey[] = "x-talentflow-forwarded-by";

}  // namespace

absl::Status Router::NobodyServes(const std::set<int32_t>& partitions, const Ownership& ownership) {
  std::vector<std::string> parts;
  for (int32_t p : partitions) {
    auto r = ownership.rebuilding.find(p);
    parts.push_back(r == ownership.rebuilding.end() ? absl::StrCat(p, " (no live owner)")
                                                    : absl::StrCat(p, " (instance ", r->second, " is rebuilding it)"));
  }
  return absl::UnavailableError(absl::StrCat("no instance serves partition", partitions.size() > 1 ? "s " : " ",
                                             absl::StrJoin(parts, ", "),
                                             "; an answer without them would be incomplete; try again shortly"));
}

absl::StatusOr<int32_t> Router::PartitionOf(const std::string& org, const std::string& team) const {
  const int32_t n = membership_->Current().partition_count;
  if (n <= 0) return absl::UnavailableError("no instance has announced itself yet: nobody serves any partition");
  return KafkaPartitionFor(RecordKey(org, team), n);
}

absl::StatusOr<Router::Target> Router::OwnerOfTeam(const std::string& org, const std::string& team) const {
  const Ownership o = membership_->Current();
  if (o.partition_count <= 0) return absl::UnavailableError("no instance has announced itself yet: nobody serves any partition");
  const int32_t p = KafkaPartitionFor(RecordKey(org, team), o.partition_count);
  auto it = o.serving.find(p);
  if (it == o.serving.end()) return NobodyServes({p}, o);
  return Target{it->second.instance_id, it->second.address, it->second.instance_id == self_, {p}};
}

absl::StatusOr<std::vector<Router::Target>> Router::OwnersOfAll() const {
  const Ownership o = membership_->Current();
  if (o.partition_count <= 0) return absl::UnavailableError("no instance has announced itself yet: nobody serves any partition");
  std::map<std::string, Target> by_instance;
  std::set<int32_t> missing;
  for (int32_t p = 0; p < o.partition_count; ++p) {
    auto it = o.serving.find(p);
    if (it == o.serving.end()) {
      missing.insert(p);
      continue;
    }
    Target& t = by_instance[it->second.instance_id];
    t.instance_id = it->second.instance_id;
    t.address = it->second.address;
    t.local = t.instance_id == self_;
    t.partitions.insert(p);
  }
  if (!missing.empty()) return NobodyServes(missing, o);
  std::vector<Target> out;
  for (auto& [id, t] : by_instance) out.push_back(std::move(t));
  return out;
}

std::set<int32_t> Router::LocalPartitions() const {
  std::set<int32_t> out;
  for (const auto& [p, owner] : membership_->Current().serving) {
    if (owner.instance_id == self_) out.insert(p);
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
  if (!stub) stub = v1::QueryService::NewStub(grpc::CreateChannel(address, peer_credentials_));
  return *stub;
}

std::unique_ptr<grpc::ClientContext> Router::ForwardContext(const grpc::ServerContext& ctx) const {
  auto out = std::make_unique<grpc::ClientContext>();
  if (ctx.deadline() != std::chrono::system_clock::time_point::max()) out->set_deadline(ctx.deadline());
  const auto& metadata = ctx.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    out->AddMetadata("authorization", std::string(it->second.data(), it->second.size()));
  }
  out->AddMetadata(kForwardedKey, self_);
  return out;
}

bool Router::IsForwarded(const grpc::ServerContext& ctx) { return ctx.client_metadata().contains(kForwardedKey); }

}  // namespace talentflow::query
