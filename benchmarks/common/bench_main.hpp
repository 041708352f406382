// SPDX-License-Identifier: BSL-1.0
// The main of every benchmark program: Google Benchmark's, with the instruction set the
// kernels were built for in the context block, since a figure is a fact about one ISA.
#pragma once

#include <ctnn/layers/detail/simd.hpp>

#include <benchmark/benchmark.h>

#include <string>

#define CTNN_BENCHMARK_MAIN()                                                                      \
  int main(int argc, char** argv) {                                                                \
    namespace simd = ctnn::detail::simd;                                                           \
    benchmark::AddCustomContext("ctnn_isa", std::string(simd::name()) + ", " +                     \
                                                std::to_string(simd::vector_bytes) +               \
                                                "-byte vectors");                                  \
    benchmark::Initialize(&argc, argv);                                                            \
    if (benchmark::ReportUnrecognizedArguments(argc, argv))                                        \
      return 1;                                                                                    \
    benchmark::RunSpecifiedBenchmarks();                                                           \
    benchmark::Shutdown();                                                                         \
    return 0;                                                                                      \
  }
