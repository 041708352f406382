// SPDX-License-Identifier: BSL-1.0
// The Catch2 runner shared by every test file.  A test program built for an instruction set
// this CPU lacks (CI builds x86-64-v4 on any x86 machine) says so and exits 77, which CTest
// counts as skipped, instead of dying of an illegal instruction.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>

namespace {

// The first extension the binary was compiled for that the CPU does not have, or null.
const char* missing_cpu_feature() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
#if defined(__AVX512F__)
  if (!__builtin_cpu_supports("avx512f"))
    return "AVX-512F";
#endif
#if defined(__AVX512BW__)
  if (!__builtin_cpu_supports("avx512bw"))
    return "AVX-512BW";
#endif
#if defined(__AVX512VL__)
  if (!__builtin_cpu_supports("avx512vl"))
    return "AVX-512VL";
#endif
#if defined(__AVX2__)
  if (!__builtin_cpu_supports("avx2"))
    return "AVX2";
#endif
#if defined(__FMA__)
  if (!__builtin_cpu_supports("fma"))
    return "FMA";
#endif
#endif
  return nullptr;
}

}  // namespace

int main(int argc, char* argv[]) {
  bool listing = false;
  for (int i = 1; i < argc; ++i)
    listing = listing || std::strncmp(argv[i], "--list", 6) == 0;
  if (const char* feature = missing_cpu_feature(); feature != nullptr && !listing) {
    std::printf("skipped: built for %s, which this CPU does not have\n", feature);
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
