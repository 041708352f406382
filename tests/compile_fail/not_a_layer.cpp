// SPDX-License-Identifier: BSL-1.0
// Something that is not a layer in the list.

#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<input<4>, dense<3>, int> n;
#else
network<input<4>, dense<3>, relu> n;
#endif
