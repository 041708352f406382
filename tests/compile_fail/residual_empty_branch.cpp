// SPDX-License-Identifier: BSL-1.0
// A residual whose branch is an empty sequence<> (it compiled and indexed out of bounds).
#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<input<4>, residual<sequence<>>, dense<2>> n;
#else
network<input<4>, residual<identity>, dense<2>> n;
#endif
