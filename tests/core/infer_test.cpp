// SPDX-License-Identifier: BSL-1.0
// The substitution-friendly twin of ctnn::network's checks: errors as types, never a failure.
#include <ctnn/core/infer.hpp>
#include <ctnn/layers.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
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

// An option given twice, and an input without elements, are reasons like any other.
static_assert(std::is_same_v<error_of<shape<1, 8, 8>, conv2d<2, 3, stride<2>, stride<1>>>,
                             layer_error<layer_index<0>, conv2d<2, 3, stride<2>, stride<1>>,
                                         input_shape<shape<1, 8, 8>>,
                                         option_given_more_than_once<stride<2>, stride<1>>>>);
static_assert(
    std::is_same_v<error_of<shape<3>, dense<2, no_bias, no_bias>>,
                   layer_error<layer_index<0>, dense<2, no_bias, no_bias>, input_shape<shape<3>>,
                               option_given_more_than_once<no_bias, no_bias>>>);
static_assert(
    std::is_same_v<error_of<shape<0, 28, 28>, conv2d<4, 3>>,
                   input_error<input_shape<shape<0, 28, 28>>, every_dimension_must_be_positive>>);
static_assert(std::is_same_v<error_of<shape<>, dense<2>>,
                             input_error<input_shape<shape<>>, needs_at_least_one_dimension>>);

// The layer protocol: a type that looks like a layer is checked member by member, and the
// first missing one is named.
namespace {
struct complete : layer_defaults {
  static std::string name() { return "complete"; }
  template <class In>
  using check_t = ok;
  template <class In>
  using output_shape_t = In;
  template <class In>
  static constexpr std::size_t flops_v = 0;
  template <class In>
  static constexpr std::size_t backward_flops_v = 0;
  template <class In, class T>
  static void forward(forward_io<T> const&) noexcept {}
  template <class In, class T>
  static void backward(backward_io<T> const&) noexcept {}
};
struct no_name {
  template <class In>
  using check_t = ok;
};
struct no_output_shape : layer_defaults {
  static std::string name() { return "no_output_shape"; }
  template <class In>
  using check_t = ok;
};
struct not_a_shape : complete {
  template <class In>
  using output_shape_t = int;
};
struct no_flops : layer_defaults {
  static std::string name() { return "no_flops"; }
  template <class In>
  using check_t = ok;
  template <class In>
  using output_shape_t = In;
};
struct no_forward : no_flops {
  template <class In>
  static constexpr std::size_t flops_v = 0;
  template <class In>
  static constexpr std::size_t backward_flops_v = 0;
};
struct no_backward : no_forward {
  template <class In, class T>
  static void forward(forward_io<T> const&) noexcept {}
};
// forward for one value type only: not a layer for the others.
struct float_only : complete {
  template <class In>
  static void forward(forward_io<float> const&) noexcept {}
};
struct rejects : complete {
  template <class In>
  using check_t = expects_flat_input_add_flatten;
};
}  // namespace

static_assert(layer_for<complete, shape<3>>);
static_assert(layer_for<dense<2>, shape<3>, double>);
static_assert(std::is_same_v<layer_reason_t<no_name, shape<3>>, missing_member_name>);
static_assert(
    std::is_same_v<layer_reason_t<no_output_shape, shape<3>>, missing_member_output_shape_t>);
static_assert(
    std::is_same_v<layer_reason_t<not_a_shape, shape<3>>, output_shape_t_is_not_a_shape<int>>);
static_assert(std::is_same_v<layer_reason_t<no_flops, shape<3>>, missing_member_flops_v>);
static_assert(std::is_same_v<layer_reason_t<no_forward, shape<3>>, missing_member_forward>);
static_assert(std::is_same_v<layer_reason_t<no_backward, shape<3>>, missing_member_backward>);
static_assert(layer_for<float_only, shape<3>, float>);
static_assert(std::is_same_v<layer_reason_t<float_only, shape<3>, double>, missing_member_forward>);
// The layer's own verdict comes before the members that depend on its input.
static_assert(std::is_same_v<layer_reason_t<rejects, shape<3>>, expects_flat_input_add_flatten>);
static_assert(!layer_for<dense<2>, shape<3, 3>>);
static_assert(std::is_same_v<error_of<shape<3>, dense<3>, no_forward, dense<2>>,
                             layer_error<layer_index<1>, no_forward, input_shape<shape<3>>,
                                         missing_member_forward>>);

TEST_CASE("a network with an error is not a valid chain", "[core][infer]") {
  STATIC_REQUIRE_FALSE(is_valid_chain_v<shape<1, 28, 28>, dense<10>>);
  STATIC_REQUIRE(is_valid_chain_v<shape<1, 28, 28>, flatten, dense<10>>);
}
