#include "query/http_gateway.h"

#include <dirent.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include <httplib.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/base/status.h"
#include "common/rpc/grpc_status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "query/connect_protocol.h"
#include "query/web_files.h"

namespace talentflow::query {
namespace {

namespace pb = google::protobuf;

constexpr char kService[] = "talentflow.v1.QueryService";
constexpr char kJson[] = "application/json";
constexpr char kConnectJson[] = "application/connect+json";
// How often a waiting stream looks whether its client left or the gateway stopped.
constexpr absl::Duration kStreamCheck = absl::Milliseconds(250);

void WriteError(httplib::Response& res, const absl::Status& status) {
  res.status = connect::ToErrorCode(status.code()).http_status;
  res.set_content(connect::ErrorJson(status), kJson);
}

// The media type of a Content-Type header, lower case, without parameters ("; charset=utf-8").
std::string MediaType(const httplib::Request& req) {
  std::string type = req.get_header_value("Content-Type");
  if (size_t semi = type.find(';'); semi != std::string::npos) type.resize(semi);
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(type));
}

// The method named by a POST path "/talentflow.v1.QueryService/<Method>"; Unimplemented naming
// what was asked for otherwise.
absl::StatusOr<const pb::MethodDescriptor*> FindMethod(absl::string_view path) {
  absl::string_view rest = path;
  absl::ConsumePrefix(&rest, "/");
  const size_t slash = rest.find('/');
  const absl::string_view service_name = rest.substr(0, slash);
  const pb::ServiceDescriptor* service = pb::DescriptorPool::generated_pool()->FindServiceByName(kService);
  if (service == nullptr || slash == absl::string_view::npos || service_name != kService) {
    return absl::UnimplementedError(absl::StrCat("no service at ", path, ": this server answers POST /", kService,
                                                 "/<Method>"));
  }
  const absl::string_view method_name = rest.substr(slash + 1);
  const pb::MethodDescriptor* method = service->FindMethodByName(std::string(method_name));
  if (method == nullptr) {
    std::string methods;
    for (int i = 0; i < service->method_count(); ++i) {
      absl::StrAppend(&methods, i == 0 ? "" : ", ", service->method(i)->name());
    }
    return absl::UnimplementedError(
        absl::StrCat("no method \"", method_name, "\" in ", kService, " (methods: ", methods, ")"));
  }
  return method;
}

// A new, empty message of `type` (the generated class, as the service uses).
std::unique_ptr<pb::Message> NewMessage(const pb::Descriptor* type) {
  return std::unique_ptr<pb::Message>(pb::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

// The request of `method` from its proto3 JSON ("" = the empty request).
absl::StatusOr<grpc::ByteBuffer> RequestFromJson(const pb::MethodDescriptor& method, const std::string& json) {
  std::unique_ptr<pb::Message> request = NewMessage(method.input_type());
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  if (!json.empty()) {
    const auto parsed = pb::util::JsonStringToMessage(json, request.get(), options);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("request body is not a ", method.input_type()->full_name(),
                                                     " in proto3 JSON: ", parsed.message().as_string()));
    }
  }
  const std::string bytes = request->SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// The proto3 JSON of a response of `type` in `buffer`, every field printed.
absl::StatusOr<std::string> ResponseToJson(const pb::Descriptor* type, const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return absl::InternalError("cannot read the service's answer");
  std::string bytes;
  for (const grpc::Slice& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  std::unique_ptr<pb::Message> response = NewMessage(type);
  if (!response->ParseFromString(bytes)) {
    return absl::InternalError(absl::StrCat("cannot decode the service's ", type->full_name()));
  }
  pb::util::JsonPrintOptions options;
  // Every field, zero values included: a curl user sees `"score": 0` rather than no score.
  // connect-es clients read either form.
  options.always_print_primitive_fields = true;
  std::string json;
  if (const auto printed = pb::util::MessageToJsonString(*response, &json, options); !printed.ok()) {
    return absl::InternalError(absl::StrCat("cannot print the answer as JSON: ", printed.message().as_string()));
  }
  return json;
}

// The call's context: the bearer token passed on and the Connect timeout as its deadline.
absl::Status PrepareContext(const httplib::Request& req, grpc::ClientContext* ctx) {
  ASSIGN_OR_RETURN(std::optional<absl::Duration> timeout,
                   connect::ParseTimeout(req.get_header_value("Connect-Timeout-Ms")));
  if (timeout) ctx->set_deadline(absl::ToChronoTime(absl::Now() + *timeout));
  if (req.has_header("Authorization")) ctx->AddMetadata("authorization", req.get_header_value("Authorization"));
  return absl::OkStatus();
}

// "host:port" of a socket address, numerically.
std::string SocketAddress(const sockaddr_storage& addr, socklen_t len) {
  char host[NI_MAXHOST];
  char port[NI_MAXSERV];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, port, sizeof port,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "";
  }
  return absl::StrCat(host, ":", port);
}

// The descriptor of the request's TCP connection, found by its two addresses (cpp-httplib does not
// hand it out), or -1. A stream watches it to notice a client that left: no message may go out
// while the watched teams do not change, so a failed write cannot tell.
int FindConnection(const httplib::Request& req) {
  const std::string local = absl::StrCat(req.local_addr, ":", req.local_port);
  const std::string remote = absl::StrCat(req.remote_addr, ":", req.remote_port);
  int found = -1;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  while (dirent* entry = readdir(dir)) {
    int fd = -1;
    if (!absl::SimpleAtoi(entry->d_name, &fd)) continue;
    sockaddr_storage a{};
    socklen_t alen = sizeof a;
    sockaddr_storage b{};
    socklen_t blen = sizeof b;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &alen) != 0) continue;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&b), &blen) != 0) continue;
    if (SocketAddress(a, alen) == local && SocketAddress(b, blen) == remote) {
      found = fd;
      break;
    }
  }
  closedir(dir);
  return found;
}

