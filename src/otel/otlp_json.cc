#include "otel/otlp_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <locale.h>
#include <malloc.h>
#include <simdjson.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "opentelemetry/proto/common/v1/common.pb.h"

namespace cc::otel {
namespace {

namespace pb = google::protobuf;
namespace dom = simdjson::dom;
namespace common = opentelemetry::proto::common::v1;
using Cpp = pb::FieldDescriptor::CppType;

// Protobuf's JSON parser refuses objects nested deeper (lists do not count).
constexpr int kMaxObjectDepth = 100;

// Where a value is in the body: a chain through the decoder's stack frames,
// spelled out only for an error message.
struct Path {
  static constexpr size_t kNoIndex = SIZE_MAX;
  const Path* parent = nullptr;
  std::string_view key;  // As written in the body; empty for a list element.
  size_t index = kNoIndex;
};

std::string Spell(const Path& at) {
  std::vector<const Path*> chain;
  for (const Path* p = &at; p != nullptr; p = p->parent) chain.push_back(p);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!(*it)->key.empty()) {
      if (!out.empty()) out += '.';
      out += (*it)->key;
    }
    if ((*it)->index != Path::kNoIndex) {
      out += '[';
      out += std::to_string((*it)->index);
      out += ']';
    }
  }
  return out;
}

Status Bad(const Path& at, std::string_view what) {
  const std::string where = Spell(at);
  return Status::InvalidArgument(
      where.empty() ? std::string(what) : where + ": " + std::string(what));
}

// "expected ..., got <the value, abridged>".
Status Wrong(const Path& at, std::string_view expected, dom::element got) {
  std::string text = simdjson::minify(got);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return Bad(at, "expected " + std::string(expected) + ", got " + text);
}

// Keys are a field's JSON name (lowerCamelCase) or its proto name. Few
// fields a message: a scan beats hashing.
const pb::FieldDescriptor* FieldNamed(const pb::Descriptor* d,
                                      std::string_view key) {
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->json_name() == key || f->name() == key) return f;
  }
  return nullptr;
}

// OTLP/JSON's one change to protobuf's JSON mapping: these are hex.
bool IsHexId(const pb::FieldDescriptor* f) {
  return f->name() == "trace_id" || f->name() == "span_id";
}

// How deep objects nest in v (1 for an object of scalars; lists do not
// count). Bounded by simdjson's depth limit.
int ObjectDepth(dom::element v) {
  int deepest = 0;
  if (dom::array list; v.get(list) == simdjson::SUCCESS) {
    for (dom::element e : list) deepest = std::max(deepest, ObjectDepth(e));
    return deepest;
  }
  if (dom::object o; v.get(o) == simdjson::SUCCESS) {
    for (dom::key_value_pair kv : o)
      deepest = std::max(deepest, ObjectDepth(kv.value));
    return deepest + 1;
  }
  return 0;
}

// --- Scalars, converted as protobuf 3.21's DataPiece converts them. ---

