// SPDX-License-Identifier: BSL-1.0
// a layer type without forward<In>(forward_io<T> const&) is reported once, by name, at its index
// (it compiled into a network and then gave 7 errors inside core/chain.hpp).
#define CTNN_MISSING_FORWARD 1
#include "use_network.hpp"

#include <cstddef>
#include <string>

// y = x / 2, written outside the library.
struct halve : ctnn::layer_defaults {
  static std::string name() { return "halve"; }
  template <class In>
  using check_t = ctnn::ok;
#if !(defined(CTNN_SHOULD_FAIL) && CTNN_MISSING_OUTPUT_SHAPE_T)
  template <class In>
  using output_shape_t = In;
#endif
  template <class In>
  static constexpr std::size_t flops_v = ctnn::size_v<In>;
  template <class In>
  static constexpr std::size_t backward_flops_v = ctnn::size_v<In>;
#if !(defined(CTNN_SHOULD_FAIL) && CTNN_MISSING_FORWARD)
  template <class In, class T>
  static void forward(ctnn::forward_io<T> const& io) noexcept {
    for (std::size_t i = 0; i < io.n * ctnn::size_v<In>; ++i)
      io.y[i] = io.x[i] / 2;
  }
#endif
#if !(defined(CTNN_SHOULD_FAIL) && CTNN_MISSING_BACKWARD)
  template <class In, class T>
  static void backward(ctnn::backward_io<T> const& io) noexcept {
    if (io.dx != nullptr)
      for (std::size_t i = 0; i < io.n * ctnn::size_v<In>; ++i)
        io.dx[i] = io.dy[i] / 2;
  }
#endif
};

using net = ctnn::network<ctnn::input<4>, ctnn::dense<4>, halve, ctnn::dense<2>>;
CTNN_FAILTEST_PROGRAM(net);
