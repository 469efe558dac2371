#include "ingest/json_event_check.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/base/edit_distance.h"
#include "ingest/json_event.h"
#include "ingest/validator.h"

namespace talentflow::ingest {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Struct;
using google::protobuf::Value;

constexpr char kTimestampExample[] = "\"2025-03-20T00:00:00Z\"";
// The longest line whose keys are ordered by where they appear (see CheckMessage).
constexpr size_t kMaxSearchedLine = 16 * 1024;

// What a JSON value is, in a user's words: `the string "yes"`, `the number 42`, `a list`.
std::string Describe(const Value& v) {
  switch (v.kind_case()) {
    case Value::kNullValue: return "null";
    // 15 significant digits: 4294967296 reads as written, not as StrCat's six-digit 4.29497e+09.
    case Value::kNumberValue: return absl::StrFormat("the number %.15g", v.number_value());
    case Value::kStringValue: {
      // Long values are cut: the message names the field, the line is in the rejects file.
      const std::string& s = v.string_value();
      return absl::StrCat("the string \"", s.size() > 40 ? absl::StrCat(s.substr(0, 40), "…") : s, "\"");
    }
    case Value::kBoolValue: return v.bool_value() ? "true" : "false";
    case Value::kStructValue: return "an object";
    case Value::kListValue: return "a list";
    default: return "nothing";
  }
}

// The JSON name of `d`'s field nearest to `key` (case-insensitive edit distance; a name that `key`
// begins, or that begins `key`, is near too), or "" when none is near enough to be a likely typo.
std::string NearestField(const Descriptor* d, absl::string_view key) {
  const std::string lower_key = absl::AsciiStrToLower(key);
  std::string best;
  size_t best_distance = std::max<size_t>(2, key.size() / 3) + 1;  // nearer than this counts
  for (int i = 0; i < d->field_count(); ++i) {
    const std::string name = absl::AsciiStrToLower(d->field(i)->json_name());
    size_t distance = EditDistance(lower_key, name);
    const bool prefix = lower_key.size() >= 4 && (absl::StartsWith(name, lower_key) || absl::StartsWith(lower_key, name));
    if (prefix) distance = std::min<size_t>(distance, 1);
    if (distance < best_distance) {
      best_distance = distance;
      best = d->field(i)->json_name();
    }
  }
  return best;
}

// The names a user may write for `e`: every value but the *_UNSPECIFIED zero (which is what omitting the
// field means).
std::string EnumNames(const EnumDescriptor* e) {
  std::vector<std::string> names;
  for (int i = 0; i < e->value_count(); ++i) {
    if (e->value(i)->number() != 0) names.push_back(e->value(i)->name());
  }
  return absl::StrJoin(names, ", ");
}

// A valid name `written` probably meant: the same name in other case, or it without its prefix
// ("LEADERSHIP" for SENIORITY_LEADERSHIP); "" when none.
std::string NearestEnumName(const EnumDescriptor* e, absl::string_view written) {
  const std::string upper = absl::AsciiStrToUpper(written);
  if (const auto* v = e->FindValueByName(upper); v != nullptr && v->number() != 0) return v->name();
  absl::string_view zero = e->value(0)->name();  // "SENIORITY_UNSPECIFIED" -> "SENIORITY_"
  if (!absl::ConsumeSuffix(&zero, "UNSPECIFIED")) return "";
  const std::string prefix(zero);
  if (const auto* v = e->FindValueByName(prefix + upper); v != nullptr && v->number() != 0) return v->name();
  return "";
}

// The field whose JSON (lowerCamel) or original name is `key`, as protobuf's parser takes either; or null.
const FieldDescriptor* FindField(const Descriptor* d, const std::string& key) {
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->json_name() == key || d->field(i)->name() == key) return d->field(i);
  }
  return nullptr;
}

