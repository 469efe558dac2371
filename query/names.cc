#include "query/names.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/edit_distance.h"

namespace talentflow::query {
namespace {

using google::protobuf::FieldDescriptor;

void ResolveField(const Aliases& aliases, google::protobuf::Message* request, absl::string_view name, bool is_org) {
  const FieldDescriptor* field = request->GetDescriptor()->FindFieldByName(std::string(name));
  if (field == nullptr || field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return;
  const google::protobuf::Reflection* r = request->GetReflection();
  auto resolve = [&](const std::string& raw) { return is_org ? aliases.Org(raw) : aliases.Team(raw); };
  if (field->is_repeated()) {
    for (int i = 0; i < r->FieldSize(*request, field); ++i) {
      if (auto slug = resolve(r->GetRepeatedString(*request, field, i)); slug.ok()) {
        r->SetRepeatedString(request, field, i, *std::move(slug));
      }
    }
  } else if (auto slug = resolve(r->GetString(*request, field)); slug.ok()) {
    r->SetString(request, field, *std::move(slug));
  }
}

class NameResolvingInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit NameResolvingInterceptor(const Aliases* aliases) : aliases_(aliases) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // The factory makes this interceptor for QueryService methods only, whose requests are
      // generated protobuf messages (single inheritance from Message), so the pointer gRPC hands
      // over is one to a Message.
      if (void* message = methods->GetRecvMessage(); message != nullptr) {
        ResolveNames(*aliases_, static_cast<google::protobuf::Message*>(message));
      }
    }
    methods->Proceed();
  }

 private:
  const Aliases* aliases_;
};

class NameResolvingFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit NameResolvingFactory(const Aliases* aliases) : aliases_(aliases) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    // Health checking and reflection use messages of their own (the health service even raw bytes).
    if (!absl::StartsWith(info->method(), "/talentflow.v1.QueryService/")) return nullptr;
    return new NameResolvingInterceptor(aliases_);
  }

 private:
  const Aliases* aliases_;
};

}  // namespace

void ResolveNames(const Aliases& aliases, google::protobuf::Message* request) {
  ResolveField(aliases, request, "org", true);
  ResolveField(aliases, request, "counterparty", true);
  ResolveField(aliases, request, "team", false);
  ResolveField(aliases, request, "teams", false);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NameResolvingInterceptors(
    const Aliases* aliases) {
  return std::make_unique<NameResolvingFactory>(aliases);
}

std::vector<std::string> NearestNames(absl::string_view wanted, const std::vector<std::string>& known, size_t limit) {
  const size_t bound = std::max<size_t>(2, wanted.size() / 3);
  std::vector<std::pair<size_t, std::string>> near;
  for (const std::string& k : known) {
    if (k == wanted) continue;
    if (const size_t d = EditDistance(wanted, k); d <= bound) near.emplace_back(d, k);
  }
  std::sort(near.begin(), near.end());
  near.erase(std::unique(near.begin(), near.end()), near.end());
  // Only the nearest: "teamm7" suggests team7, not every teamN two edits away.
  std::vector<std::string> out;
  for (size_t i = 0; i < near.size() && i < limit && near[i].first == near[0].first; ++i) {
    out.push_back(std::move(near[i].second));
  }
  return out;
}

std::string DidYouMean(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  if (names.size() == 1) return absl::StrCat("; did you mean ", names[0], "?");
  std::vector<std::string> head(names.begin(), names.end() - 1);
  return absl::StrCat("; did you mean ", absl::StrJoin(head, ", "), " or ", names.back(), "?");
}

}  // namespace talentflow::query
