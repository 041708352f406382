// SPDX-License-Identifier: BSL-1.0
#include <ctnn/optim/adam.hpp>

#include <catch2/catch.hpp>

#include <array>

using namespace ctnn;

TEST_CASE("adam steps by hand, with bias correction", "[optim][adam]") {
  adam<1, double> opt;
  std::array<double, 1> p{1.0};
  std::array<double, 1> g{0.5};
  opt.step(p, g, 0.1);
  // m = 0.05, v = 0.00025; corrected: 0.5 and 0.25; p -= 0.1 * 0.5 / (0.5 + 1e-8)
  CHECK(p[0] == Approx(1 - 0.1 * 0.5 / (0.5 + 1e-8)).epsilon(1e-12));
  CHECK(opt.steps() == 1);
  g[0] = -0.25;
  opt.step(p, g, 0.1);
  // m = 0.02, v = 0.00031225; corrected 0.02 / 0.19 and 0.00031225 / 0.001999
  CHECK(p[0] == Approx(0.8733662987078463).epsilon(1e-12));
}

TEST_CASE("adam weight decay: L2 in the gradient, or decoupled (AdamW)", "[optim][adam]") {
  {
    adam<1, double> opt({.weight_decay = 0.1});
    std::array<double, 1> p{1.0}, g{0.5};
    opt.step(p, g, 0.1);
    // the first Adam step moves by lr whatever the gradient's size: 1 - 0.1
    CHECK(p[0] == Approx(1 - 0.1 * 0.6 / (0.6 + 1e-8)).epsilon(1e-12));
    CHECK(opt.state()[0] == Approx(0.1 * 0.6));  // m saw 0.5 + 0.1 * 1
  }
  {
    adam<1, double> opt({.weight_decay = 0.1, .decoupled = true});
    std::array<double, 1> p{1.0}, g{0.5};
    opt.step(p, g, 0.1);
    CHECK(p[0] == Approx(0.890000002).epsilon(1e-12));  // 1 - 0.1 * 0.1, then - 0.1
    CHECK(opt.state()[0] == Approx(0.05));
  }
}
