// SPDX-License-Identifier: BSL-1.0
#include <ctnn/loss/loss.hpp>

#include <ctnn/loss/mse.hpp>
#include <ctnn/loss/softmax_cross_entropy.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <type_traits>

using namespace ctnn;

// Which losses train which outputs against which targets.
static_assert(loss_for<softmax_cross_entropy, shape<10>, class_label>);
static_assert(!loss_for<softmax_cross_entropy, shape<10, 7, 7>, class_label>);
static_assert(!loss_for<softmax_cross_entropy, shape<10>, shape<10>>);
static_assert(loss_for<mse, shape<1>, shape<1>>);
static_assert(loss_for<mse, shape<2, 3>, shape<6>>);  // same number of values
static_assert(!loss_for<mse, shape<3>, shape<2>>);
static_assert(!loss_for<mse, shape<3>, class_label>);
static_assert(!loss_for<mse, shape<3>, int>);

// The rejection names the loss, the output, the target and the reason.
static_assert(std::is_same_v<
              softmax_cross_entropy::check_t<shape<10, 7, 7>, class_label>,
              loss_error<softmax_cross_entropy, network_output<shape<10, 7, 7>>,
                         dataset_target<class_label>, expects_rank1_output_add_flatten_and_dense>>);
static_assert(std::is_same_v<softmax_cross_entropy::check_t<shape<4>, shape<4>>,
                             loss_error<softmax_cross_entropy, network_output<shape<4>>,
                                        dataset_target<shape<4>>, expects_class_label_targets>>);
static_assert(std::is_same_v<mse::check_t<shape<3>, shape<2>>,
                             loss_error<mse, network_output<shape<3>>, dataset_target<shape<2>>,
                                        expects_shape_target_of_the_output_size>>);

TEST_CASE("compute reports the loss sum and, for classification, the correct count",
          "[loss][loss_for]") {
  std::array<float, 6> z{3, 1, 0, /**/ 0, 0, 5}, d{};
  std::array<std::uint32_t, 2> labels{0, 1};
  const auto r = softmax_cross_entropy::compute<shape<3>, class_label>(z.data(), labels.data(), 2,
                                                                       d.data(), 0.5f);
  CHECK(r.correct == 1);
  CHECK(r.loss_sum ==
        Approx(softmax_cross_entropy::evaluate<3>(z.data(), labels.data(), 2).loss_sum));
  std::array<float, 2> y{1, 2}, t{0, 4}, dy{};
  const auto m = mse::compute<shape<2>, shape<2>>(y.data(), t.data(), 1, dy.data(), 1.0f);
  CHECK(m.loss_sum == Approx(1 + 4));
  CHECK(m.correct == 0);
  CHECK(dy == std::array<float, 2>{2, -4});
}
