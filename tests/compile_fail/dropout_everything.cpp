// SPDX-License-Identifier: BSL-1.0
// dropout<100> would drop everything.

#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<input<10>, dropout<100>> n;
#else
network<input<10>, dropout<99>> n;
#endif
