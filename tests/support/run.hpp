// SPDX-License-Identifier: BSL-1.0
// Helpers that run a network on given values (known-value tests).
#pragma once

#include <ctnn/ctnn.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

namespace ctnn::test {

/// A model and a workspace of Capacity samples, on the heap so tests can use big networks.
template <class Net, class T = double, std::size_t Capacity = 4>
struct harness {
  std::unique_ptr<model<Net, T>> m = std::make_unique<model<Net, T>>();
  std::unique_ptr<workspace<Net, T, Capacity>> ws = std::make_unique<workspace<Net, T, Capacity>>();

  /// Sets all parameters (in the network's flat layout).
  harness& with_parameters(std::vector<T> const& p) {
    std::copy(p.begin(), p.end(), m->parameters.begin());
    return *this;
  }

  std::vector<T> forward(std::vector<T> const& x, phase ph = phase::eval) {
    const std::size_t n = x.size() / size_v<typename Net::input_shape>;
    auto y = ctnn::forward(*m, *ws, x.data(), n, run_context{ph});
    return {y.begin(), y.end()};
  }
};

}  // namespace ctnn::test
