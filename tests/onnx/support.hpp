// SPDX-License-Identifier: BSL-1.0
// What the ONNX tests share: the seed networks, raw float files, batch inference and the
// comparison of two sets of outputs.
#pragma once

#include <ctnn/ctnn.hpp>
#include <seed_networks.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace ctnn_onnx_test {

using n1 = ctnn::seeds::mnist_cnn;
using n2 = ctnn::seeds::residual_mlp;
using n3 = ctnn::seeds::lenet_bn;
using n4 = ctnn::seeds::tiny_cnn<10>;
/// N5: every layer kind N1-N4 lack (leaky_relu, avg_pool, a convolution without bias,
/// sigmoid, tanh, dropout, a residual with the identity as its skip).
using n5 =
    ctnn::network<ctnn::input<1, 12, 12>, ctnn::conv2d<4, 3, ctnn::pad<1>>, ctnn::leaky_relu<1, 10>,
                  ctnn::avg_pool<2>, ctnn::conv2d<4, 3, ctnn::stride<2>, ctnn::no_bias>,
                  ctnn::sigmoid, ctnn::flatten, ctnn::dense<16>, ctnn::tanh, ctnn::dropout<20>,
                  ctnn::residual<ctnn::sequence<ctnn::dense<16>, ctnn::relu>>,
                  ctnn::dense<5, ctnn::no_bias>>;

inline constexpr std::size_t samples = 16;

inline std::vector<float> read_floats(std::filesystem::path const& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in)
    throw std::runtime_error(p.string() + ": cannot open");
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::vector<float> v(bytes.size() / sizeof(float));
  std::copy_n(bytes.data(), v.size() * sizeof(float), reinterpret_cast<char*>(v.data()));
  return v;
}

inline void write_floats(std::filesystem::path const& p, std::vector<float> const& v) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()),
            static_cast<std::streamsize>(v.size() * sizeof(float)));
  if (!out)
    throw std::runtime_error(p.string() + ": cannot write");
}

/// The outputs of m for n raw samples (normalised by m.normalization, then phase::eval).
template <class Net>
std::vector<float> outputs(ctnn::model<Net> const& m, std::vector<float> const& raw) {
  constexpr std::size_t in = ctnn::size_v<typename Net::input_shape>;
  constexpr std::size_t out = ctnn::size_v<typename Net::output_shape>;
  const std::size_t n = raw.size() / in;
  auto ws = ctnn::make_workspace<Net, float, samples>();
  std::vector<float> y;
  for (std::size_t b = 0; b < n; b += samples) {
    const std::size_t k = std::min(samples, n - b);
    m.normalization.apply(raw.data() + b * in, ws->input(), k);
    const auto r = ctnn::forward(m, *ws, ws->input(), k);
    y.insert(y.end(), r.begin(), r.begin() + static_cast<std::ptrdiff_t>(k * out));
  }
  return y;
}

/// Row-wise softmax of [n][classes] scores.
inline std::vector<float> softmax_of(std::vector<float> const& z, std::size_t classes) {
  std::vector<float> p(z.size());
  for (std::size_t b = 0; b < z.size() / classes; ++b) {
    const float* row = z.data() + b * classes;
    const float top = *std::max_element(row, row + classes);
    double sum = 0;
    for (std::size_t c = 0; c < classes; ++c)
      sum += std::exp(static_cast<double>(row[c] - top));
    for (std::size_t c = 0; c < classes; ++c)
      p[b * classes + c] = static_cast<float>(std::exp(static_cast<double>(row[c] - top)) / sum);
  }
  return p;
}

struct agreement {
  double max_abs = 0;      // largest |a - b|
  double worst_ratio = 0;  // largest |a - b| / (tolerance * (1 + |b|)): at most 1 to agree
  std::size_t classes_differ = 0;
};

/// How far outputs a are from reference b ([n][classes] each), against |a - b| <=
/// tolerance * (1 + |b|): absolute near zero, relative for large logits.
inline agreement compare(std::vector<float> const& a, std::vector<float> const& b,
                         std::size_t classes, double tolerance = 1e-5) {
  agreement r;
  if (a.size() != b.size() || a.empty()) {
    r.worst_ratio = 1e30;
    return r;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i]));
    r.max_abs = std::max(r.max_abs, d);
    r.worst_ratio = std::max(r.worst_ratio, d / (tolerance * (1 + std::abs(double(b[i])))));
  }
  for (std::size_t s = 0; s < a.size() / classes; ++s) {
    const auto ra = a.begin() + static_cast<std::ptrdiff_t>(s * classes);
    const auto rb = b.begin() + static_cast<std::ptrdiff_t>(s * classes);
    const auto n = static_cast<std::ptrdiff_t>(classes);
    r.classes_differ += (std::max_element(ra, ra + n) - ra) != (std::max_element(rb, rb + n) - rb);
  }
  return r;
}

/// A model with every value random: He-normal weights from `seed`, noise on every parameter
/// (so batch_norm's scale and shift are not 1 and 0) and positive random batch-norm
/// statistics, so that every tensor of an exported or imported model matters.
template <class Net>
std::unique_ptr<ctnn::model<Net>> random_model(std::uint32_t seed) {
  auto m = ctnn::make_model<Net>(ctnn::initializer(ctnn::init_scheme::he_normal, seed));
  std::mt19937 g(seed);
  std::normal_distribution<float> noise(0.f, 0.1f);
  for (auto& p : m->parameters)
    p += noise(g);
  std::uniform_real_distribution<float> u(0.5f, 1.5f);
  for (auto& s : m->state)
    s = u(g);
  return m;
}

}  // namespace ctnn_onnx_test
