// SPDX-License-Identifier: BSL-1.0
// Whole-network gradient checks of the four seed networks (N1-N4), in double.
#include <ctnn/ctnn.hpp>

#include "seed_networks.hpp"
#include "support/gradient_check.hpp"

#include <catch2/catch.hpp>

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

TEST_CASE("N1 mnist_cnn backward matches finite differences", "[seeds][gradient]") {
  check_network<seeds::mnist_cnn>(phase::train);
  check_network<seeds::mnist_cnn>(phase::eval);
}
TEST_CASE("N2 residual_mlp backward matches finite differences", "[seeds][gradient]") {
  check_network<seeds::residual_mlp>(phase::train);
}
TEST_CASE("N3 lenet_bn backward matches finite differences", "[seeds][gradient]") {
  check_network<seeds::lenet_bn>(phase::train);
  check_network<seeds::lenet_bn>(phase::eval);
}
TEST_CASE("N4 tiny_cnn backward matches finite differences", "[seeds][gradient]") {
  check_network<seeds::tiny_cnn<10>>(phase::train);
  check_network<seeds::tiny_cnn<3>>(phase::train);
}
