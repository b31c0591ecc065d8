// IsLoopbackHost: the DNS-rebinding guard of the dashboard and the bind
// check of both servers. Names that merely start like a loopback address
// must not pass.
#include "core/listen.h"

#include <gtest/gtest.h>

namespace cc {
namespace {

TEST(IsLoopbackHost, AcceptsLoopbackAddressesAndLocalhost) {
  for (const char* host :
       {"127.0.0.1", "127.1.2.3", "127.255.255.255", "::1", "localhost",
        "LocalHost", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
}

TEST(IsLoopbackHost, AcceptsHostHeadersWithAPort) {
  for (const char* host : {"127.0.0.1:8110", "localhost:8110", "[::1]:8110",
                           "[::1]", "[::ffff:127.0.0.1]:80"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
}

TEST(IsLoopbackHost, RefusesNamesThatOnlyStartLikeLoopback) {
  for (const char* host :
       {"127.0.0.1.evil.example", "127.0.0.1.evil.example:8110",
        "127.evil.example", "127.", "127.0.0.1.", "localhost.evil.example",
        "localhost.", "127.0.0.1evil", "[::1].evil.example", "[::1]:x", "[::1",
        "::1.evil.example"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(IsLoopbackHost, RefusesOtherAddresses) {
  for (const char* host :
       {"", "0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "126.255.255.255",
        "192.168.1.1:8110", "[::2]:8110", "::ffff:10.0.0.1", "evil.example",
        "127.1", "0177.0.0.1", "0x7f.0.0.1", "2130706433",
        "localhost:", "localhost:80:80", "127.0.0.1:80a"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

}  // namespace
}  // namespace cc
