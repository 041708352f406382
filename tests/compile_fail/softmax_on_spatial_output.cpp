// SPDX-License-Identifier: BSL-1.0
// ctnn::fit with softmax_cross_entropy on a network whose output is 10x7x7 (not a vector of
// class scores) is rejected with the loss's record, not trained as 490 classes.

#include <ctnn/ctnn.hpp>
#include <ctnn/train/fit.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<1, 28, 28>, conv2d<10, 3, stride<2>, pad<1>>, max_pool<2>>;
#else
using net =
    network<input<1, 28, 28>, conv2d<10, 3, stride<2>, pad<1>>, max_pool<2>, flatten, dense<10>>;
#endif

void train(model<net>& m, dataset<shape<1, 28, 28>> const& d) {
  sgd<net::parameter_count> opt;
  fit(m, opt, softmax_cross_entropy{}, d, {.epochs = 1});
}
