// SPDX-License-Identifier: BSL-1.0
// ctnn::softmax_cross_entropy: softmax and cross-entropy fused into one stable step.
#pragma once

#include <ctnn/loss/loss.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

namespace ctnn {

/// Cross-entropy of softmax(logits) against class labels, computed from log-sum-exp with
/// the largest logit subtracted, so no exp overflows and log never sees 0.
/// Output: shape<Classes>; targets: ctnn::class_label (each below Classes).
/// d loss / d logits = softmax(logits) - one_hot(label), times `scale` (1/batch for a mean).
struct softmax_cross_entropy {
  static constexpr bool classifies = true;

  template <class Out, class Target>
  using check_t = std::conditional_t<
      rank_v<Out> != 1,
      loss_error<softmax_cross_entropy, network_output<Out>, dataset_target<Target>,
                 expects_rank1_output_add_flatten_and_dense>,
      std::conditional_t<!std::is_same_v<Target, class_label>,
                         loss_error<softmax_cross_entropy, network_output<Out>,
                                    dataset_target<Target>, expects_class_label_targets>,
                         void>>;

  template <class Out, class Target, class T, class Label>
  static loss_result<T> compute(const T* logits, const Label* labels, std::size_t n, T* dlogits,
                                T scale) noexcept {
    return forward_backward<size_v<Out>>(logits, labels, n, dlogits, scale);
  }

  /// The kernel: Classes scores per sample, integer labels.
  template <std::size_t Classes, class T, class Label>
  static loss_result<T> forward_backward(const T* logits, const Label* labels, std::size_t n,
                                         T* dlogits, T scale) noexcept {
    loss_result<T> r;
    for (std::size_t b = 0; b < n; ++b) {
      const T* z = logits + b * Classes;
      const std::size_t label = static_cast<std::size_t>(labels[b]);
      const std::size_t best = static_cast<std::size_t>(std::max_element(z, z + Classes) - z);
      const T m = z[best];
      T s{};
      for (std::size_t k = 0; k < Classes; ++k)
        s += std::exp(z[k] - m);
      const T log_s = std::log(s);
      r.loss_sum += log_s - (z[label] - m);
      r.correct += best == label ? 1 : 0;
      if (dlogits != nullptr) {
        T* d = dlogits + b * Classes;
        for (std::size_t k = 0; k < Classes; ++k)
          d[k] = scale * (std::exp(z[k] - m - log_s) - (k == label ? T{1} : T{0}));
      }
    }
    return r;
  }

  /// Loss and accuracy only.
  template <std::size_t Classes, class T, class Label>
  static loss_result<T> evaluate(const T* logits, const Label* labels, std::size_t n) noexcept {
    return forward_backward<Classes, T, Label>(logits, labels, n, nullptr, T{0});
  }
};

}  // namespace ctnn
