// SPDX-License-Identifier: BSL-1.0
// The trained network of constexpr_test.cpp (weights: constexpr_weights.hpp, written by
// constexpr_weights_gen.cpp).
#pragma once

#include <ctnn/core.hpp>
#include <ctnn/layers.hpp>

#include <cstddef>

namespace ctnn_test {
/// 28 x 28 MNIST averaged to 14 x 14, then an MLP: small enough to run in a constant
/// expression with every compiler's default limits.
using constexpr_mnist = ctnn::network<ctnn::input<1, 28, 28>, ctnn::avg_pool<2>, ctnn::flatten,
                                      ctnn::dense<16>, ctnn::relu, ctnn::dense<10>>;
inline constexpr std::size_t constexpr_image_count = 4;
}  // namespace ctnn_test
