// SPDX-License-Identifier: BSL-1.0
// The network of the hello and inference examples: one type, shared, so that the weights one
// saves are the weights the other loads (load_weights checks the layers and shapes anyway).
#pragma once

#include <ctnn/ctnn.hpp>

namespace hello {
using net = ctnn::network<ctnn::input<1, 28, 28>,                             //
                          ctnn::conv2d<8, 5>, ctnn::relu, ctnn::max_pool<2>,  //
                          ctnn::flatten, ctnn::dense<10>>;
}
