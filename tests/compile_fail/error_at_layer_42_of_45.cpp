// SPDX-License-Identifier: BSL-1.0
// A 45-layer network with long layer names, wrong at layer 42: the culprit comes within the
// first 2,000 characters of the compiler's output (g++ printed the whole network type twice
// before it).
#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<8, 8, 8>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, dense<10>, flatten, dense<10>>;
#else
using net = network<input<8, 8, 8>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, conv2d<8, 3, stride<1>, pad<1>, no_bias>, batch_norm,
                    leaky_relu<1, 10>, flatten, dense<10>, dense<10>>;
#endif
CTNN_FAILTEST_PROGRAM(net);
