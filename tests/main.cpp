// SPDX-License-Identifier: BSL-1.0
// The Catch2 runner shared by every test file.  A test program built for an instruction set
// this CPU lacks (CI builds x86-64-v4 on any x86 machine) says so and exits 77, which CTest
// counts as skipped, instead of dying of an illegal instruction.  The check runs before the
// static initialisers of the tests (which may already use the missing instructions) and is
// itself compiled for the x86-64 baseline.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

// The first extension the binary was compiled for that the CPU does not have, or null.
#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("arch=x86-64")))
#endif
const char*
missing_cpu_feature() {
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

// Runs before every default-priority static initialiser (glibc passes the command line to
// these functions too): a listing of the tests is allowed, anything else is skipped.
#if defined(__GNUC__) && defined(__linux__)
#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("arch=x86-64")))
#endif
__attribute__((constructor(101))) void
skip_without_the_target_isa(int argc, char** argv, char**) {
  bool listing = false;
  for (int i = 1; i < argc; ++i)
    listing = listing || std::strncmp(argv[i], "--list", 6) == 0;
  if (const char* feature = missing_cpu_feature(); feature != nullptr && !listing) {
    std::printf("skipped: built for %s, which this CPU does not have\n", feature);
    std::fflush(stdout);
    std::_Exit(77);
  }
}
#endif

}  // namespace

int main(int argc, char* argv[]) {
  return Catch::Session().run(argc, argv);
}
