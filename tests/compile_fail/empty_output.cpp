// SPDX-License-Identifier: BSL-1.0
// A layer whose output has no elements.

#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<input<8>, dense<4>, relu, dense<0>> n;
#else
network<input<8>, dense<4>, relu, dense<1>> n;
#endif
