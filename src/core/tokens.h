// Tokens: the token counters of one API response, as found in `message.usage`.
#pragma once

#include <algorithm>
#include <cstdint>

namespace cc {

struct Tokens {
  uint64_t input = 0;
  uint64_t output = 0;
  uint64_t cache_creation = 0;     // cache_creation_input_tokens.
  uint64_t cache_creation_5m = 0;  // cache_creation.ephemeral_5m_input_tokens.
  uint64_t cache_creation_1h = 0;  // cache_creation.ephemeral_1h_input_tokens.
  uint64_t cache_read = 0;
  uint64_t web_search_requests = 0;
  uint64_t web_fetch_requests = 0;

  // input + output + cache creation + cache read, as ccusage's totalTokens.
  uint64_t Total() const { return input + output + cache_creation + cache_read; }

  // Field-wise maximum (DESIGN §3). Returns true if any field grew.
  bool MaxWith(const Tokens& o);

  // Field-wise sum, for totals.
  Tokens& operator+=(const Tokens& o) {
    input += o.input;
    output += o.output;
    cache_creation += o.cache_creation;
    cache_creation_5m += o.cache_creation_5m;
    cache_creation_1h += o.cache_creation_1h;
    cache_read += o.cache_read;
    web_search_requests += o.web_search_requests;
    web_fetch_requests += o.web_fetch_requests;
    return *this;
  }

  bool operator==(const Tokens&) const = default;
};

inline bool Tokens::MaxWith(const Tokens& o) {
  bool grew = false;
  auto take = [&grew](uint64_t& mine, uint64_t theirs) {
    if (theirs > mine) {
      mine = theirs;
      grew = true;
    }
  };
  take(input, o.input);
  take(output, o.output);
  take(cache_creation, o.cache_creation);
  take(cache_creation_5m, o.cache_creation_5m);
  take(cache_creation_1h, o.cache_creation_1h);
  take(cache_read, o.cache_read);
  take(web_search_requests, o.web_search_requests);
  take(web_fetch_requests, o.web_fetch_requests);
  return grew;
}

}  // namespace cc
