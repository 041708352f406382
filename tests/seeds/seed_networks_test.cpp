// SPDX-License-Identifier: BSL-1.0
// Whole-network gradient checks of the four seed networks (N1-N4), in double.
#include <ctnn/ctnn.hpp>

#include "seed_networks.hpp"
#include "support/gradient_check.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <random>
#include <vector>

using namespace ctnn;

// Kinks (a relu input or a max_pool tie within a few steps h of the switch) are expected in
// these deep networks and left out, but they must stay rare or the check would mean little.
template <class Net>
void check_network(phase ph) {
  auto r = test::check_gradients<Net>(ph, 11, 150);
  INFO("compared " << r.compared << ", kinks " << r.kinks << ", parameter error "
                   << r.max_param_error << ", input error " << r.max_input_error);
  CHECK(r.max_param_error < test::gradient_tolerance);
  CHECK(r.max_input_error < test::gradient_tolerance);
  CHECK(r.kinks * 10 < r.compared);
}

TEST_CASE("N1 mnist_cnn backward matches finite differences", "[seeds][gradient][whole_network]") {
  check_network<seeds::mnist_cnn>(phase::train);
  check_network<seeds::mnist_cnn>(phase::eval);
}
TEST_CASE("N2 residual_mlp backward matches finite differences",
          "[seeds][gradient][whole_network]") {
  check_network<seeds::residual_mlp>(phase::train);
}
TEST_CASE("N3 lenet_bn backward matches finite differences", "[seeds][gradient][whole_network]") {
  check_network<seeds::lenet_bn>(phase::train);
  check_network<seeds::lenet_bn>(phase::eval);
}
TEST_CASE("N4 tiny_cnn backward matches finite differences", "[seeds][gradient][whole_network]") {
  check_network<seeds::tiny_cnn<10>>(phase::train);
  check_network<seeds::tiny_cnn<3>>(phase::train);
}

// The float kernels (vector widths, shuffles) against the same network in double.
template <class Net>
void check_float_matches_double() {
  constexpr std::size_t batch = 5, in = size_v<typename Net::input_shape>;
  auto md = std::make_unique<model<Net, double>>();
  test::random_init init(3);
  md->initialize(init);
  auto mf = std::make_unique<model<Net, float>>();
  for (std::size_t i = 0; i < Net::parameter_count; ++i)
    mf->parameters[i] = static_cast<float>(md->parameters[i]);
  for (std::size_t i = 0; i < Net::state_count; ++i) {
    md->state[i] = 1.0;
    mf->state[i] = 1.0f;
  }
  std::vector<double> xd(batch * in);
  std::vector<float> xf(batch * in);
  std::normal_distribution<double> dist;
  for (std::size_t i = 0; i < xd.size(); ++i)
    xf[i] = static_cast<float>(xd[i] = dist(init.rng));
  auto wd = std::make_unique<workspace<Net, double, batch>>();
  auto wf = std::make_unique<workspace<Net, float, batch>>();
  auto yd = forward(*md, *wd, xd.data(), batch);
  auto yf = forward(*mf, *wf, xf.data(), batch);
  REQUIRE(yd.size() == yf.size());
  for (std::size_t i = 0; i < yd.size(); ++i)
    CHECK(yf[i] == Approx(yd[i]).epsilon(1e-4).margin(1e-4));
}

TEST_CASE("float passes agree with double passes on the seed networks", "[seeds][float]") {
  check_float_matches_double<seeds::mnist_cnn>();
  check_float_matches_double<seeds::residual_mlp>();
  check_float_matches_double<seeds::lenet_bn>();
  check_float_matches_double<seeds::tiny_cnn<10>>();
}