// True when the peer of `fd` closed its side (or the connection failed).
bool PeerLeft(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLRDHUP, 0};
  return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

constexpr char kNotBuilt[] =
    "<!doctype html><meta charset=utf-8><title>talentflow</title>\n"
    "<p>The web dashboard was not built, so there is no page to show here (the HTTP/JSON API under "
    "/talentflow.v1.QueryService/ works).</p>\n"
    "<p>Build it with <code>./deploy/build.sh</code>, or point <code>--web DIR</code> (env "
    "<code>TALENTFLOW_WEB_DIR</code>) at a built dashboard folder.</p>\n";

}  // namespace

// One server stream: the in-process call and the connection it answers on. Lives as long as the
// HTTP response's content provider.
struct HttpGateway::Stream {
  HttpGateway* gateway;
  const pb::MethodDescriptor* method;
  grpc::ByteBuffer request;
  int connection = -1;
  grpc::ClientContext ctx;
  grpc::CompletionQueue cq;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call;
  bool started = false;
  bool finished = false;
  bool client_left = false;
  bool stopped = false;  // the gateway stopped while the stream was open

  ~Stream() {
    if (started && !finished) {
      ctx.TryCancel();
      grpc::Status ignored;
      call->Finish(&ignored, this);
      Await();
    }
    if (started) {
      std::lock_guard<std::mutex> lock(gateway->mu_);
      gateway->streams_.erase(&ctx);
    }
    cq.Shutdown();
    void* tag;
    bool ok;
    while (cq.Next(&tag, &ok)) {
    }
  }

  // Waits for the one pending operation. Cancels the call when the client leaves meanwhile.
  bool Await() {
    void* tag;
    bool ok = false;
    while (true) {
      const auto deadline = absl::ToChronoTime(absl::Now() + kStreamCheck);
      const grpc::CompletionQueue::NextStatus next = cq.AsyncNext(&tag, &ok, deadline);
      if (next == grpc::CompletionQueue::GOT_EVENT) return ok;
      if (next == grpc::CompletionQueue::SHUTDOWN) return false;
      if (!client_left && PeerLeft(connection)) {
        client_left = true;
        ctx.TryCancel();
      }
    }
  }

