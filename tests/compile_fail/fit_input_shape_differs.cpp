// SPDX-License-Identifier: BSL-1.0
// ctnn::fit of a network with input<784> on 1x28x28 images is refused at compile time with the
// two shapes and the remedy (ctnn::reshape), not flattened silently.

#include <ctnn/ctnn.hpp>
#include <ctnn/train/fit.hpp>

using namespace ctnn;

using net = network<input<784>, dense<32>, relu, dense<10>>;

void train(model<net>& m, dataset<shape<1, 28, 28>> const& d) {
  sgd<net::parameter_count> opt;
#ifdef CTNN_SHOULD_FAIL
  fit(m, opt, softmax_cross_entropy{}, d, {.epochs = 1});
#else
  fit(m, opt, softmax_cross_entropy{}, reshape<shape<784>>(d), {.epochs = 1});
#endif
}
