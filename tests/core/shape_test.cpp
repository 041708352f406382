// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core/shape.hpp>

#include <catch2/catch.hpp>

using ctnn::shape;

static_assert(ctnn::rank_v<shape<1, 28, 28>> == 3);
static_assert(ctnn::size_v<shape<1, 28, 28>> == 784);
static_assert(ctnn::size_v<shape<10>> == 10);
static_assert(ctnn::dim_v<shape<16, 7, 5>, 0> == 16);
static_assert(ctnn::dim_v<shape<16, 7, 5>, 2> == 5);
static_assert(ctnn::shape_type<shape<3>>);
static_assert(!ctnn::shape_type<int>);

TEST_CASE("shapes print as their dimensions joined by x", "[core][shape]") {
  CHECK(ctnn::to_string(shape<16, 7, 7>{}) == "16x7x7");
  CHECK(ctnn::to_string(shape<10>{}) == "10");
}
