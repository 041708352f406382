// SPDX-License-Identifier: BSL-1.0
// A consumer of the ctnn package: includes the umbrella header and runs a network once.
#include <ctnn/ctnn.hpp>

#include <cstdio>

using net = ctnn::network<ctnn::input<4>, ctnn::dense<3>, ctnn::relu, ctnn::dense<2>>;
static_assert(net::parameter_count == 4 * 3 + 3 + 3 * 2 + 2);

int main() {
  ctnn::model<net> m;
  ctnn::workspace<net> ws;
  float x[4] = {1, 2, 3, 4};
  auto y = ctnn::forward(m, ws, x, 1);
  std::printf("consumer ok: %zu outputs\n", y.size());
  return y.size() == 2 ? 0 : 1;
}
