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
#include <type_traits>
#include <utility>

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

// Appends where `at` is: "resourceLogs[0].scopeLogs[0].logRecords[3]".
void Spell(const Path& at, std::string* out) {
  if (at.parent != nullptr) Spell(*at.parent, out);
  if (!at.key.empty()) {
    if (!out->empty()) *out += '.';
    *out += at.key;
  }
  if (at.index != Path::kNoIndex) {
    *out += '[';
    *out += std::to_string(at.index);
    *out += ']';
  }
}

Status Bad(const Path& at, std::string_view what) {
  std::string where;
  Spell(at, &where);
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

// A JSON number as a T: any number for a double; for an integer, an
// integral value in T's range (as a double, against bounds that are powers
// of two, so exact).
template <typename T, typename Number>
std::optional<T> Convert(Number n) {
  if constexpr (std::is_integral_v<T> && std::is_floating_point_v<Number>) {
    const double top = std::ldexp(1.0, std::numeric_limits<T>::digits);
    const double bottom = std::numeric_limits<T>::is_signed ? -top : 0.0;
    if (!(n >= bottom && n < top) || n != std::trunc(n)) return std::nullopt;
  } else if constexpr (std::is_integral_v<T>) {
    if (!std::in_range<T>(n)) return std::nullopt;
  }
  return static_cast<T>(n);
}

// A number field's value: a number, or a string (decimal for an integer,
// DoubleString's syntax for a double).
template <typename T>
std::optional<T> NumberOf(dom::element v) {
  switch (v.type()) {
    case dom::element_type::INT64:
      return Convert<T>(v.get_int64().value_unsafe());
    case dom::element_type::UINT64:
      return Convert<T>(v.get_uint64().value_unsafe());
    case dom::element_type::DOUBLE:
      return Convert<T>(v.get_double().value_unsafe());
    case dom::element_type::STRING:
      if constexpr (std::is_floating_point_v<T>) {
        return DoubleString(v.get_string().value_unsafe());
      } else {
        return DecimalString<T>(v.get_string().value_unsafe());
      }
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
  for (std::string_view t : {"true", "t", "yes", "y", "1"})
    if (CaseEqual(s, t)) return true;
  for (std::string_view f : {"false", "f", "no", "n", "0"})
    if (CaseEqual(s, f)) return false;
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

constexpr std::string_view kTooDeep = "objects nested more than 100 deep";

// A generated class's descriptor (descriptor() costs a call_once each time).
template <typename M>
const pb::Descriptor* TypeOf() {
  static const pb::Descriptor* const d = M::descriptor();
  return d;
}

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

// A string field's value; a bytes field's, decoded.
std::optional<std::string> StringOf(dom::element v,
                                    const pb::FieldDescriptor* f) {
  std::string_view s;
  if (v.get(s) != simdjson::SUCCESS) return std::nullopt;
  std::string bytes;
  if (f->type() != pb::FieldDescriptor::TYPE_BYTES) {
    bytes.assign(s);
  } else if (IsHexId(f) ? !HexBytes(s, &bytes) : !Base64Bytes(s, &bytes)) {
    return std::nullopt;
  }
  return bytes;
}

// The converted value to `set`; none: `v` is wrong for `f`.
template <typename T, typename Set>
Status Store(std::optional<T> value, dom::element v,
             const pb::FieldDescriptor* f, const Path& at, const Set& set) {
  if (!value) return Wrong(at, Expected(f), v);
  set(std::move(*value));
  return Status::Ok();
}

// The field a value goes into. GetReflection() costs a call_once: once
// an object.
struct Target {
  pb::Message* m;
  const pb::Reflection* r;
  const pb::FieldDescriptor* f;
  const Path& at;
};

// Sets, or for a repeated field appends, a converted scalar.
// `set` and `add` are Reflection's setter and adder of a T.
template <typename T, typename Method>
Status Put(std::optional<T> value, dom::element v, const Target& t, Method set,
           Method add) {
  return Store(std::move(value), v, t.f, t.at, [&](T x) {
    (t.r->*(t.f->is_repeated() ? add : set))(t.m, t.f, std::move(x));
  });
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
    number = NumberOf<int32_t>(v);
  }
  return Put<int>(number, v, t, &pb::Reflection::SetEnumValue,
                  &pb::Reflection::AddEnumValue);
}

Status DecodeObject(dom::object o, pb::Message* m, const pb::Descriptor* d,
                    int depth, const Path& at);

// A message field's value (`v`, `depth` objects deep, for `f`) into
// `child()`, which is called once `v` is known to be an object.
template <typename Child>
Status DecodeChild(dom::element v, const pb::FieldDescriptor* f, int depth,
                   const Path& at, const Child& child) {
  dom::object o;
  if (v.get(o) != simdjson::SUCCESS) return Wrong(at, Expected(f), v);
  return DecodeObject(o, child(), f->message_type(), depth + 1, at);
}

// One value of the field (one element, for a repeated field).
Status DecodeValue(dom::element v, const Target& t, int depth) {
  using R = pb::Reflection;
  switch (t.f->cpp_type()) {
    case Cpp::CPPTYPE_MESSAGE:
      return DecodeChild(v, t.f, depth, t.at, [&t] {
        return t.f->is_repeated() ? t.r->AddMessage(t.m, t.f)
                                  : t.r->MutableMessage(t.m, t.f);
      });
    case Cpp::CPPTYPE_STRING:
      return Put(StringOf(v, t.f), v, t, &R::SetString, &R::AddString);
    case Cpp::CPPTYPE_ENUM:
      return PutEnum(v, t);
    case Cpp::CPPTYPE_INT32:
      return Put(NumberOf<int32_t>(v), v, t, &R::SetInt32, &R::AddInt32);
    case Cpp::CPPTYPE_INT64:
      return Put(NumberOf<int64_t>(v), v, t, &R::SetInt64, &R::AddInt64);
    case Cpp::CPPTYPE_UINT32:
      return Put(NumberOf<uint32_t>(v), v, t, &R::SetUInt32, &R::AddUInt32);
    case Cpp::CPPTYPE_UINT64:
      return Put(NumberOf<uint64_t>(v), v, t, &R::SetUInt64, &R::AddUInt64);
    case Cpp::CPPTYPE_DOUBLE:
      return Put(NumberOf<double>(v), v, t, &R::SetDouble, &R::AddDouble);
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

// The members of `o`, an object of type d `depth` deep, by the rules every
// object shares: an unknown field is ignored, but its objects count for the
// depth; null is the field's absence; a list is refused for a field that
// is not repeated, so is a second member of a oneof. Each other member's
// field, value and path to `put`.
template <typename PutMember>
Status ForEachMember(dom::object o, const pb::Descriptor* d, int depth,
                     const Path& at, const PutMember& put) {
  if (depth > kMaxObjectDepth) return Bad(at, kTooDeep);
  uint64_t oneofs_set = 0;
  for (dom::key_value_pair kv : o) {
    const Path here{&at, kv.key};
    const pb::FieldDescriptor* f = FieldNamed(d, kv.key);
    if (f == nullptr) {
      if (depth + ObjectDepth(kv.value) > kMaxObjectDepth)
        return Bad(here, kTooDeep);
      continue;
    }
    if (kv.value.is_null()) continue;
    Status s = Status::Ok();
    if (!f->is_repeated() && kv.value.is_array()) {
      s = Wrong(here, "one value, not a list", kv.value);
    } else if (s = TakeOneof(f, &oneofs_set, here); s.ok()) {
      s = put(f, kv.value, here);
    }
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// The hot path: attributes are most of a body, and reflection costs twice
// what generated accessors do. The same rules as DecodeValue's.
Status DecodeAnyValue(dom::object o, common::AnyValue* any, int depth,
                      const Path& at) {
  return ForEachMember(
      o, TypeOf<common::AnyValue>(), depth, at,
      [&](const pb::FieldDescriptor* f, dom::element v, const Path& here) {
        switch (f->number()) {
          case common::AnyValue::kStringValueFieldNumber:
            return Store(StringOf(v, f), v, f, here, [any](auto s) {
              any->set_string_value(std::move(s));
            });
          case common::AnyValue::kBytesValueFieldNumber:
            return Store(StringOf(v, f), v, f, here,
                         [any](auto s) { any->set_bytes_value(std::move(s)); });
          case common::AnyValue::kIntValueFieldNumber:
            return Store(NumberOf<int64_t>(v), v, f, here,
                         [any](auto i) { any->set_int_value(i); });
          case common::AnyValue::kDoubleValueFieldNumber:
            return Store(NumberOf<double>(v), v, f, here,
                         [any](auto x) { any->set_double_value(x); });
          case common::AnyValue::kBoolValueFieldNumber:
            return Store(BoolOf(v), v, f, here,
                         [any](auto b) { any->set_bool_value(b); });
          case common::AnyValue::kArrayValueFieldNumber:
            return DecodeChild(v, f, depth, here,
                               [any] { return any->mutable_array_value(); });
          default:  // kvlistValue.
            return DecodeChild(v, f, depth, here,
                               [any] { return any->mutable_kvlist_value(); });
        }
      });
}

// KeyValue's JSON names are its proto names.
Status DecodeKeyValue(dom::object o, common::KeyValue* out, int depth,
                      const Path& at) {
  return ForEachMember(
      o, TypeOf<common::KeyValue>(), depth, at,
      [&](const pb::FieldDescriptor* f, dom::element v, const Path& here) {
        if (f->number() == common::KeyValue::kKeyFieldNumber) {
          return Store(StringOf(v, f), v, f, here,
                       [out](auto s) { out->set_key(std::move(s)); });
        }
        return DecodeChild(v, f, depth, here,
                           [out] { return out->mutable_value(); });
      });
}

// A repeated field's elements; attributes by the hot path.
Status DecodeRepeated(dom::element v, const Target& t, int depth) {
  if (t.f->message_type() == TypeOf<common::KeyValue>()) {
    // The typed list, for Add() without AddMessage's reflection. Deprecated
    // for GetMutableRepeatedFieldRef, whose Add copies a message in.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    pb::RepeatedPtrField<common::KeyValue>* list =
        t.r->MutableRepeatedPtrField<common::KeyValue>(t.m, t.f);
#pragma GCC diagnostic pop
    return ForEachElement(v, t.at, [&](dom::element e, const Path& at) {
      return DecodeChild(e, t.f, depth, at, [list] { return list->Add(); });
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
  if (d == TypeOf<common::KeyValue>())
    return DecodeKeyValue(o, static_cast<common::KeyValue*>(m), depth, at);
  if (d == TypeOf<common::AnyValue>())
    return DecodeAnyValue(o, static_cast<common::AnyValue*>(m), depth, at);
  const pb::Reflection* r = m->GetReflection();
  return ForEachMember(
      o, d, depth, at,
      [&](const pb::FieldDescriptor* f, dom::element v, const Path& here) {
        const Target t{m, r, f, here};
        return f->is_repeated() ? DecodeRepeated(v, t, depth)
                                : DecodeValue(v, t, depth);
      });
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