// "[+-]digits", nothing else (safe_strto32/64 and safe_strtou32/64, after
// DataPiece's refusal of a space at either end).
template <typename Int>
std::optional<Int> DecimalString(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || (negative && !std::numeric_limits<Int>::is_signed))
    return std::nullopt;
  uint64_t magnitude = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (magnitude > (UINT64_MAX - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  if (!negative) {
    if (!std::in_range<Int>(magnitude)) return std::nullopt;
    return static_cast<Int>(magnitude);
  }
  if (magnitude > static_cast<uint64_t>(std::numeric_limits<Int>::max()) + 1) {
    return std::nullopt;
  }
  return static_cast<Int>(static_cast<int64_t>(0 - magnitude));
}

// A double with an integral value in Int's range. The bounds are powers of
// two, so exact as doubles.
template <typename Int>
std::optional<Int> IntegralDouble(double d) {
  const double top = std::ldexp(1.0, std::numeric_limits<Int>::digits);
  const double bottom = std::numeric_limits<Int>::is_signed ? -top : 0.0;
  if (!(d >= bottom && d < top) || d != std::trunc(d)) return std::nullopt;
  return static_cast<Int>(d);
}

template <typename Int, typename Wide>
std::optional<Int> Narrow(Wide v) {
  if (!std::in_range<Int>(v)) return std::nullopt;
  return static_cast<Int>(v);
}

// An integer field's value: a number with an integral value, or a
// decimal string.
template <typename Int>
std::optional<Int> IntegerOf(dom::element v) {
  switch (v.type()) {
    case dom::element_type::INT64:
      return Narrow<Int>(v.get_int64().value_unsafe());
    case dom::element_type::UINT64:
      return Narrow<Int>(v.get_uint64().value_unsafe());
    case dom::element_type::DOUBLE:
      return IntegralDouble<Int>(v.get_double().value_unsafe());
    case dom::element_type::STRING:
      return DecimalString<Int>(v.get_string().value_unsafe());
    default:
      return std::nullopt;
  }
}

locale_t CLocale() {
  static const locale_t c = newlocale(LC_ALL_MASK, "C", nullptr);
  return c;
}

// The three names, else strtod's syntax in the C locale (so "0x10", ".5",
// " 1" but a space at either end refused, trailing whitespace allowed), and
// finite: DataPiece::ToDouble with safe_strtod.
std::optional<double> DoubleString(std::string_view s) {
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return std::nullopt;
  // NUL-terminated: strtod stops at an embedded NUL, as protobuf's does.
  const std::string text(s);
  char* end = nullptr;
  const locale_t c = CLocale();
  const double d = c != nullptr ? strtod_l(text.c_str(), &end, c)
                                : std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return std::nullopt;
  while (*end == ' ' || (*end >= '\t' && *end <= '\r')) ++end;
  if (*end != '\0' || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<double> DoubleOf(dom::element v) {
  switch (v.type()) {
    case dom::element_type::INT64:
      return static_cast<double>(v.get_int64().value_unsafe());
    case dom::element_type::UINT64:
      return static_cast<double>(v.get_uint64().value_unsafe());
    case dom::element_type::DOUBLE:
      return v.get_double().value_unsafe();
    case dom::element_type::STRING:
      return DoubleString(v.get_string().value_unsafe());
    default:
      return std::nullopt;
  }
}

bool CaseEqual(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return (x >= 'A' && x <= 'Z' ? x + ('a' - 'A') : x) == y;
  });
}

// true/false, or the strings protobuf's safe_strtob takes, in any case.
std::optional<bool> BoolOf(dom::element v) {
  if (v.is_bool()) return v.get_bool().value_unsafe();
  if (!v.is_string()) return std::nullopt;
  const std::string_view s = v.get_string().value_unsafe();
  for (std::string_view t : {"true", "t", "yes", "y", "1"}) {
    if (CaseEqual(s, t)) return true;
  }
  for (std::string_view f : {"false", "f", "no", "n", "0"}) {
    if (CaseEqual(s, f)) return false;
  }
  return std::nullopt;
}

int Nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool HexBytes(std::string_view s, std::string* out) {
  if (s.size() % 2 != 0) return false;
  out->resize(s.size() / 2);
  for (size_t i = 0; i < out->size(); ++i) {
    const int hi = Nibble(s[2 * i]);
    const int lo = Nibble(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<char>(hi << 4 | lo);
  }
  return true;
}

int Sextet(char c, bool url_safe) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (url_safe ? '-' : '+')) return 62;
  if (c == (url_safe ? '_' : '/')) return 63;
  return -1;
}

// Unpadded base64 of one alphabet, its unused low bits zero.
bool DecodeSextets(std::string_view s, bool url_safe, std::string* out) {
  out->clear();
  uint32_t bits = 0;
  int held = 0;
  for (char c : s) {
    const int v = Sextet(c, url_safe);
    if (v < 0) return false;
    bits = (bits << 6 | static_cast<uint32_t>(v)) & 0xFFFFFF;
    held += 6;
    if (held >= 8) {
      held -= 8;
      out->push_back(static_cast<char>(bits >> held & 0xFF));
    }
  }
  return (bits & ((1u << held) - 1)) == 0;
}

