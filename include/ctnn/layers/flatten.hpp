// SPDX-License-Identifier: BSL-1.0
// ctnn::flatten: any shape to a vector of the same elements.
#pragma once

#include <ctnn/core/shape.hpp>
#include <ctnn/layers/identity.hpp>

#include <string>

namespace ctnn {

/// Flattens row-major: the elements and their order stay, only the shape changes (so the
/// passes are identity's copies).  in: shape<D...> -> out: shape<D1 * D2 * ...>; params: 0.
struct flatten : identity {
  static std::string name() { return "flatten"; }
  template <class In>
  using output_shape_t = shape<size_v<In>>;
};

}  // namespace ctnn
