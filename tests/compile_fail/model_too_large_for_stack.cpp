// SPDX-License-Identifier: BSL-1.0
// A model declared as a local lives on the stack: one over CTNN_STACK_LIMIT_BYTES (here 1.5 MB
// of parameters) is refused where it is declared, with both sizes, the macro and the heap
// alternative; make_model and ctnn::off_stack place the same model anywhere else.
#include "use_network.hpp"

using namespace ctnn;
using big = network<input<784>, dense<500>, relu, dense<10>>;  // 397,510 parameters
CTNN_FAILTEST_PROGRAM(big);

float first_weight() {
#ifdef CTNN_SHOULD_FAIL
  model<big> m;
  return m.parameters[0];
#else
  static model<big> in_static_storage(off_stack);
  auto on_heap = make_model<big>();
  using small = network<input<784>, dense<100>, relu, dense<10>>;
  model<small> local;
  return in_static_storage.parameters[0] + on_heap->parameters[0] + local.parameters[0];
#endif
}
