// SPDX-License-Identifier: BSL-1.0
// A compile-fail case is a whole program that uses its network `net` the way the README
// does (output_shape_t, summary, a model and a workspace, forward and backward), so that a
// bad network must give its one designed error with nothing after it.
#pragma once

#include <ctnn/core.hpp>
#include <ctnn/layers.hpp>

#include <iostream>
#include <memory>
#include <vector>

#define CTNN_FAILTEST_PROGRAM(Net)                                                                 \
  using failtest_output = ctnn::output_shape_t<Net>;                                               \
  static_assert(ctnn::size_v<failtest_output> > 0);                                                \
  static_assert(ctnn::within_budget<Net, std::size_t{1} << 40>);                                   \
  int main() {                                                                                     \
    std::cout << ctnn::summary<Net>() << ctnn::architecture<Net>() << "\n";                        \
    auto m = ctnn::make_model<Net>();                                                              \
    auto ws = ctnn::make_workspace<Net>();                                                         \
    auto g = std::make_unique<ctnn::gradients<Net>>();                                             \
    std::vector<float> x(ctnn::size_v<ctnn::input_shape_t<Net>>);                                  \
    std::vector<float> dy(ctnn::size_v<failtest_output>);                                          \
    auto y = ctnn::forward(*m, *ws, x.data(), 1);                                                  \
    ctnn::backward(*m, *g, *ws, dy.data(), 1);                                                     \
    std::cout << y[0] << ctnn::layer_output<0>(*ws)[0] << "\n";                                    \
  }                                                                                                \
  static_assert(true)
