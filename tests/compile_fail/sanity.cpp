// SPDX-License-Identifier: BSL-1.0
// Sanity pair: proves the harness tells a failing build from a passing one.

#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
static_assert(sizeof(int) == 0, "ctnn_sanity_marker");
#else
static_assert(sizeof(int) != 0, "ctnn_sanity_marker");
#endif
