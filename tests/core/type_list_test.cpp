// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core/type_list.hpp>

#include <catch2/catch.hpp>

#include <type_traits>

using list = ctnn::type_list<int, char, double>;
static_assert(list::size == 3);
static_assert(std::is_same_v<ctnn::at_t<0, list>, int>);
static_assert(std::is_same_v<ctnn::at_t<2, list>, double>);
static_assert(std::is_same_v<ctnn::last_t<int, char, float>, float>);
static_assert(std::is_same_v<ctnn::last_t<int>, int>);

TEST_CASE("type_list indexing is checked at compile time", "[core][type_list]") {
  STATIC_REQUIRE(std::is_same_v<ctnn::at_t<1, list>, char>);
}