// Base64 as protobuf's parser takes it (DataPiece::DecodeBase64, strict):
// the URL-safe or the standard alphabet, padded with '=' or not, and
// canonical: no whitespace, no stray bits.
bool Base64Bytes(std::string_view s, std::string* out) {
  const size_t data = s.find_last_not_of('=') + 1;  // 0 when all '='.
  const size_t padding = s.size() - data;
  s = s.substr(0, data);
  if (s.size() % 4 == 1) return false;
  if (padding != 0 && padding != (4 - s.size() % 4) % 4) return false;
  return DecodeSextets(s, /*url_safe=*/true, out) ||
         DecodeSextets(s, /*url_safe=*/false, out);
}

// --- Messages. ---

// The field a value goes into. GetReflection() costs a call_once: once
// an object.
struct Target {
  pb::Message* m;
  const pb::Reflection* r;
  const pb::FieldDescriptor* f;
  const Path& at;
};

Status DecodeObject(dom::object o, pb::Message* m, const pb::Descriptor* d,
                    int depth, const Path& at);

// What a field's values must be, for an error message.
std::string_view Expected(const pb::FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case Cpp::CPPTYPE_MESSAGE:
      return "an object";
    case Cpp::CPPTYPE_STRING:
      if (f->type() != pb::FieldDescriptor::TYPE_BYTES) return "a string";
      return IsHexId(f) ? "a hex string" : "a base64 string";
    case Cpp::CPPTYPE_ENUM:
      return "an enum value (an integer or a name)";
    case Cpp::CPPTYPE_INT32:
      return "a 32-bit integer (a number or a decimal string)";
    case Cpp::CPPTYPE_INT64:
      return "a 64-bit integer (a number or a decimal string)";
    case Cpp::CPPTYPE_UINT32:
      return "an unsigned 32-bit integer (a number or a decimal string)";
    case Cpp::CPPTYPE_UINT64:
      return "an unsigned 64-bit integer (a number or a decimal string)";
    case Cpp::CPPTYPE_DOUBLE:
      return "a number";
    case Cpp::CPPTYPE_BOOL:
      return "true or false";
    case Cpp::CPPTYPE_FLOAT:
      break;
  }
  return "a float (OTLP has none)";
}

// An unknown field's value: ignored, but its objects count for the depth.
Status SkipUnknown(dom::element v, int depth, const Path& at) {
  if (depth + ObjectDepth(v) > kMaxObjectDepth) {
    return Bad(at, "objects nested more than 100 deep");
  }
  return Status::Ok();
}

// Sets, or for a repeated field appends, a converted scalar.
template <typename T>
Status Put(std::optional<T> value, dom::element v, const Target& t,
           void (pb::Reflection::*set)(pb::Message*, const pb::FieldDescriptor*,
                                       T) const,
           void (pb::Reflection::*add)(pb::Message*, const pb::FieldDescriptor*,
                                       T) const) {
  if (!value) return Wrong(t.at, Expected(t.f), v);
  (t.r->*(t.f->is_repeated() ? add : set))(t.m, t.f, *value);
  return Status::Ok();
}

Status PutString(dom::element v, const Target& t) {
  std::string_view s;
  std::string bytes;
  if (v.get(s) != simdjson::SUCCESS) return Wrong(t.at, Expected(t.f), v);
  if (t.f->type() != pb::FieldDescriptor::TYPE_BYTES) {
    bytes.assign(s);
  } else if (IsHexId(t.f) ? !HexBytes(s, &bytes) : !Base64Bytes(s, &bytes)) {
    return Wrong(t.at, Expected(t.f), v);
  }
  if (t.f->is_repeated()) {
    t.r->AddString(t.m, t.f, std::move(bytes));
  } else {
    t.r->SetString(t.m, t.f, std::move(bytes));
  }
  return Status::Ok();
}