// The range test comes first: casting a double outside int64's range (or NaN) is undefined.
bool IsWholeNumber(double d) { return d > -1e18 && d < 1e18 && d == static_cast<double>(static_cast<int64_t>(d)); }

// "YYYY-MM-DD" that names a real day.
bool IsBareDate(absl::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  if (!absl::SimpleAtoi(s.substr(0, 4), &y) || !absl::SimpleAtoi(s.substr(5, 2), &m) ||
      !absl::SimpleAtoi(s.substr(8, 2), &d)) {
    return false;
  }
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  const absl::CivilDay day(y, m, d);
  return day.year() == y && day.month() == m && day.day() == d;
}

// Walks a line parsed as a generic JSON value along the Event schema. Each Check* returns the first
// problem as a FieldError; bare dates are rewritten in place to full timestamps (`rewritten_`).
class Checker {
 public:
  explicit Checker(absl::string_view line) : line_(line) {}

  bool rewritten() const { return rewritten_; }

  absl::Status CheckMessage(Struct& object, const Descriptor* d, const std::string& path) {
    // In the order the keys appear in the line (found by their quoted text; a key written with escapes
    // goes last), so the first problem reported is the first one a reader of the line meets. Searching
    // is bounded: in a long line, or an object with more keys than its message has names, the keys are
    // taken in name order.
    const bool by_position = line_.size() <= kMaxSearchedLine && object.fields_size() <= 2 * d->field_count();
    std::vector<std::pair<size_t, std::string>> keys;
    for (const auto& [key, unused] : object.fields()) {
      keys.emplace_back(by_position ? line_.find(absl::StrCat("\"", key, "\"")) : 0, key);
    }
    std::sort(keys.begin(), keys.end());
    std::string payload_key;  // the oneof member already seen
    absl::flat_hash_map<const FieldDescriptor*, std::string> seen;  // the key each field was given under
    for (const auto& [unused, key] : keys) {
      const std::string shown = key.empty() ? "\"\"" : key;  // a FieldError names a field
      const std::string field_path = path.empty() ? shown : absl::StrCat(path, ".", shown);
      const FieldDescriptor* f = FindField(d, key);
      if (f == nullptr) {
        const std::string near = NearestField(d, key);
        return FieldError(field_path, near.empty() ? "unknown field" : absl::StrCat("unknown field; did you mean `", near, "`?"));
      }
      if (const auto [it, inserted] = seen.emplace(f, key); !inserted) {
        return FieldError(field_path, absl::StrCat("the same field as `", it->second,
                                                   "` (one is its JSON name, the other its proto name); expected it once"));
      }
      Value& value = (*object.mutable_fields())[key];
      if (value.kind_case() == Value::kNullValue) continue;  // proto3 JSON: null is the field's default
      if (f->real_containing_oneof() != nullptr) {
        if (!payload_key.empty()) {
          std::vector<std::string> members;
          const auto* oneof = f->real_containing_oneof();
          for (int i = 0; i < oneof->field_count(); ++i) members.push_back(oneof->field(i)->json_name());
          return FieldError(field_path, absl::StrCat("a second payload after `", payload_key,
                                                     "`; expected exactly one payload per event, one of ",
                                                     absl::StrJoin(members, ", ")));
        }
        payload_key = key;
      }
      if (f->is_repeated()) {
        if (value.kind_case() != Value::kListValue) {
          return FieldError(field_path, absl::StrCat(Describe(value), "; expected a list (e.g. [{\"outlet\":\"Reuters\","
                                                                      "\"url\":\"https://…\"}])"));
        }
        auto& list = *value.mutable_list_value()->mutable_values();
        for (int i = 0; i < list.size(); ++i) {
          if (auto s = CheckValue(f, list[i], absl::StrCat(field_path, "[", i, "]")); !s.ok()) return s;
        }
        continue;
      }
      if (auto s = CheckValue(f, value, field_path); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Expected(const std::string& path, const Value& v, absl::string_view what) {
    return FieldError(path, absl::StrCat(Describe(v), "; expected ", what));
  }

  absl::Status CheckValue(const FieldDescriptor* f, Value& v, const std::string& path) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        if (v.kind_case() != Value::kStringValue) return Expected(path, v, "a string (in quotes)");
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_BOOL:
        // Deliberately stricter than protobuf's parser, which also takes some strings: see the header.
        if (v.kind_case() != Value::kBoolValue) return Expected(path, v, "true or false (a JSON boolean, without quotes)");
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_UINT32: {
        const bool is_unsigned = f->cpp_type() == FieldDescriptor::CPPTYPE_UINT32;
        const std::string what = is_unsigned ? "a whole number from 0 to 4294967295 (e.g. 2)"
                                             : "a whole number from -2147483648 to 2147483647 (e.g. 12)";
        double d = 0;
        if (v.kind_case() == Value::kNumberValue) {
          d = v.number_value();
        } else if (v.kind_case() == Value::kStringValue) {  // proto3 JSON: "12" is 12
          int64_t parsed = 0;
          if (!absl::SimpleAtoi(v.string_value(), &parsed)) return Expected(path, v, what);
          d = static_cast<double>(parsed);
        } else {
          return Expected(path, v, what);
        }
        const double lo = is_unsigned ? 0 : -2147483648.0, hi = is_unsigned ? 4294967295.0 : 2147483647.0;
        if (!IsWholeNumber(d) || d < lo || d > hi) return Expected(path, v, what);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT:
        if (v.kind_case() == Value::kNumberValue) return absl::OkStatus();
        if (v.kind_case() == Value::kStringValue) {  // proto3 JSON: "0.5", "NaN", "Infinity"
          double unused;
          const std::string& s = v.string_value();
          if (absl::SimpleAtod(s, &unused) || s == "NaN" || s == "Infinity" || s == "-Infinity") return absl::OkStatus();
        }
        return Expected(path, v, "a number (e.g. 0.25)");
      case FieldDescriptor::CPPTYPE_ENUM: {
        const EnumDescriptor* e = f->enum_type();
        const std::string expected = absl::StrCat("one of ", EnumNames(e));
        if (v.kind_case() == Value::kStringValue) {
          if (e->FindValueByName(v.string_value()) != nullptr) return absl::OkStatus();
          // proto3 JSON: a defined value's number in quotes ("2") is that value.
          if (int number = 0; absl::SimpleAtoi(v.string_value(), &number) && e->FindValueByNumber(number) != nullptr) {
            return absl::OkStatus();
          }
          const std::string near = NearestEnumName(e, v.string_value());
          return FieldError(path, absl::StrCat("\"", v.string_value(), "\" is not a ", e->name(), "; expected ", expected,
                                               near.empty() ? "" : absl::StrCat(" (did you mean ", near, "?)")));
        }
        if (v.kind_case() == Value::kNumberValue && IsWholeNumber(v.number_value()) &&
            std::abs(v.number_value()) <= std::numeric_limits<int>::max() &&
            e->FindValueByNumber(static_cast<int>(v.number_value())) != nullptr) {
          return absl::OkStatus();
        }
        return Expected(path, v, expected);
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (f->message_type() == google::protobuf::Timestamp::descriptor()) return CheckTimestamp(v, path);
        if (v.kind_case() != Value::kStructValue) return Expected(path, v, "an object ({…})");
        return CheckMessage(*v.mutable_struct_value(), f->message_type(), path);
      default:
        return absl::OkStatus();  // no such field in the Event schema; protobuf decides
    }
  }

  absl::Status CheckTimestamp(Value& v, const std::string& path) {
    const std::string what =
        absl::StrCat("a time as \"YYYY-MM-DDTHH:MM:SSZ\" (e.g. ", kTimestampExample,
                     "; an offset such as +02:00 instead of Z also works) or a bare date (e.g. \"2025-03-20\", read as "
                     "midnight UTC)");
    if (v.kind_case() != Value::kStringValue) return Expected(path, v, what);
    if (IsBareDate(v.string_value())) {
      v.set_string_value(absl::StrCat(v.string_value(), "T00:00:00Z"));
      rewritten_ = true;
      return absl::OkStatus();
    }
    google::protobuf::Timestamp unused;
    if (!google::protobuf::util::TimeUtil::FromString(v.string_value(), &unused)) {
      return FieldError(path, absl::StrCat(Describe(v), " is not a time; expected ", what));
    }
    return absl::OkStatus();
  }

  absl::string_view line_;
  bool rewritten_ = false;
};

// protobuf's own rejection of a line the checks passed: under the field protobuf names, else "line".
absl::Status ProtobufRejection(const absl::Status& st) {
  const std::string msg(st.message());
  if (!msg.empty() && msg[0] == '(') {
    const size_t close = msg.find(')');
    if (close != std::string::npos) {
      const std::string field = msg.substr(1, close - 1);
      absl::string_view rest = absl::string_view(msg).substr(close + 1);
      while (!rest.empty() && (rest[0] == ':' || rest[0] == ' ')) rest.remove_prefix(1);
      return FieldError(field.empty() ? "line" : field, rest);
    }
  }
  return FieldError("line", absl::StrCat("not a talentflow.v1.Event in JSON: ", msg));
}

// A line that is not one JSON value, from the JSON tokenizer's message (its first line says what it
// met: "Unexpected end of string. Expected , or } after key:value pair."), or a key given twice in one
// object (which protobuf's Event parser would take, the last one winning: we refuse to guess).
absl::Status SyntaxError(const std::string& tokenizer_message) {
  const std::string kRepeated = "Repeated map key: '";
  if (const size_t at = tokenizer_message.find(kRepeated); at != std::string::npos) {
    const size_t start = at + kRepeated.size();
    const size_t end = tokenizer_message.find('\'', start);
    if (end != std::string::npos && end > start) {
      return FieldError(tokenizer_message.substr(start, end - start),
                        "given twice in one object; expected each field at most once");
    }
  }
  std::string what = tokenizer_message.substr(0, tokenizer_message.find('\n'));
  while (!what.empty() && (what.back() == '.' || what.back() == ' ')) what.pop_back();
  return FieldError("line", absl::StrCat("not valid JSON (", what,
                                         "); expected one JSON object per line (e.g. {\"org\":\"openai\",\"team\":"
                                         "\"sora\",\"effectiveTime\":\"2025-03-20T00:00:00Z\",\"hire\":{}})"));
}

}  // namespace

absl::Status ParseEventJsonChecked(absl::string_view json, v1::Event* event) {
  event->Clear();
  Value root;
  if (auto st = google::protobuf::util::JsonStringToMessage(std::string(json), &root); !st.ok()) {
    return SyntaxError(std::string(st.message()));
  }
  if (root.kind_case() != Value::kStructValue) {
    return FieldError("line", absl::StrCat(Describe(root), "; expected one JSON object per line (e.g. {\"org\":\"openai\","
                                                           "\"team\":\"sora\",…})"));
  }
  Checker checker(json);
  if (auto s = checker.CheckMessage(*root.mutable_struct_value(), v1::Event::descriptor(), ""); !s.ok()) return s;
  absl::Status parsed;
  if (checker.rewritten()) {
    std::string rewritten;
    if (!google::protobuf::util::MessageToJsonString(root, &rewritten).ok()) {
      return FieldError("line", "could not be re-encoded after reading its dates");
    }
    parsed = ParseEventJsonReference(rewritten, event);
  } else {
    parsed = ParseEventJsonReference(json, event);
  }
  return parsed.ok() ? parsed : ProtobufRejection(parsed);
}

}  // namespace talentflow::ingest
