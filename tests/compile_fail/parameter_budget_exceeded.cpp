// SPDX-License-Identifier: BSL-1.0
// A parameter budget is a static_assert with both numbers.
#include "seed_networks.hpp"
#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
static_assert(require_budget<seeds::lenet_bn, 50000>);
#else
static_assert(require_budget<seeds::lenet_bn, 61750>);
#endif
