// SPDX-License-Identifier: BSL-1.0
// Guards the compiler flags: GCC 12.2 with AVX-512 and SLP vectorisation miscompiled this.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

namespace {
struct two {
  std::array<double, 2> p{}, s{};
};
struct four {
  std::array<double, 4> p{};
};
template <class X>
struct holder {
  std::unique_ptr<X> m = std::make_unique<X>();
  holder& set(std::vector<double> const& v) {
    std::copy(v.begin(), v.end(), m->p.begin());
    return *this;
  }
};
[[gnu::noinline]] double first() {
  holder<two> h;
  h.set({2.0, 1.0});
  h.m->s = {0.0, 1.0};
  return h.m->p[0] + h.m->s[1];
}
[[gnu::noinline]] std::array<double, 4> second() {
  holder<four> h;
  h.set({1, 1, 0, 0});
  return h.m->p;
}
}  // namespace

TEST_CASE("the compiler keeps constant vectors intact", "[support][toolchain]") {
  CHECK(first() == 3.0);
  CHECK(second() == std::array<double, 4>{1, 1, 0, 0});
}
