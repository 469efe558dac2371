#include "ingest/json_event.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include <google/protobuf/util/json_util.h>

#include "common/base/time_util.h"
#include "common/base/utf8.h"

namespace talentflow::ingest {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;

// A small open-addressing table from short names to numbers, for the few dozen names of a message
// or an enum: one multiplicative hash of the length and the first and last eight bytes and, almost
// always, one comparison per lookup. The names are views into the descriptor pool, which lives as
// long as the process.
class NameTable {
 public:
  // REQUIRES: at most `capacity` names will be inserted.
  explicit NameTable(size_t capacity) {
    while ((size_t{1} << bits_) < 4 * capacity) ++bits_;
    slots_.resize(size_t{1} << bits_);
  }
  void Insert(absl::string_view name, int number) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = Hash(name);; i = (i + 1) & mask) {
      if (slots_[i].data == nullptr) {
        slots_[i] = {name.data(), name.size(), number};
        return;
      }
      if (slots_[i].View() == name) return;  // a field whose json_name is its name
    }
  }
  // The number stored for `name`, or -1.
  int Find(absl::string_view name) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = Hash(name);; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.data == nullptr) return -1;
      if (s.size == name.size() && std::memcmp(s.data, name.data(), name.size()) == 0) return s.number;
    }
  }

 private:
  struct Slot {
    const char* data = nullptr;  // nullptr: empty
    size_t size = 0;
    int number = 0;
    absl::string_view View() const { return absl::string_view(data, size); }
  };
  size_t Hash(absl::string_view s) const {
    const size_t n = s.size();
    uint64_t w = n;
    if (n >= 8) {  // the first and the last eight bytes, as two fixed-size loads
      uint64_t head, tail;
      std::memcpy(&head, s.data(), 8);
      std::memcpy(&tail, s.data() + n - 8, 8);
      w ^= head ^ (tail << 1);
    } else {
      for (size_t i = 0; i < n; ++i) w = w << 8 | static_cast<unsigned char>(s[i]);
    }
    constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
    return static_cast<size_t>((w * kMul) >> (64 - bits_));
  }
  int bits_ = 1;
  std::vector<Slot> slots_;
};

// A message's JSON keys: each field's original and lowerCamel (json_name) name, from the
// descriptor, so a field added to the schema is simply unknown here (and goes the slow way) until
// this parser handles it.
class FieldNames {
 public:
  explicit FieldNames(const Descriptor* d) : table_(2 * d->field_count()) {
    for (int i = 0; i < d->field_count(); ++i) {
      const auto* f = d->field(i);
      table_.Insert(f->name(), f->number());
      table_.Insert(f->json_name(), f->number());
    }
  }
  // The field number of `key`, or 0.
  int Find(absl::string_view key) const { return std::max(0, table_.Find(key)); }

 private:
  NameTable table_;
};

// An enum's value names and numbers, from the descriptor.
class EnumValues {
 public:
  explicit EnumValues(const EnumDescriptor* d) : names_(d->value_count()) {
    for (int i = 0; i < d->value_count(); ++i) {
      if (d->value(i)->number() < 0) continue;  // never in talentflow's enums; goes the slow way
      names_.Insert(d->value(i)->name(), d->value(i)->number());
      if (d->value(i)->number() < 64) defined_ |= uint64_t{1} << d->value(i)->number();
    }
  }
  bool FindName(absl::string_view name, int* number) const {
    const int n = names_.Find(name);
    if (n < 0) return false;
    *number = n;
    return true;
  }
  // Only 0-63 are accepted as numbers (all of talentflow's enums); others go the slow way.
  bool IsDefined(uint64_t number) const { return number < 64 && (defined_ >> number & 1) != 0; }

 private:
  NameTable names_;
  uint64_t defined_ = 0;
};

