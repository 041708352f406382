// SPDX-License-Identifier: BSL-1.0
// ctnn::loss_for: what a loss must provide to train a network whose output is OutShape against
// targets of kind Target, and the records of why a loss rejects them.
#pragma once

#include <ctnn/core/shape.hpp>
#include <ctnn/data/target.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>

namespace ctnn {

/// What a loss reports for a batch.
template <class T>
struct loss_result {
  T loss_sum{};             // summed over the samples (divide by n for the mean)
  std::size_t correct = 0;  // classification: samples whose largest output is the label
};

/// The record of a loss that rejects a network's output or a data set's targets; the
/// compiler prints it in full above the diagnostic of ctnn::fit and ctnn::evaluate.
template <class Loss, class Output, class Target, class Reason>
struct loss_error {};

/// The network's output shape and the data set's target kind, as a loss_error names them.
template <class Shape>
struct network_output {};
template <class Target>
struct dataset_target {};

/// softmax_cross_entropy scores a vector of class scores; an image-shaped output needs
/// flatten and dense<Classes> after it.
struct expects_rank1_output_add_flatten_and_dense {};
/// The loss classifies: the data set's targets must be ctnn::class_label.
struct expects_class_label_targets {};
/// The loss compares outputs with real targets: a shape with as many values as the output.
struct expects_shape_target_of_the_output_size {};

namespace detail {
template <class Check>
inline constexpr bool loss_ok_v = false;
template <>
inline constexpr bool loss_ok_v<void> = true;
}  // namespace detail

/// A loss L for outputs of shape Out and targets of kind Target provides:
///   L::check_t<Out, Target>: void when it accepts them, else a loss_error naming the reason;
///   L::classifies: whether loss_result::correct (and accuracy, confusion) mean anything;
///   L::compute<Out, Target>(y, targets, n, dy, scale) -> loss_result<T>: the loss summed over
///     n samples of outputs y ([n][size_v<Out>]) and targets ([n][target_size_v<Target>]);
///     unless dy is null, writes d(loss sum)/dy times scale into dy.
template <class Loss, class Out, class Target>
concept loss_for = shape_type<Out> && target_kind<Target> &&
    detail::loss_ok_v<typename Loss::template check_t<Out, Target>> &&
    requires(const float* y, const target_value_t<Target>* t, std::size_t n, float* dy) {
  { Loss::classifies } -> std::convertible_to<bool>;
  { Loss::template compute<Out, Target>(y, t, n, dy, 1.0f) } -> std::same_as<loss_result<float>>;
};

}  // namespace ctnn
