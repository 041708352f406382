// SPDX-License-Identifier: BSL-1.0
// A convolution kernel larger than its padded input.

#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<input<1, 6, 6>, conv2d<4, 9, pad<1>>> n;
#else
network<input<1, 6, 6>, conv2d<4, 8, pad<1>>> n;
#endif
