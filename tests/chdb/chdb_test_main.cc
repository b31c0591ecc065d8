// main() of cc_chdb_tests. The process leaves with _exit(): chDB's static
// objects do not survive ordinary destruction at exit (a segfault after all
// tests passed), and nothing of ours needs it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
  std::fflush(stdout);
  std::fflush(stderr);
  _exit(rc);
}
