// SPDX-License-Identifier: BSL-1.0
// The substitution-friendly twin of ctnn::network's checks: errors as types, never a failure.
#include <ctnn/core/infer.hpp>
#include <ctnn/layers.hpp>

#include <catch2/catch.hpp>

#include <type_traits>

using namespace ctnn;

template <class In, class... L>
using error_of = typename infer_t<In, L...>::error;

// A valid chain lists every shape, input first.
static_assert(std::is_same_v<typename infer_t<shape<1, 28, 28>, conv2d<4, 5>, relu, max_pool<2>,
                                              flatten, dense<10>>::shapes,
                             type_list<shape<1, 28, 28>, shape<4, 24, 24>, shape<4, 24, 24>,
                                       shape<4, 12, 12>, shape<576>, shape<10>>>);
static_assert(is_valid_chain_v<shape<784>, dense<10>>);

// The first bad layer is reported with its index, kind, input and reason ...
static_assert(std::is_same_v<error_of<shape<1, 28, 28>, conv2d<16, 3>, relu, dense<64>>,
                             layer_error<layer_index<2>, dense<64>, input_shape<shape<16, 26, 26>>,
                                         expects_flat_input_add_flatten>>);
// ... and later bad layers are not looked at.
static_assert(std::is_same_v<error_of<shape<4>, max_pool<2>, conv2d<1, 9>>,
                             layer_error<layer_index<0>, max_pool<2>, input_shape<shape<4>>,
                                         expects_channels_height_width_input>>);

static_assert(
    std::is_same_v<error_of<shape<1, 4, 4>, conv2d<2, 7, pad<1>>>,
                   layer_error<layer_index<0>, conv2d<2, 7, pad<1>>, input_shape<shape<1, 4, 4>>,
                               window_exceeds_input<window<7>, height_width<6, 6>>>>);
static_assert(std::is_same_v<error_of<shape<1, 4, 4>, conv2d<2, 3, stride<0>>>,
                             layer_error<layer_index<0>, conv2d<2, 3, stride<0>>,
                                         input_shape<shape<1, 4, 4>>, stride_must_be_positive>>);
static_assert(std::is_same_v<error_of<shape<3>, dense<0>>,
                             layer_error<layer_index<0>, dense<0>, input_shape<shape<3>>,
                                         produces_empty_output<shape<0>>>>);
static_assert(std::is_same_v<error_of<shape<3>, int>,
                             layer_error<layer_index<0>, int, input_shape<shape<3>>, not_a_layer>>);
static_assert(std::is_same_v<error_of<shape<3>, dense<2, pad<1>>>,
                             layer_error<layer_index<0>, dense<2, pad<1>>, input_shape<shape<3>>,
                                         unknown_option_among<pad<1>>>>);
static_assert(
    std::is_same_v<error_of<shape<2, 8, 8>, max_pool<3, pad<1>>>,
                   layer_error<layer_index<0>, max_pool<3, pad<1>>, input_shape<shape<2, 8, 8>>,
                               unknown_option_among<pad<1>>>>);

TEST_CASE("a network with an error is not a valid chain", "[core][infer]") {
  STATIC_REQUIRE_FALSE(is_valid_chain_v<shape<1, 28, 28>, dense<10>>);
  STATIC_REQUIRE(is_valid_chain_v<shape<1, 28, 28>, flatten, dense<10>>);
}