  // Starts the call and sends the request. False when the gateway stopped or the call could not start.
  bool Start() {
    {
      std::lock_guard<std::mutex> lock(gateway->mu_);
      if (gateway->stopped_) {
        stopped = true;
        return false;
      }
      gateway->streams_.insert(&ctx);
    }
    call = gateway->stub_.PrepareCall(&ctx, absl::StrCat("/", kService, "/", method->name()), &cq);
    started = true;
    call->StartCall(this);
    if (!Await()) return true;  // the call did not start: Next's Read fails and Finish says why
    call->WriteLast(request, grpc::WriteOptions(), this);
    Await();
    return true;
  }

  // The next envelope to send (a message, or the end of stream, after which `finished`), or
  // nullopt when the client left.
  std::optional<std::string> Next() {
    absl::Status status;
    if (!started && !Start()) {
      status = absl::UnavailableError("the query service is shutting down");
    } else {
      grpc::ByteBuffer buffer;
      call->Read(&buffer, this);
      if (Await()) {
        absl::StatusOr<std::string> json = ResponseToJson(method->output_type(), buffer);
        if (json.ok()) return connect::Envelope(0, *json);
        ctx.TryCancel();
        status = json.status();
      }
      grpc::Status end;
      call->Finish(&end, this);
      Await();
      finished = true;
      if (client_left) return std::nullopt;
      if (status.ok()) status = FromGrpc(end);
      {
        std::lock_guard<std::mutex> lock(gateway->mu_);
        stopped = stopped || gateway->stopped_;
      }
      if (stopped && absl::IsCancelled(status)) status = absl::UnavailableError("the query service is shutting down");
    }
    finished = true;
    return connect::Envelope(connect::kEndStreamFlag, connect::EndStreamJson(status));
  }
};

absl::StatusOr<std::pair<std::string, int>> ParseHostPort(absl::string_view listen, absl::string_view flag) {
  const size_t colon = listen.rfind(':');
  int port = 0;
  absl::string_view host = colon == absl::string_view::npos ? "" : listen.substr(0, colon);
  if (absl::ConsumePrefix(&host, "[") && !absl::ConsumeSuffix(&host, "]")) host = "";
  if (host.empty() || absl::StrContains(host, '[') || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " ", listen, ": expected HOST:PORT (e.g. 127.0.0.1:7413, [::1]:7413)"));
  }
  return std::make_pair(std::string(host), port);
}

HttpGateway::HttpGateway(std::shared_ptr<grpc::Channel> channel, HttpGatewayOptions options)
    : stub_(std::move(channel)), options_(std::move(options)) {}

HttpGateway::~HttpGateway() { Stop(); }

void HttpGateway::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
  for (grpc::ClientContext* ctx : streams_) ctx->TryCancel();
}

void HttpGateway::Register(httplib::Server& server) {
  // cpp-httplib writes with send() without MSG_NOSIGNAL: a client that left must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  // cpp-httplib writes the headers and the body in separate sends: with Nagle's algorithm the body
  // waits for the client's delayed ACK of the headers (tens of milliseconds a call).
  server.set_tcp_nodelay(true);
  // As the gRPC port's limit: query requests are small (names, dates, offsets).
  server.set_payload_max_length(64 * 1024);
  server.Post(".*", [this](const httplib::Request& req, httplib::Response& res) { Unary(req, res); });
  server.Get(".*", [this](const httplib::Request& req, httplib::Response& res) { Static(req, res); });
}

