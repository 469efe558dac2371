// Router decides where a read is answered when several instances share the partitions: from
// this instance's DB for the partitions it serves, else one hop to the owner's query service,
// which answers from its own DB only (a forwarded call is marked, so it never travels further).
// The owner gets the caller's deadline and bearer token. Who serves what comes from Membership.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <set>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "query/membership.h"
#include "talentflow/v1/query.grpc.pb.h"

namespace talentflow::query {

class Router {
 public:
  // Does not own `membership`. `self` is this instance's id (the projector's --instance-id);
  // `peer_credentials` dial the other instances' query services.
  Router(Membership* membership, std::string self, std::shared_ptr<grpc::ChannelCredentials> peer_credentials)
      : membership_(membership), self_(std::move(self)), peer_credentials_(std::move(peer_credentials)) {}

  // Where a set of partitions is answered: by one instance, from its DB.
  struct Target {
    std::string instance_id;
    std::string address;
    bool local = false;  // this instance
    std::set<int32_t> partitions;
  };
  // Which copy answers for a partition, for a read accepting `max_lag` records of lag (0: owners
  // only): this instance's own copy within the bound, else the serving owner's, else the least
  // lagging copy within the bound.
  //
  // The partition holding `org`/`team` and where it is answered. Unavailable when nobody can.
  // Until `wait_until` (read-your-writes: a request with min_offsets waits for its partitions to be
  // served, as it waits for its records), an Unavailable answer is asked again whenever the
  // ownership changes, at least every 250 ms; the default does not wait.
  absl::StatusOr<Target> OwnerOfTeam(const std::string& org, const std::string& team, int64_t max_lag = 0,
                                     absl::Time wait_until = absl::InfinitePast()) const;
  // Every partition grouped by the instance answering for it. Unavailable naming the partitions
  // nobody can answer for: an answer without them would look complete and not be.
  absl::StatusOr<std::vector<Target>> OwnersOfAll(int64_t max_lag = 0,
                                                 absl::Time wait_until = absl::InfinitePast()) const;
  // The partitions this instance answers for now: those it serves as owner, and with max_lag its
  // copies within the bound.
  std::set<int32_t> LocalPartitions(int64_t max_lag = 0) const;
  // The partition of `org`/`team` (Unavailable while the partition count is unknown).
  absl::StatusOr<int32_t> PartitionOf(const std::string& org, const std::string& team) const;
  // The applied offset of every partition being served (what a gather may wait for).
  std::map<int32_t, int64_t> ServedOffsets() const;

  const std::string& self() const { return self_; }
  // Calls forwarded to other instances so far (for /metrics).
  int64_t forwarded() const { return forwarded_.load(); }
  Membership& membership() const { return *membership_; }

  // The stub of the query service at `address` (one channel per address, kept).
  v1::QueryService::Stub& Stub(const std::string& address);
  // A context for forwarding the call `ctx` to answer for `partitions`: its deadline, its
  // authorization metadata, and the forwarded mark naming the partitions.
  std::unique_ptr<grpc::ClientContext> ForwardContext(const grpc::ServerContext& ctx,
                                                      const std::set<int32_t>& partitions) const;
  // True for a call another instance forwarded: answer from the local DB only.
  static bool IsForwarded(const grpc::ServerContext& ctx);
  // The partitions a forwarded call must answer for: those it names, if this instance answers
  // for all of them (with `max_lag`); Unavailable naming the others. InvalidArgument for a bad mark.
  absl::StatusOr<std::set<int32_t>> ForwardedScope(const grpc::ServerContext& ctx, int64_t max_lag) const;

 private:
  // Calls `answer` until it is not Unavailable or `wait_until` passes (see OwnerOfTeam).
  template <typename T>
  absl::StatusOr<T> Await(absl::Time wait_until, const std::function<absl::StatusOr<T>()>& answer) const;
  static absl::Status NotAnnounced();
  static absl::Status NobodyServes(const std::set<int32_t>& partitions, const Ownership& ownership, int64_t max_lag);
  // Where `p` is answered (instance id, address), or nullopt.
  std::optional<std::pair<std::string, std::string>> Choose(const Ownership& o, int32_t p, int64_t max_lag) const;
  Membership* membership_;
  std::string self_;
  std::shared_ptr<grpc::ChannelCredentials> peer_credentials_;
  mutable std::atomic<int64_t> forwarded_{0};
  std::mutex mu_;  // guards stubs_
  std::map<std::string, std::unique_ptr<v1::QueryService::Stub>> stubs_;
};

}  // namespace talentflow::query