// A number (any int32: enums are open), a value's name, or a declared
// value as a decimal string; any other string is an unknown value, which
// protobuf's parser ignores when it ignores unknown fields.
Status PutEnum(dom::element v, const Target& t) {
  std::optional<int> number;
  if (v.is_string()) {
    const std::string_view s = v.get_string().value_unsafe();
    const pb::EnumDescriptor* e = t.f->enum_type();
    const pb::EnumValueDescriptor* value = e->FindValueByName(std::string(s));
    if (value == nullptr) {
      if (std::optional<int32_t> n = DecimalString<int32_t>(s)) {
        value = e->FindValueByNumber(*n);
      }
    }
    if (value == nullptr) return Status::Ok();
    number = value->number();
  } else {
    number = IntegerOf<int32_t>(v);
  }
  return Put<int>(number, v, t, &pb::Reflection::SetEnumValue,
                  &pb::Reflection::AddEnumValue);
}

// One value of the field (one element, for a repeated field).
Status DecodeValue(dom::element v, const Target& t, int depth) {
  using R = pb::Reflection;
  switch (t.f->cpp_type()) {
    case Cpp::CPPTYPE_MESSAGE: {
      dom::object o;
      if (v.get(o) != simdjson::SUCCESS) return Wrong(t.at, Expected(t.f), v);
      pb::Message* child = t.f->is_repeated() ? t.r->AddMessage(t.m, t.f)
                                              : t.r->MutableMessage(t.m, t.f);
      return DecodeObject(o, child, t.f->message_type(), depth + 1, t.at);
    }
    case Cpp::CPPTYPE_STRING:
      return PutString(v, t);
    case Cpp::CPPTYPE_ENUM:
      return PutEnum(v, t);
    case Cpp::CPPTYPE_INT32:
      return Put(IntegerOf<int32_t>(v), v, t, &R::SetInt32, &R::AddInt32);
    case Cpp::CPPTYPE_INT64:
      return Put(IntegerOf<int64_t>(v), v, t, &R::SetInt64, &R::AddInt64);
    case Cpp::CPPTYPE_UINT32:
      return Put(IntegerOf<uint32_t>(v), v, t, &R::SetUInt32, &R::AddUInt32);
    case Cpp::CPPTYPE_UINT64:
      return Put(IntegerOf<uint64_t>(v), v, t, &R::SetUInt64, &R::AddUInt64);
    case Cpp::CPPTYPE_DOUBLE:
      return Put(DoubleOf(v), v, t, &R::SetDouble, &R::AddDouble);
    case Cpp::CPPTYPE_BOOL:
      return Put(BoolOf(v), v, t, &R::SetBool, &R::AddBool);
    case Cpp::CPPTYPE_FLOAT:
      break;
  }
  return Wrong(t.at, Expected(t.f), v);
}

// A repeated field's value: a list (nulls skipped, nested lists flattened,
// as in protobuf's parser), or a single element. Each element to `one`.
template <typename One>
Status ForEachElement(dom::element v, const Path& at, const One& one) {
  dom::array list;
  if (v.get(list) != simdjson::SUCCESS) return one(v, at);
  size_t index = 0;
  for (dom::element e : list) {
    const Path here{&at, {}, index++};
    if (e.is_null()) continue;
    if (Status s = ForEachElement(e, here, one); !s.ok()) return s;
  }
  return Status::Ok();
}

// Proto3 `optional` fields are oneofs of one: protobuf's parser counts
// them too. `set` holds the oneofs of this object set so far, by index.
Status TakeOneof(const pb::FieldDescriptor* f, uint64_t* set, const Path& at) {
  const pb::OneofDescriptor* one = f->containing_oneof();
  if (one == nullptr) return Status::Ok();
  if (one->index() >= 64) return Bad(at, "too many oneofs");
  const uint64_t bit = uint64_t{1} << one->index();
  if ((*set & bit) != 0) {
    return Bad(at,
               "another member of oneof " + one->name() + " is already set");
  }
  *set |= bit;
  return Status::Ok();
}

// descriptor() costs a call_once each time.
const pb::Descriptor* KeyValueType() {
  static const pb::Descriptor* const d = common::KeyValue::descriptor();
  return d;
}