struct Tables {
  FieldNames event{v1::Event::descriptor()};
  FieldNames person{v1::Person::descriptor()};
  FieldNames evidence{v1::Evidence::descriptor()};
  FieldNames hire{v1::Hire::descriptor()};
  FieldNames departure{v1::Departure::descriptor()};
  FieldNames transfer_out{v1::TransferOut::descriptor()};
  FieldNames transfer_in{v1::TransferIn::descriptor()};
  FieldNames reprioritisation{v1::Reprioritisation::descriptor()};
  FieldNames budget_change{v1::BudgetChange::descriptor()};
  FieldNames compute_reallocation{v1::ComputeReallocation::descriptor()};
  FieldNames retention_action{v1::RetentionAction::descriptor()};
  FieldNames team_change{v1::TeamChange::descriptor()};
  FieldNames headcount_report{v1::HeadcountReport::descriptor()};
  FieldNames retraction{v1::Retraction::descriptor()};
  EnumValues seniority{v1::Seniority_descriptor()};
  EnumValues confidence{v1::Confidence_descriptor()};
  EnumValues date_precision{v1::DatePrecision_descriptor()};
  EnumValues source_type{v1::SourceType_descriptor()};
  EnumValues destination_kind{v1::DestinationKind_descriptor()};
  EnumValues priority{v1::Priority_descriptor()};
  EnumValues budget_status{v1::BudgetStatus_descriptor()};
  EnumValues retention_kind{v1::RetentionKind_descriptor()};
  EnumValues team_change_kind{v1::TeamChangeKind_descriptor()};
};

