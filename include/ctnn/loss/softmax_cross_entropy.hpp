// SPDX-License-Identifier: BSL-1.0
// ctnn::softmax_cross_entropy: softmax and cross-entropy fused into one stable step.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace ctnn {

/// What a loss reports for a batch.
template <class T>
struct loss_result {
  T loss_sum{};             // summed over the samples (divide by n for the mean)
  std::size_t correct = 0;  // samples whose largest output is the label
};

/// Cross-entropy of softmax(logits) against integer labels, computed from log-sum-exp with
/// the largest logit subtracted, so no exp overflows and log never sees 0.
/// d loss / d logits = softmax(logits) - one_hot(label), times `scale` (1/batch for a mean).
struct softmax_cross_entropy {
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
