// HttpGateway is talentflow.v1.QueryService over HTTP/JSON in the Connect protocol
// (connectrpc.com/docs/protocol), on the query service's HTTP port, plus the web dashboard's
// static files. It is a client of the running gRPC server (its in-process channel): every call
// goes through the same service code, token and role checks (rpc::Serve), in-flight limit and
// name-resolving interceptor as a gRPC call. It implements no method itself.
//
// Unary methods: POST /talentflow.v1.QueryService/<Method>, Content-Type application/json, the
// body the proto3 JSON of the request ("" = the empty request; unknown fields are an error), the
// answer the proto3 JSON of the response with every field, defaults included (lowerCamelCase
// names, int64 as strings, enums by name). Errors: Connect's JSON error
// {"code":"not_found","message":"…"} with the code's HTTP status (connect_protocol.h).
// Server streams (WatchTeamHealth): Content-Type application/connect+json, the request and each
// answer one enveloped JSON message, the last envelope the end of stream ({} or {"error":{…}});
// HTTP 200 even for errors, as the protocol says. A stream holds an in-flight slot (as on gRPC)
// until it ends: when the client goes away (its connection closes) or the gateway stops.
// Headers: "Authorization: Bearer <token>" is passed on as gRPC's `authorization` metadata;
// Connect-Timeout-Ms becomes the call's deadline; Connect-Protocol-Version is accepted, not required.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace httplib { class Server; struct Request; struct Response; }

namespace talentflow::query {

// The host and port of an HTTP listen address: "HOST:PORT", "[v6-address]:PORT". InvalidArgument
// naming `flag` otherwise. Example: ParseHostPort("[::1]:7413", "--http-listen") -> {"::1", 7413}.
absl::StatusOr<std::pair<std::string, int>> ParseHostPort(absl::string_view listen, absl::string_view flag);

struct HttpGatewayOptions {
  // The web dashboard's built folder, served on GET: its files, and index.html for any other path
  // (the page's own routes). A folder that does not exist: GET / answers a note saying the page was
  // not built and how to build it. Default: none (the note).
  std::string web_dir;
};

class HttpGateway {
 public:
  // Calls the service through `channel` (grpc::Server::InProcessChannel of the server that runs
  // QueryServiceImpl).
  HttpGateway(std::shared_ptr<grpc::Channel> channel, HttpGatewayOptions options);
  // Stops (see Stop).
  ~HttpGateway();

  // Adds the routes to `server`: POST of every path (the API), GET of every path not taken by an
  // earlier route (the dashboard). REQUIRES: before `server` listens. `server` must not outlive
  // the gateway unless stopped.
  void Register(httplib::Server& server);

  // Ends every open stream (its client gets the end of stream with `unavailable`) and refuses new
  // ones. Returns at once, having cancelled the streams' calls; each stream then ends as soon as its
  // pending read returns. Call before the HTTP server stops (its stop waits for streams).
  // Idempotent; thread-safe.
  void Stop();

 private:
  struct Stream;
  void Unary(const httplib::Request& req, httplib::Response& res);
  void Static(const httplib::Request& req, httplib::Response& res);

  grpc::GenericStub stub_;
  HttpGatewayOptions options_;
  std::mutex mu_;
  bool stopped_ = false;             // guarded by mu_
  std::set<grpc::ClientContext*> streams_;  // guarded by mu_: contexts of the open streams
};

}  // namespace talentflow::query
