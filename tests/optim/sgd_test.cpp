// SPDX-License-Identifier: BSL-1.0
#include <ctnn/optim/sgd.hpp>

#include <catch2/catch.hpp>

#include <array>

using namespace ctnn;

namespace {
double after_steps(sgd_options o, std::array<double, 2> grads_per_step) {
  sgd<1, double> opt(o);
  std::array<double, 1> p{1.0};
  for (double g : grads_per_step) {
    std::array<double, 1> grad{g};
    opt.step(p, grad, 0.1);
  }
  return p[0];
}
}  // namespace

TEST_CASE("sgd steps by hand", "[optim][sgd]") {
  // p = 1, g = 0.5, lr = 0.1
  CHECK(after_steps({}, {0.5, 0.0}) == Approx(0.95));
  // momentum 0.9: v1 = 0.5, p1 = 0.95; v2 = 0.9 * 0.5 + 0.5 = 0.95, p2 = 0.855
  CHECK(after_steps({.momentum = 0.9}, {0.5, 0.5}) == Approx(0.855));
  // nesterov: v1 = 0.5, step with 0.5 + 0.9 * 0.5 = 0.95: p1 = 0.905; then
  // v2 = 0.95, step with 0.5 + 0.855 = 1.355: p2 = 0.7695
  CHECK(after_steps({.momentum = 0.9, .nesterov = true}, {0.5, 0.5}) == Approx(0.7695));
  // weight decay 0.1 adds 0.1 * p to the gradient: 1 - 0.1 * 0.6 = 0.94
  CHECK(after_steps({.weight_decay = 0.1}, {0.5, 0.0}) == Approx(0.94 - 0.1 * 0.1 * 0.94));
}
