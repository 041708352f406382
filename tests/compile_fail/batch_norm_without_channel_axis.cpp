// SPDX-License-Identifier: BSL-1.0
// batch_norm on a shape with neither features nor channels to normalise.

#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<input<28, 28>, batch_norm> n;
#else
network<input<1, 28, 28>, batch_norm> n;
#endif
