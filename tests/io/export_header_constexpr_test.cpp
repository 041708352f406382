// SPDX-License-Identifier: BSL-1.0
// N1 run by the compiler from a header ctnn::export_header wrote at build time
// (export_header_gen.cpp): its outputs must agree with those the run-time passes gave.  The
// static_asserts are the test; CTest compiles this file with -fsyntax-only (g++, clang 14 and
// 16) after the build has written the headers.
#include <ctnn/core.hpp>
#include <ctnn/layers.hpp>

#include "exported_n1.hpp"
#include "exported_n1_sample.hpp"

#include <cstddef>

namespace {

// N1 from its header, run by the compiler (scalar loops), against the outputs the run-time
// passes (vector kernels, the direct batch-1 convolution) gave when the header was written.
constexpr auto n1_outputs =
    ctnn::predict(ctnn_test::exported_n1::model, ctnn_test::exported_n1_sample::input);

constexpr bool n1_agrees() {
  for (std::size_t k = 0; k < 10; ++k) {
    const float want = ctnn_test::exported_n1_sample::outputs[k], d = n1_outputs[k] - want;
    if ((d < 0 ? -d : d) > 1e-4f * (1 + (want < 0 ? -want : want)))
      return false;
  }
  return true;
}

}  // namespace

static_assert(ctnn::argmax(n1_outputs) == ctnn::argmax(ctnn_test::exported_n1_sample::outputs));
static_assert(n1_agrees());
