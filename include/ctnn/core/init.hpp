// SPDX-License-Identifier: BSL-1.0
// ctnn::initializer: seeded He and Xavier/Glorot initialisation.
#pragma once

#include <ctnn/core/random.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <stdexcept>
#include <string>

namespace ctnn {

/// How weights are drawn; biases and the like get the constant their layer asks for.
///  - he_normal:      N(0, 2 / fan_in)                    (Kaiming, for relu networks)
///  - he_uniform:     U(-a, a), a = sqrt(6 / fan_in)
///  - xavier_normal:  N(0, 2 / (fan_in + fan_out))        (Glorot)
///  - xavier_uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out))
enum class init_scheme { he_normal, he_uniform, xavier_normal, xavier_uniform };

/// The scheme named by s ("he", "he_normal", "he_uniform", "xavier", "xavier_normal",
/// "glorot", "xavier_uniform"); throws std::invalid_argument naming the accepted names.
inline init_scheme parse_init_scheme(std::string const& s) {
  if (s == "he" || s == "he_normal")
    return init_scheme::he_normal;
  if (s == "he_uniform")
    return init_scheme::he_uniform;
  if (s == "xavier" || s == "xavier_normal" || s == "glorot")
    return init_scheme::xavier_normal;
  if (s == "xavier_uniform")
    return init_scheme::xavier_uniform;
  throw std::invalid_argument("unknown initialisation scheme '" + s +
                              "': use he, he_uniform, xavier or xavier_uniform");
}

/// The initializer a model is built with (He normal, seed 1, unless another is given), and
/// the one for model::initialize.  Its numbers come from SplitMix64 and the
/// Box-Muller transform, so a seed gives the same network with every compiler and library.
class initializer {
public:
  explicit initializer(init_scheme scheme = init_scheme::he_normal, std::uint64_t seed = 1)
      : scheme_(scheme), rng_(seed) {}

  template <class T>
  void weights(T* p, std::size_t n, std::size_t fan_in, std::size_t fan_out) {
    const double in = static_cast<double>(fan_in), both = static_cast<double>(fan_in + fan_out);
    for (std::size_t i = 0; i < n; ++i) {
      double v = 0;
      switch (scheme_) {
      case init_scheme::he_normal:
        v = normal() * std::sqrt(2 / in);
        break;
      case init_scheme::he_uniform:
        v = (2 * uniform() - 1) * std::sqrt(6 / in);
        break;
      case init_scheme::xavier_normal:
        v = normal() * std::sqrt(2 / both);
        break;
      case init_scheme::xavier_uniform:
        v = (2 * uniform() - 1) * std::sqrt(6 / both);
        break;
      }
      p[i] = static_cast<T>(v);
    }
  }

  template <class T>
  void constant(T* p, std::size_t n, T value) {
    for (std::size_t i = 0; i < n; ++i)
      p[i] = value;
  }

private:
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double normal() {
    const double u1 = 1 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  }

  init_scheme scheme_;
  splitmix64 rng_;
};

}  // namespace ctnn