const pb::Descriptor* AnyValueType() {
  static const pb::Descriptor* const d = common::AnyValue::descriptor();
  return d;
}

// The hot path: attributes are most of a body, and reflection costs twice
// what generated accessors do. The same rules as the generic path below.
Status DecodeAnyValue(dom::object o, common::AnyValue* any, int depth,
                      const Path& at) {
  if (depth > kMaxObjectDepth)
    return Bad(at, "objects nested more than 100 deep");
  const pb::Descriptor* d = AnyValueType();
  bool set = false;  // All of AnyValue's fields are the oneof `value`.
  for (dom::key_value_pair kv : o) {
    const Path here{&at, kv.key};
    const pb::FieldDescriptor* f = FieldNamed(d, kv.key);
    if (f == nullptr) {
      if (Status s = SkipUnknown(kv.value, depth, here); !s.ok()) return s;
      continue;
    }
    if (kv.value.is_null()) continue;
    if (kv.value.is_array())
      return Wrong(here, "one value, not a list", kv.value);
    if (set) return Bad(here, "another member of oneof value is already set");
    set = true;
    bool ok = false;
    switch (f->number()) {
      case common::AnyValue::kStringValueFieldNumber: {
        std::string_view s;
        ok = kv.value.get(s) == simdjson::SUCCESS;
        if (ok) any->set_string_value(std::string(s));
        break;
      }
      case common::AnyValue::kIntValueFieldNumber:
        if (std::optional<int64_t> i = IntegerOf<int64_t>(kv.value)) {
          any->set_int_value(*i);
          ok = true;
        }
        break;
      case common::AnyValue::kDoubleValueFieldNumber:
        if (std::optional<double> x = DoubleOf(kv.value)) {
          any->set_double_value(*x);
          ok = true;
        }
        break;
      case common::AnyValue::kBoolValueFieldNumber:
        if (std::optional<bool> b = BoolOf(kv.value)) {
          any->set_bool_value(*b);
          ok = true;
        }
        break;
      case common::AnyValue::kBytesValueFieldNumber: {
        std::string_view s;
        std::string bytes;
        ok = kv.value.get(s) == simdjson::SUCCESS && Base64Bytes(s, &bytes);
        if (ok) any->set_bytes_value(std::move(bytes));
        break;
      }
      default: {  // arrayValue, kvlistValue.
        dom::object value;
        if (kv.value.get(value) != simdjson::SUCCESS) break;
        pb::Message* child =
            f->number() == common::AnyValue::kArrayValueFieldNumber
                ? static_cast<pb::Message*>(any->mutable_array_value())
                : any->mutable_kvlist_value();
        if (Status s =
                DecodeObject(value, child, f->message_type(), depth + 1, here);
            !s.ok()) {
          return s;
        }
        ok = true;
      }
    }
    if (!ok) return Wrong(here, Expected(f), kv.value);
  }
  return Status::Ok();
}

