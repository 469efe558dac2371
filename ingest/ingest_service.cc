#include "ingest/ingest_service.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

#include "common/base/status.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/serve.h"

namespace talentflow::ingest {
namespace {

// The client's deadline; InfiniteFuture when it set none.
absl::Time DeadlineOf(const grpc::ServerContextBase& context) {
  const auto d = context.deadline();
  return d == std::chrono::system_clock::time_point::max() ? absl::InfiniteFuture() : absl::FromChrono(d);
}

// A call's response on a protobuf arena (the response is thousands of small messages and strings:
// one EventResult per event, a RecordRef per record), freed at once with the request when gRPC
// releases the call. The request stays on the heap: Publisher moves its events out, and moving a
// message off an arena copies it.
class ArenaHolder final : public grpc::MessageHolder<v1::PublishRequest, v1::PublishResponse> {
 public:
  ArenaHolder() : arena_(Options()) {
    set_request(&request_);
    set_response(google::protobuf::Arena::CreateMessage<v1::PublishResponse>(&arena_));
  }
  void Release() override { delete this; }

 private:
  static google::protobuf::ArenaOptions Options() {
    google::protobuf::ArenaOptions o;
    o.start_block_size = 64 * 1024;  // a 500-event response takes about 200 KiB
    o.max_block_size = 1024 * 1024;
    return o;
  }
  v1::PublishRequest request_;
  google::protobuf::Arena arena_;
};

// One Publish call from admission to answer. Answered exactly once: by the last delivery report
// (on the sink's thread) or by gRPC's cancellation (the client's deadline or cancel).
struct PublishCall {
  PublishCall(grpc::ServerUnaryReactor* r, v1::PublishResponse* resp, absl::Time d, auth::CallGate::Admission a)
      : reactor(r), response(resp), deadline(d), admission(std::move(a)) {}

  // Called by the triggers (the last delivery report, the client's cancel): answers the call, or,
  // while the handler is still setting it up, leaves that to Ready.
  void Answer() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!ready) {
        wanted = true;
        return;
      }
    }
    AnswerNow();
  }
  // Called by the handler once the session and every trigger are in place: from here on a trigger
  // answers at once, and one that came meanwhile is answered now.
  void Ready() {
    {
      std::lock_guard<std::mutex> lock(mu);
      ready = true;
      if (!wanted) return;
    }
    AnswerNow();
  }

  grpc::ServerUnaryReactor* const reactor;
  v1::PublishResponse* const response;
  const absl::Time deadline;
  std::optional<auth::CallGate::Admission> admission;
  std::unique_ptr<PublishSession> session;

 private:
  void AnswerNow() {
    if (answered.exchange(true)) return;
    session->Drain(absl::Now());  // resolved by now, or cancelled: the unresolved are NOT_DELIVERED
    session.reset();
    admission.reset();  // the slot is free once the call is answered
    // The client sees DEADLINE_EXCEEDED (never ACCEPTED for a record the broker has not
    // acknowledged) and may republish: the idempotency keys make a record that lands after all count once.
    reactor->Finish(response->not_delivered() > 0 && absl::Now() >= deadline
                        ? grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                                       "the broker did not acknowledge every record in time")
                        : grpc::Status::OK);
  }

  std::mutex mu;  // guards ready and wanted
  bool ready = false, wanted = false;
  std::atomic<bool> answered{false};
};

class PublishReactor final : public grpc::ServerUnaryReactor {
 public:
  // Hands over the call once its records are submitted; asks it to answer when the client
  // cancelled meanwhile (gRPC may run OnCancel on another thread while the handler runs).
  void SetCall(std::shared_ptr<PublishCall> call) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      call_ = call;
      if (!cancelled_) return;
    }
    call->Answer();
  }

 private:
  void OnCancel() override {
    std::shared_ptr<PublishCall> call;
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
      call = call_;
    }
    if (call) call->Answer();
  }
  void OnDone() override { delete this; }

  std::mutex mu_;  // guards call_ and cancelled_
  std::shared_ptr<PublishCall> call_;  // null for a call refused before it was set up
  bool cancelled_ = false;
};

}  // namespace

grpc::MessageHolder<v1::PublishRequest, v1::PublishResponse>* IngestServiceImpl::ArenaAllocator::AllocateMessages() {
  return new ArenaHolder();
}

grpc::ServerUnaryReactor* IngestServiceImpl::Publish(grpc::CallbackServerContext* context,
                                                     const v1::PublishRequest* request,
                                                     v1::PublishResponse* response) {
  auto* reactor = new PublishReactor();
  // Not admitted, or a batch too large: nothing is written.
  absl::StatusOr<auth::CallGate::Admission> admitted = gate_->Admit(*context, auth::Role::kPublisher);
  absl::Status checked = admitted.ok() ? publisher_->CheckBatch(*request) : admitted.status();
  if (!checked.ok()) {
    reactor->Finish(ToGrpc(checked));
    return reactor;
  }
  const std::string principal = admitted->principal();
  auto call = std::make_shared<PublishCall>(reactor, response, DeadlineOf(*context), *std::move(admitted));
  // A full producer queue answers the records without room at once (NOT_DELIVERED, "publish again
  // later") instead of sleeping on a thread every callback method shares. The admission limits do not
  // rule it out: 64 calls (the default --max-in-flight) of 1,000 transfers make 128,000 records against
  // the queue's 100,000, and the records of a call answered at its deadline stay queued after it.
  call->session = std::make_unique<PublishSession>(
      *publisher_, PublishSessionOptions{
                       .response = response, .dry_run = request->dry_run(), .refuse_when_queue_full = true});
  // The request is this call's own message (ArenaHolder's), created non-const: moving its events
  // out instead of copying them is sound (docs/PERFORMANCE.md, session 4).
  publisher_->Submit(*const_cast<v1::PublishRequest*>(request), principal, *call->session);
  // Handlers must not block: the call is answered when its records are reported (or cancelled).
  reactor->SetCall(call);
  call->session->OnResolved([call] { call->Answer(); });
  call->Ready();
  return reactor;
}

grpc::Status IngestServiceImpl::PublishStream(
    grpc::ServerContext* context, grpc::ServerReaderWriter<v1::PublishResponse, v1::PublishRequest>* stream) {
  // Admitted for the stream's life.
  return rpc::Serve(*gate_, *context, auth::Role::kPublisher, [&](const std::string& principal) -> absl::Status {
    v1::PublishRequest request;
    while (stream->Read(&request)) {
      RETURN_IF_ERROR(publisher_->CheckBatch(request));
      if (!stream->Write(publisher_->Publish(request, principal, DeadlineOf(*context)))) {
        break;
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace talentflow::ingest
