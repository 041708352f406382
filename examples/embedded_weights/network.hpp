// SPDX-License-Identifier: BSL-1.0
// The network of the embedded_weights example: the exporter trains it, and the program built
// from the generated header names it (the header's `network` is this type).
#pragma once

#include <ctnn/ctnn.hpp>

namespace embedded {
using net = ctnn::network<ctnn::input<1, 28, 28>,                                              //
                          ctnn::conv2d<4, 5, ctnn::stride<2>>, ctnn::relu, ctnn::max_pool<2>,  //
                          ctnn::flatten, ctnn::dense<10>>;
inline constexpr std::size_t sample_count = 20;  // test images embedded beside the weights
}  // namespace embedded
