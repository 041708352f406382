// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core/run.hpp>

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <vector>

using namespace ctnn;
using Catch::Matchers::Contains;

namespace {
using net = network<input<4>, dense<3>, relu, dense<2>>;

// The stack guard: what fits passes, what does not is a compile error (the compile-fail case
// stack_object_too_large shows its message).
static_assert(fits_on_stack_v<workspace<net, float, 4>>);
static_assert(require_stack<model<net>>);
static_assert(!fits_on_stack_v<workspace<net, float, 4>, 64>);
static_assert(fits_on_stack_v<std::array<char, 1024>, 1024>);
}  // namespace

TEST_CASE("forward refuses more samples than the workspace holds, in every build", "[core][run]") {
  // This wrote past the workspace in Release builds, where the assert was compiled out.
  auto m = make_model<net>();
  auto ws = make_workspace<net, float, 2>();
  const std::vector<float> x(4 * 3, 0.5f);
  CHECK_THROWS_AS(forward(*m, *ws, x.data(), 3), workspace_error);
  CHECK_THROWS_WITH(forward(*m, *ws, x.data(), 3),
                    Contains("ctnn::forward: 3 samples, but the workspace holds at most 2"));
  CHECK(forward(*m, *ws, x.data(), 2).size() == 4);
}

TEST_CASE("backward refuses to run without a forward pass of the same samples", "[core][run]") {
  // It read the uninitialised workspace.
  auto m = make_model<net>();
  auto g = std::make_unique<gradients<net>>();
  auto ws = make_workspace<net, float, 2>();
  const std::vector<float> x(4 * 2, 0.5f), dy(2 * 2, 0.1f);
  CHECK_THROWS_WITH(backward(*m, *g, *ws, dy.data(), 2),
                    Contains("ctnn::backward: 2 samples, but no forward pass ran"));
  forward(*m, *ws, x.data(), 1);
  CHECK_THROWS_WITH(backward(*m, *g, *ws, dy.data(), 2),
                    Contains("the last forward pass ran on 1"));
  CHECK_THROWS_WITH(backward(*m, *g, *ws, dy.data(), 3), Contains("holds at most 2"));
  forward(*m, *ws, x.data(), 2);
  CHECK_NOTHROW(backward(*m, *g, *ws, dy.data(), 2));
}