// KeyValue's JSON names are its proto names.
Status DecodeKeyValue(dom::object o, common::KeyValue* out, int depth,
                      const Path& at) {
  if (depth > kMaxObjectDepth)
    return Bad(at, "objects nested more than 100 deep");
  for (dom::key_value_pair kv : o) {
    const Path here{&at, kv.key};
    const bool is_key = kv.key == "key";
    if (!is_key && kv.key != "value") {
      if (Status s = SkipUnknown(kv.value, depth, here); !s.ok()) return s;
      continue;
    }
    if (kv.value.is_null()) continue;
    if (kv.value.is_array())
      return Wrong(here, "one value, not a list", kv.value);
    if (is_key) {
      std::string_view s;
      if (kv.value.get(s) != simdjson::SUCCESS)
        return Wrong(here, "a string", kv.value);
      out->set_key(std::string(s));
      continue;
    }
    dom::object value;
    if (kv.value.get(value) != simdjson::SUCCESS)
      return Wrong(here, "an object", kv.value);
    if (Status s = DecodeAnyValue(value, out->mutable_value(), depth + 1, here);
        !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

// The typed list, for Add() without AddMessage's reflection. Deprecated
// for GetMutableRepeatedFieldRef, whose Add copies a message in.
pb::RepeatedPtrField<common::KeyValue>* KeyValues(const Target& t) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  return t.r->MutableRepeatedPtrField<common::KeyValue>(t.m, t.f);
#pragma GCC diagnostic pop
}

// A repeated field's elements; attributes by the hot path.
Status DecodeRepeated(dom::element v, const Target& t, int depth) {
  if (t.f->message_type() == KeyValueType()) {
    pb::RepeatedPtrField<common::KeyValue>* list = KeyValues(t);
    return ForEachElement(v, t.at, [&](dom::element e, const Path& at) {
      dom::object o;
      if (e.get(o) != simdjson::SUCCESS) return Wrong(at, Expected(t.f), e);
      return DecodeKeyValue(o, list->Add(), depth + 1, at);
    });
  }
  return ForEachElement(v, t.at, [&](dom::element e, const Path& at) {
    return DecodeValue(e, Target{t.m, t.r, t.f, at}, depth);
  });
}

// `o`, at `depth` objects deep, into m (of type d).
Status DecodeObject(dom::object o, pb::Message* m, const pb::Descriptor* d,
                    int depth, const Path& at) {
  // The generated classes only: a dynamic pool's KeyValue has another
  // descriptor and takes the generic path.
  if (d == KeyValueType())
    return DecodeKeyValue(o, static_cast<common::KeyValue*>(m), depth, at);
  if (d == AnyValueType())
    return DecodeAnyValue(o, static_cast<common::AnyValue*>(m), depth, at);
  if (depth > kMaxObjectDepth)
    return Bad(at, "objects nested more than 100 deep");
  const pb::Reflection* r = m->GetReflection();
  uint64_t oneofs_set = 0;
  for (dom::key_value_pair kv : o) {
    const Path here{&at, kv.key};
    const pb::FieldDescriptor* f = FieldNamed(d, kv.key);
    if (f == nullptr) {
      if (Status s = SkipUnknown(kv.value, depth, here); !s.ok()) return s;
      continue;
    }
    if (kv.value.is_null()) continue;  // The field's absence.
    const Target t{m, r, f, here};
    Status s = Status::Ok();
    if (f->is_repeated()) {
      s = DecodeRepeated(kv.value, t, depth);
    } else if (kv.value.is_array()) {
      s = Wrong(here, "one value, not a list", kv.value);
    } else if (s = TakeOneof(f, &oneofs_set, here); s.ok()) {
      s = DecodeValue(kv.value, t, depth);
    }
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// The DOM API: libsimdjson picks its SIMD kernels at run time; On-Demand
// is compiled into the caller, for the build's baseline target here.
Status Decode(std::string_view body, pb::Message* out) {
  dom::parser parser;
  dom::element root;
  if (simdjson::error_code e =
          parser.parse(body.data(), body.size()).get(root)) {
    return Status::InvalidArgument(std::string("not JSON: ") +
                                   simdjson::error_message(e));
  }
  dom::object o;
  if (root.get(o) != simdjson::SUCCESS)
    return Status::InvalidArgument("not a JSON object");
  return DecodeObject(o, out, out->GetDescriptor(), 1, Path{});
}

// Smaller bodies leave less behind than a trim costs.
constexpr size_t kTrimAfterBytes = 128 * 1024;

}  // namespace

Status DecodeOtlpJson(std::string_view body, pb::Message* out) {
  Status s = Decode(body, out);
  // The parser's buffers come to ~15 bytes per byte of body. After the
  // first is freed glibc raises its mmap threshold, serves the next ones
  // from the worker thread's arena, and keeps their pages when they merge
  // into that arena's top (malloc_trim does not trim a thread arena's top):
  // otel_bench's idle receiver held +5.9 MB after the load instead of
  // +4.4. Trimmed now, while they are a free chunk under the message.
  if (body.size() >= kTrimAfterBytes) malloc_trim(0);
  return s;
}

}  // namespace cc::otel
