// SPDX-License-Identifier: BSL-1.0
// The network and model the header-export test writes at build time (export_header_gen.cpp)
// and compares with (export_header_test.cpp): the same function makes both.
#pragma once

#include <ctnn/ctnn.hpp>

#include <cstddef>
#include <limits>
#include <memory>

namespace ctnn_test {

/// Every kind of value a header must carry: convolution and dense weights, batch-norm state,
/// a residual branch, a normalization per channel.
using header_net =
    ctnn::network<ctnn::input<2, 8, 8>, ctnn::conv2d<4, 3, ctnn::pad<1>>, ctnn::batch_norm,
                  ctnn::relu, ctnn::max_pool<2>, ctnn::flatten, ctnn::dense<16>, ctnn::relu,
                  ctnn::residual<ctnn::sequence<ctnn::dense<16>, ctnn::relu>>, ctnn::dense<5>>;

/// A model that looks trained, with values a decimal literal would not carry exactly: -0,
/// the smallest subnormal, a value one ulp above 1, and ordinary random weights.
template <class T>
std::unique_ptr<ctnn::model<header_net, T>> header_model() {
  auto m = ctnn::make_model<header_net, T>(ctnn::initializer(ctnn::init_scheme::he_normal, 7));
  m->parameters[0] = -T{0};
  m->parameters[1] = std::numeric_limits<T>::denorm_min();
  m->parameters[2] = T{1} + std::numeric_limits<T>::epsilon();
  m->parameters[3] = T{1} / T{3};
  for (std::size_t i = 0; i < header_net::state_count; ++i)  // positive: means and variances
    m->state[i] = T{1} / T{7} * static_cast<T>(i + 1);
  m->normalization.mean = {T{0.1307}, T{-0.25}};
  m->normalization.stddev = {T{0.3081}, T{2}};
  return m;
}

}  // namespace ctnn_test