const Tables& GetTables() {
  static const Tables* tables = new Tables();
  return *tables;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// kPlainStringByte[c]: byte c stands for itself inside a JSON string (not '"', '\\', a control
// character or the start of a multi-byte UTF-8 sequence).
constexpr auto kPlainStringByte = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// A recursive-descent parser over one line. Every method returns false as soon as the input
// leaves the accepted subset; nothing is reported, since the caller falls back.
class Parser {
 public:
  explicit Parser(absl::string_view json) : p_(json.data()), end_(json.data() + json.size()), t_(GetTables()) {}

  bool ParseLine(v1::Event* e) {
    SkipWs();
    if (!ParseEvent(e)) return false;
    SkipWs();
    return p_ == end_;
  }

 private:
  void SkipWs() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  bool Consume(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  // Walks the members of an object: calls member(number) for each key, with p_ on its value.
  // Rejects unknown and repeated keys. REQUIRES: p_ at '{'.
  template <typename Member>
  bool ParseObject(const FieldNames& names, Member member) {
    if (!Consume('{')) return false;
    SkipWs();
    if (Consume('}')) return true;
    uint64_t seen = 0;
    while (true) {
      absl::string_view key;
      if (!ParseKey(&key)) return false;
      const int number = names.Find(key);
      if (number <= 0 || number >= 64) return false;
      if (seen >> number & 1) return false;
      seen |= uint64_t{1} << number;
      SkipWs();
      if (!Consume(':')) return false;
      SkipWs();
      if (!member(number)) return false;
      SkipWs();
      if (Consume('}')) return true;
      if (!Consume(',')) return false;
      SkipWs();
    }
  }

  // A key: a string of printable ASCII without escapes.
  bool ParseKey(absl::string_view* key) {
    if (!Consume('"')) return false;
    const char* start = p_;
    while (p_ < end_ && kPlainStringByte[static_cast<unsigned char>(*p_)]) ++p_;
    if (p_ == end_ || *p_ != '"') return false;
    *key = absl::string_view(start, p_ - start);
    ++p_;
    return true;
  }

  bool ParseString(std::string* out) {
    if (!Consume('"')) return false;
    out->clear();
    while (true) {
      const char* run = p_;
      while (p_ < end_ && kPlainStringByte[static_cast<unsigned char>(*p_)]) ++p_;
      out->append(run, p_ - run);
      if (p_ == end_) return false;
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c >= 0x80) {
        if (!CopyUtf8Sequence(out)) return false;
        continue;
      }
      if (!ParseEscape(out)) return false;
    }
  }

  // One multi-byte UTF-8 sequence.
  bool CopyUtf8Sequence(std::string* out) {
    const size_t n = Utf8SequenceLength(absl::string_view(p_, end_ - p_));
    if (n == 0) return false;
    out->append(p_, n);
    p_ += n;
    return true;
  }

  // REQUIRES: p_ at '\\'.
  bool ParseEscape(std::string* out) {
    ++p_;
    if (p_ == end_) return false;
    const char c = *p_++;
    switch (c) {
      case '"': out->push_back('"'); return true;
      case '\\': out->push_back('\\'); return true;
      case '/': out->push_back('/'); return true;
      case 'b': out->push_back('\b'); return true;
      case 'f': out->push_back('\f'); return true;
      case 'n': out->push_back('\n'); return true;
      case 'r': out->push_back('\r'); return true;
      case 't': out->push_back('\t'); return true;
      case 'u': break;
      default: return false;
    }
    uint32_t cp;
    if (!ParseHex4(&cp)) return false;
    if (cp == 0) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate first
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
      p_ += 2;
      uint32_t low;
      if (!ParseHex4(&low) || low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(cp, out);
    return true;
  }

  bool ParseHex4(uint32_t* cp) {
    if (end_ - p_ < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = HexDigit(p_[i]);
      if (h < 0) return false;
      v = v << 4 | static_cast<uint32_t>(h);
    }
    p_ += 4;
    *cp = v;
    return true;
  }

  // A JSON integer without sign: "0" or [1-9][0-9]*, at most 18 digits, followed by no fraction
  // or exponent.
  bool ParseDigits(uint64_t* value, int* digits) {
    const char* start = p_;
    uint64_t v = 0;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      v = v * 10 + static_cast<uint64_t>(*p_ - '0');
      ++p_;
      if (p_ - start > 18) return false;
    }
    const int n = static_cast<int>(p_ - start);
    if (n == 0 || (n > 1 && *start == '0')) return false;
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    *value = v;
    *digits = n;
    return true;
  }

  bool ParseUint32(uint32_t* out) {
    uint64_t v;
    int n;
    if (!ParseDigits(&v, &n) || v > UINT32_MAX) return false;
    *out = static_cast<uint32_t>(v);
    return true;
  }

  bool ParseInt32(int32_t* out) {
    const bool negative = Consume('-');
    uint64_t v;
    int n;
    if (!ParseDigits(&v, &n)) return false;
    if (negative ? v > uint64_t{1} << 31 : v > INT32_MAX) return false;
    *out = negative ? static_cast<int32_t>(-static_cast<int64_t>(v)) : static_cast<int32_t>(v);
    return true;
  }

  bool ParseDouble(double* out) {
    const char* start = p_;
    const bool negative = Consume('-');
    const char* digits = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    const size_t int_digits = p_ - digits;
    if (int_digits == 0 || (int_digits > 1 && *digits == '0')) return false;
    bool integral = true;
    if (Consume('.')) {
      integral = false;
      const char* frac = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == frac) return false;
    }
    const char* exponent = p_;  // or the end of the number
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      const char* exp = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      if (p_ == exp) return false;
    }
    if (integral) {
      // protobuf reads an integer token as an integer and converts it: "-0" is +0.0.
      if (int_digits > 15) return false;
      int64_t v = 0;
      for (const char* d = digits; d < p_; ++d) v = v * 10 + (*d - '0');
      *out = static_cast<double>(negative ? -v : v);
      return true;
    }
    double v;
    auto [ptr, ec] = std::from_chars(start, p_, v);
    if (ec != std::errc() || ptr != p_ || !std::isfinite(v)) return false;
    if (v == 0 && std::find_if(start, p_, [](char c) { return c >= '1' && c <= '9'; }) < exponent) {
      return false;  // underflow to zero: left to protobuf, whatever strtod's range error makes of it
    }
    *out = v;
    return true;
  }

  bool ParseBool(bool* out) {
    if (end_ - p_ >= 4 && std::memcmp(p_, "true", 4) == 0) {
      p_ += 4;
      *out = true;
      return true;
    }
    if (end_ - p_ >= 5 && std::memcmp(p_, "false", 5) == 0) {
      p_ += 5;
      *out = false;
      return true;
    }
    return false;
  }

  // An enum by exact value name, or by the number of a defined value.
  template <typename Setter>
  bool ParseEnum(const EnumValues& values, Setter set) {
    if (p_ < end_ && *p_ == '"') {
      absl::string_view name;
      int number;
      if (!ParseKey(&name) || !values.FindName(name, &number)) return false;
      set(number);
      return true;
    }
    uint64_t v;
    int n;
    if (!ParseDigits(&v, &n) || !values.IsDefined(v)) return false;
    set(static_cast<int>(v));
    return true;
  }

  bool ParseFixedDigits(int n, int* out) {
    if (end_ - p_ < n) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      if (p_[i] < '0' || p_[i] > '9') return false;
      v = v * 10 + (p_[i] - '0');
    }
    p_ += n;
    *out = v;
    return true;
  }

  // "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)", the fraction 1-9 digits.
  bool ParseTimestamp(google::protobuf::Timestamp* ts) {
    if (!Consume('"')) return false;
    int year, month, day, hour, minute, second;
    if (!ParseFixedDigits(4, &year) || !Consume('-') || !ParseFixedDigits(2, &month) || !Consume('-') ||
        !ParseFixedDigits(2, &day) || !Consume('T') || !ParseFixedDigits(2, &hour) || !Consume(':') ||
        !ParseFixedDigits(2, &minute) || !Consume(':') || !ParseFixedDigits(2, &second)) {
      return false;
    }
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
    if (day > kDays[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0)) return false;
    if (hour > 23 || minute > 59 || second > 59) return false;
    int32_t nanos = 0;
    if (Consume('.')) {
      int n = 0;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9' && n < 9) {
        nanos = nanos * 10 + (*p_ - '0');
        ++p_;
        ++n;
      }
      if (n == 0) return false;
      for (int k = n; k < 9; ++k) nanos *= 10;
    }
    int64_t offset = 0;
    if (!Consume('Z')) {
      if (p_ == end_ || (*p_ != '+' && *p_ != '-')) return false;
      const bool minus = *p_++ == '-';
      int oh, om;
      if (!ParseFixedDigits(2, &oh) || !Consume(':') || !ParseFixedDigits(2, &om)) return false;
      if (oh > 23 || om > 59) return false;
      offset = (minus ? -1 : 1) * (oh * 3600 + om * 60);
    }
    if (!Consume('"')) return false;
    ts->set_seconds(DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset);
    ts->set_nanos(nanos);
    return true;
  }

  bool ParsePerson(v1::Person* m) {
    return ParseObject(t_.person, [&](int number) {
      switch (number) {
        case v1::Person::kIdFieldNumber: return ParseString(m->mutable_id());
        case v1::Person::kNameFieldNumber: return ParseString(m->mutable_name());
        case v1::Person::kTitleFieldNumber: return ParseString(m->mutable_title());
        case v1::Person::kSeniorityFieldNumber:
          return ParseEnum(t_.seniority, [&](int v) { m->set_seniority(static_cast<v1::Seniority>(v)); });
        default: return false;
      }
    });
  }

  bool ParseEvidence(v1::Evidence* m) {
    return ParseObject(t_.evidence, [&](int number) {
      switch (number) {
        case v1::Evidence::kUrlFieldNumber: return ParseString(m->mutable_url());
        case v1::Evidence::kOutletFieldNumber: return ParseString(m->mutable_outlet());
        case v1::Evidence::kSourceTypeFieldNumber:
          return ParseEnum(t_.source_type, [&](int v) { m->set_source_type(static_cast<v1::SourceType>(v)); });
        case v1::Evidence::kPublishedAtFieldNumber: return ParseTimestamp(m->mutable_published_at());
        case v1::Evidence::kRetrievedAtFieldNumber: return ParseTimestamp(m->mutable_retrieved_at());
        case v1::Evidence::kQuoteFieldNumber: return ParseString(m->mutable_quote());
        default: return false;
      }
    });
  }

  bool ParseEvidenceList(v1::Event* e) {
    if (!Consume('[')) return false;
    SkipWs();
    if (Consume(']')) return true;
    while (true) {
      if (!ParseEvidence(e->add_evidence())) return false;
      SkipWs();
      if (Consume(']')) return true;
      if (!Consume(',')) return false;
      SkipWs();
    }
  }

  bool ParsePayload(int number, v1::Event* e) {
    switch (number) {
      case v1::Event::kHireFieldNumber: {
        auto* m = e->mutable_hire();
        return ParseObject(t_.hire, [&](int n) {
          return n == v1::Hire::kFromOrgFieldNumber && ParseString(m->mutable_from_org());
        });
      }
      case v1::Event::kDepartureFieldNumber: {
        auto* m = e->mutable_departure();
        return ParseObject(t_.departure, [&](int n) {
          switch (n) {
            case v1::Departure::kDestinationOrgFieldNumber: return ParseString(m->mutable_destination_org());
            case v1::Departure::kDestinationKindFieldNumber:
              return ParseEnum(t_.destination_kind,
                               [&](int v) { m->set_destination_kind(static_cast<v1::DestinationKind>(v)); });
            case v1::Departure::kReasonFieldNumber: return ParseString(m->mutable_reason());
            case v1::Departure::kRegrettedFieldNumber: {
              bool b;
              if (!ParseBool(&b)) return false;
              m->set_regretted(b);
              return true;
            }
            default: return false;
          }
        });
      }
      case v1::Event::kTransferOutFieldNumber: {
        auto* m = e->mutable_transfer_out();
        return ParseObject(t_.transfer_out, [&](int n) {
          return n == v1::TransferOut::kToTeamFieldNumber && ParseString(m->mutable_to_team());
        });
      }
      case v1::Event::kTransferInFieldNumber: {
        auto* m = e->mutable_transfer_in();
        return ParseObject(t_.transfer_in, [&](int n) {
          return n == v1::TransferIn::kFromTeamFieldNumber && ParseString(m->mutable_from_team());
        });
      }
      case v1::Event::kReprioritisationFieldNumber: {
        auto* m = e->mutable_reprioritisation();
        return ParseObject(t_.reprioritisation, [&](int n) {
          switch (n) {
            case v1::Reprioritisation::kPriorityFieldNumber:
              return ParseEnum(t_.priority, [&](int v) { m->set_priority(static_cast<v1::Priority>(v)); });
            case v1::Reprioritisation::kRationaleFieldNumber: return ParseString(m->mutable_rationale());
            default: return false;
          }
        });
      }
      case v1::Event::kBudgetChangeFieldNumber: {
        auto* m = e->mutable_budget_change();
        return ParseObject(t_.budget_change, [&](int n) {
          return n == v1::BudgetChange::kStatusFieldNumber &&
                 ParseEnum(t_.budget_status, [&](int v) { m->set_status(static_cast<v1::BudgetStatus>(v)); });
        });
      }
      case v1::Event::kComputeReallocationFieldNumber: {
        auto* m = e->mutable_compute_reallocation();
        return ParseObject(t_.compute_reallocation, [&](int n) {
          switch (n) {
            case v1::ComputeReallocation::kToTeamFieldNumber: return ParseString(m->mutable_to_team());
            case v1::ComputeReallocation::kShareFieldNumber: {
              double d;
              if (!ParseDouble(&d)) return false;
              m->set_share(d);
              return true;
            }
            case v1::ComputeReallocation::kNoteFieldNumber: return ParseString(m->mutable_note());
            default: return false;
          }
        });
      }
      case v1::Event::kRetentionActionFieldNumber: {
        auto* m = e->mutable_retention_action();
        return ParseObject(t_.retention_action, [&](int n) {
          switch (n) {
            case v1::RetentionAction::kKindFieldNumber:
              return ParseEnum(t_.retention_kind, [&](int v) { m->set_kind(static_cast<v1::RetentionKind>(v)); });
            case v1::RetentionAction::kPopulationFieldNumber: return ParseString(m->mutable_population());
            case v1::RetentionAction::kNoteFieldNumber: return ParseString(m->mutable_note());
            default: return false;
          }
        });
      }
      case v1::Event::kTeamChangeFieldNumber: {
        auto* m = e->mutable_team_change();
        return ParseObject(t_.team_change, [&](int n) {
          switch (n) {
            case v1::TeamChange::kKindFieldNumber:
              return ParseEnum(t_.team_change_kind, [&](int v) { m->set_kind(static_cast<v1::TeamChangeKind>(v)); });
            case v1::TeamChange::kIntoTeamFieldNumber: return ParseString(m->mutable_into_team());
            case v1::TeamChange::kNewNameFieldNumber: return ParseString(m->mutable_new_name());
            default: return false;
          }
        });
      }
      case v1::Event::kHeadcountReportFieldNumber: {
        auto* m = e->mutable_headcount_report();
        return ParseObject(t_.headcount_report, [&](int n) {
          int32_t v;
          if (n != v1::HeadcountReport::kHeadcountFieldNumber || !ParseInt32(&v)) return false;
          m->set_headcount(v);
          return true;
        });
      }
      case v1::Event::kRetractionFieldNumber: {
        auto* m = e->mutable_retraction();
        return ParseObject(t_.retraction, [&](int n) {
          switch (n) {
            case v1::Retraction::kTargetEventIdFieldNumber: return ParseString(m->mutable_target_event_id());
            case v1::Retraction::kReasonFieldNumber: return ParseString(m->mutable_reason());
            default: return false;
          }
        });
      }
      default: return false;
    }
  }

  bool ParseEvent(v1::Event* e) {
    bool payload_seen = false;
    return ParseObject(t_.event, [&](int number) {
      switch (number) {
        case v1::Event::kEventIdFieldNumber: return ParseString(e->mutable_event_id());
        case v1::Event::kIdempotencyKeyFieldNumber: return ParseString(e->mutable_idempotency_key());
        case v1::Event::kCorrelationIdFieldNumber: return ParseString(e->mutable_correlation_id());
        case v1::Event::kSchemaVersionFieldNumber: {
          uint32_t v;
          if (!ParseUint32(&v)) return false;
          e->set_schema_version(v);
          return true;
        }
        case v1::Event::kOrgFieldNumber: return ParseString(e->mutable_org());
        case v1::Event::kTeamFieldNumber: return ParseString(e->mutable_team());
        case v1::Event::kPersonFieldNumber: return ParsePerson(e->mutable_person());
        case v1::Event::kEffectiveTimeFieldNumber: return ParseTimestamp(e->mutable_effective_time());
        case v1::Event::kDatePrecisionFieldNumber:
          return ParseEnum(t_.date_precision, [&](int v) { e->set_date_precision(static_cast<v1::DatePrecision>(v)); });
        case v1::Event::kAnnouncedTimeFieldNumber: return ParseTimestamp(e->mutable_announced_time());
        case v1::Event::kRecordedTimeFieldNumber: return ParseTimestamp(e->mutable_recorded_time());
        case v1::Event::kConfidenceFieldNumber:
          return ParseEnum(t_.confidence, [&](int v) { e->set_confidence(static_cast<v1::Confidence>(v)); });
        case v1::Event::kCorroborationFieldNumber: {
          uint32_t v;
          if (!ParseUint32(&v)) return false;
          e->set_corroboration(v);
          return true;
        }
        case v1::Event::kEvidenceFieldNumber: return ParseEvidenceList(e);
        case v1::Event::kRecordedByFieldNumber: return ParseString(e->mutable_recorded_by());
        default:
          if (payload_seen) return false;  // protobuf rejects a second member of the oneof
          payload_seen = true;
          return ParsePayload(number, e);
      }
    });
  }

  const char* p_;
  const char* end_;
  const Tables& t_;
};

}  // namespace

bool ParseEventJsonFast(absl::string_view json, v1::Event* event) {
  event->Clear();
  return Parser(json).ParseLine(event);
}

absl::Status ParseEventJsonReference(absl::string_view json, v1::Event* event) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto st = google::protobuf::util::JsonStringToMessage(std::string(json), event, options);
  if (!st.ok()) return absl::InvalidArgumentError(st.message().as_string());
  return absl::OkStatus();
}

}  // namespace talentflow::ingest