void HttpGateway::Unary(const httplib::Request& req, httplib::Response& res) {
  absl::StatusOr<const pb::MethodDescriptor*> found = FindMethod(req.path);
  if (!found.ok()) return WriteError(res, found.status());
  const pb::MethodDescriptor* method = *found;
  const std::string type = MediaType(req);
  const bool streaming = method->server_streaming() || method->client_streaming();
  if (method->client_streaming()) {
    return WriteError(res, absl::UnimplementedError(absl::StrCat(method->name(), " streams from the client, which HTTP/1.1 cannot carry")));
  }
  const char* wanted = streaming ? kConnectJson : kJson;
  // An empty unary request needs no JSON: `curl -d ''` sends it as a form.
  const bool bare_empty = !streaming && req.body.empty();
  if (type != wanted && !bare_empty) {
    res.status = 415;
    res.set_content(connect::ErrorJson(absl::InvalidArgumentError(absl::StrCat(
                        "Content-Type: ", method->name(), " takes ", wanted, streaming ? " (a server stream, enveloped messages)" : "",
                        ", not \"", type, "\""))),
                    kJson);
    return;
  }
  if (streaming) {
    auto stream = std::make_shared<Stream>();
    stream->gateway = this;
    stream->method = method;
    absl::Status ready = [&]() -> absl::Status {
      RETURN_IF_ERROR(PrepareContext(req, &stream->ctx));
      ASSIGN_OR_RETURN(std::string json, connect::SingleEnvelopePayload(req.body));
      ASSIGN_OR_RETURN(stream->request, RequestFromJson(*method, json));
      return absl::OkStatus();
    }();
    if (!ready.ok()) {
      // A stream's errors travel in its end-of-stream message, with HTTP 200.
      res.set_content(connect::Envelope(connect::kEndStreamFlag, connect::EndStreamJson(ready)), kConnectJson);
      return;
    }
    stream->connection = FindConnection(req);
    res.set_chunked_content_provider(kConnectJson, [stream](size_t, httplib::DataSink& sink) {
      if (stream->finished) {
        sink.done();
        return true;
      }
      std::optional<std::string> envelope = stream->Next();
      if (!envelope) return false;  // the client left
      if (!sink.write(envelope->data(), envelope->size())) {
        stream->client_left = true;
        return false;
      }
      if (stream->finished) sink.done();
      return true;
    });
    return;
  }

  grpc::ClientContext ctx;
  absl::StatusOr<grpc::ByteBuffer> request = [&]() -> absl::StatusOr<grpc::ByteBuffer> {
    RETURN_IF_ERROR(PrepareContext(req, &ctx));
    return RequestFromJson(*method, req.body);
  }();
  if (!request.ok()) return WriteError(res, request.status());
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub_.UnaryCall(&ctx, absl::StrCat("/", kService, "/", method->name()), grpc::StubOptions(), &*request, &response,
                  [&done](grpc::Status s) { done.set_value(std::move(s)); });
  const absl::Status status = FromGrpc(done.get_future().get());
  if (!status.ok()) return WriteError(res, status);
  absl::StatusOr<std::string> json = ResponseToJson(method->output_type(), response);
  if (!json.ok()) return WriteError(res, json.status());
  res.set_content(*json, kJson);
}

void HttpGateway::Static(const httplib::Request& req, httplib::Response& res) {
  if (absl::StartsWith(req.path, absl::StrCat("/", kService, "/"))) {
    res.status = 405;
    res.set_content(connect::ErrorJson(absl::InvalidArgumentError(
                        absl::StrCat(req.path, ": the API takes POST with Content-Type application/json"))),
                    kJson);
    return;
  }
  std::error_code ec;
  if (options_.web_dir.empty() || !std::filesystem::is_directory(options_.web_dir, ec)) {
    res.status = 404;
    res.set_content(kNotBuilt, "text/html; charset=utf-8");
    return;
  }
  absl::StatusOr<std::string> file = ResolveWebPath(options_.web_dir, req.path);
  if (!file.ok()) {
    res.status = absl::IsInvalidArgument(file.status()) ? 400 : 404;
    res.set_content(absl::StrCat(file.status().message(), "\n"), "text/plain; charset=utf-8");
    return;
  }
  std::ifstream in(*file, std::ios::binary);
  if (!in && absl::EndsWith(*file, "/index.html")) {  // a folder without a built page
    res.status = 404;
    res.set_content(kNotBuilt, "text/html; charset=utf-8");
    return;
  }
  if (!in) {
    res.status = 403;
    res.set_content("cannot read the file\n", "text/plain; charset=utf-8");
    return;
  }
  std::ostringstream body;
  body << in.rdbuf();
  res.set_content(body.str(), std::string(WebContentType(*file)));
}

}  // namespace talentflow::query
