// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core/network.hpp>
#include <ctnn/ctnn.hpp>

#include "seed_networks.hpp"

#include <catch2/catch.hpp>

#include <type_traits>

using namespace ctnn;
using seeds::lenet_bn;
using seeds::mnist_cnn;
using seeds::residual_mlp;
using seeds::tiny_cnn;

// The parameter counts of the seed networks, as the lab reports give them.
static_assert(mnist_cnn::parameter_count == 20'994);
static_assert(residual_mlp::parameter_count == 92'360);
static_assert(lenet_bn::parameter_count == 61'750);
static_assert(tiny_cnn<10>::parameter_count == 922);
static_assert(parameter_count_v<tiny_cnn<3>> == 922 - 7 * 76);
static_assert(within_budget<mnist_cnn, seeds::lab_budget>);
static_assert(!within_budget<mnist_cnn, 20'993>);
static_assert(require_budget<lenet_bn, seeds::lab_budget>);

// Every shape is inferred from the input.
static_assert(std::is_same_v<output_shape_t<mnist_cnn>, shape<10>>);
static_assert(std::is_same_v<mnist_cnn::layer_output_t<0>, shape<16, 14, 14>>);
static_assert(std::is_same_v<mnist_cnn::layer_output_t<2>, shape<16, 7, 7>>);
static_assert(std::is_same_v<mnist_cnn::layer_output_t<3>, shape<24, 4, 4>>);
static_assert(std::is_same_v<mnist_cnn::layer_output_t<6>, shape<96>>);
static_assert(std::is_same_v<lenet_bn::layer_output_t<7>, shape<16, 5, 5>>);

// Parameters are one block with per-layer offsets; batch_norm's running statistics are state.
static_assert(mnist_cnn::parameter_offsets[0] == 0);
static_assert(mnist_cnn::parameter_offsets[3] == 160);
static_assert(mnist_cnn::parameter_offsets[7] == 160 + 13'848);
static_assert(mnist_cnn::parameter_offsets[11] == 20'994);
static_assert(mnist_cnn::state_count == 128);
static_assert(lenet_bn::state_count == 2 * 6 + 2 * 16);

// FLOPs (multiply and add counted apart) and activation bytes are constants too.
static_assert(network<input<4>, dense<3>>::forward_flops == 2 * 4 * 3 + 3);
static_assert(network<input<4>, dense<3>>::training_flops == (2 + 4) * 4 * 3 + 3 + 3);
static_assert(network<input<1, 3, 3>, conv2d<2, 2>>::forward_flops == (2 * 4 + 1) * 2 * 4);
static_assert(mnist_cnn::activation_bytes<float> ==
              4 * (784 + 2 * 3136 + 784 + 2 * 384 + 96 + 96 + 3 * 64 + 10));
static_assert(mnist_cnn::stack_bytes_per_sample <= CTNN_STACK_LIMIT_BYTES);
static_assert(mnist_cnn::parameter_bytes<float> == 4 * 20'994);
static_assert(mnist_cnn::state_bytes<double> == 8 * 128);
static_assert(mnist_cnn::workspace_bytes_per_sample<float> ==
              sizeof(float) * mnist_cnn::workspace_count(1));
// The stack limit is for objects on the stack: a network whose one-sample workspace is far
// larger is an ordinary type (its workspace goes on the heap, ctnn::make_workspace).
using wide = network<input<64, 32, 32>, conv2d<64, 3, pad<1>>, relu, conv2d<64, 3, pad<1>>, relu,
                     flatten, dense<10>>;
static_assert(wide::workspace_bytes_per_sample<float> > CTNN_STACK_LIMIT_BYTES);
static_assert(wide::valid);

TEST_CASE("summary lists every layer with shape, parameters and FLOPs", "[core][summary]") {
  const std::string s = summary<mnist_cnn>();
  CHECK_THAT(s, Catch::Contains("conv2d<16,3,stride<2>,pad<1>>  16x14x14             160"));
  CHECK_THAT(s, Catch::Contains("dense<64>                      64                 6,208"));
  CHECK_THAT(s,
             Catch::Contains("total                          10                20,994  523,466"));
  CHECK_THAT(s, Catch::Contains("state values: 128"));
  // 20,994 parameters and 128 state values of 4 bytes; the workspace follows the layers.
  CHECK_THAT(s, Catch::Contains("memory (float): parameters 83,976 bytes, state 512 bytes, "
                                "workspace " +
                                detail::group_thousands(mnist_cnn::workspace_bytes_per_sample<>) +
                                " bytes per sample"));
  CHECK_THAT(s, Catch::Contains("(CTNN_STACK_LIMIT_BYTES)"));
}

TEST_CASE("architecture strings tell networks apart", "[core][summary]") {
  CHECK(architecture<tiny_cnn<3>>() ==
        "input 1x28x28 | conv2d<3,5> 3x24x24 | relu 3x24x24 | max_pool<2> 3x12x12 | "
        "conv2d<3,3> 3x10x10 | relu 3x10x10 | max_pool<2> 3x5x5 | flatten 75 | dense<3> 3");
  CHECK(architecture<tiny_cnn<3>>() != architecture<tiny_cnn<10>>());
  CHECK(architecture<network<input<784>, dense<10>>>() !=
        architecture<network<input<784>, dense<10, no_bias>>>());
}
