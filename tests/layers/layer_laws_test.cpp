// SPDX-License-Identifier: BSL-1.0
// Every built-in layer, and one defined here outside include/, keeps the layer laws; layers
// that break one law each are caught.
#include <ctnn/testing/layer_laws.hpp>

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
#include <vector>

CTNN_LAYER_LAWS_COUNT_ALLOCATIONS();

using namespace ctnn;

namespace {

// A user's layer: y = a * x + b per feature, on any shape.  in: S -> out: S; params: 2 size(S).
struct scale_shift : layer_defaults {
  static std::string name() { return "scale_shift"; }
  template <class In>
  using check_t = ok;
  template <class In>
  using output_shape_t = In;
  template <class In>
  static constexpr std::size_t param_count_v = 2 * size_v<In>;
  template <class In>
  static constexpr std::size_t flops_v = 2 * size_v<In>;
  template <class In>
  static constexpr std::size_t backward_flops_v = 4 * size_v<In>;

  template <class In, class T, class Init>
  static void initialize(T* params, T*, Init& init) {
    init.constant(params, size_v<In>, T{1});
    init.constant(params + size_v<In>, size_v<In>, T{0});
  }
  template <class In, class T>
  static void forward(forward_io<T> const& io) noexcept {
    constexpr std::size_t n = size_v<In>;
    for (std::size_t b = 0; b < io.n; ++b)
      for (std::size_t i = 0; i < n; ++i)
        io.y[b * n + i] = io.params[i] * io.x[b * n + i] + io.params[n + i];
  }
  template <class In, class T>
  static void backward(backward_io<T> const& io) noexcept {
    constexpr std::size_t n = size_v<In>;
    for (std::size_t b = 0; b < io.n; ++b)
      for (std::size_t i = 0; i < n; ++i) {
        io.grads[i] += io.dy[b * n + i] * io.x[b * n + i];
        io.grads[n + i] += io.dy[b * n + i];
        if (io.dx != nullptr)
          io.dx[b * n + i] = io.dy[b * n + i] * io.params[i];
      }
  }
};

// Broken on purpose, one law each.
struct wrong_gradient : scale_shift {
  template <class In, class T>
  static void backward(backward_io<T> const& io) noexcept {
    scale_shift::backward<In>(io);
    io.grads[0] *= T{1.01};
  }
};
struct wrong_delta : scale_shift {
  template <class In, class T>
  static void backward(backward_io<T> const& io) noexcept {
    scale_shift::backward<In>(io);
    if (io.dx != nullptr)
      io.dx[0] += T{0.5};
  }
};
struct overwrites_gradients : scale_shift {
  template <class In, class T>
  static void backward(backward_io<T> const& io) noexcept {
    for (std::size_t i = 0; i < 2 * size_v<In>; ++i)
      io.grads[i] = T{0};
    scale_shift::backward<In>(io);
  }
};
struct undeclared_scratch : scale_shift {
  template <class In, class T>
  static void forward(forward_io<T> const& io) noexcept {
    scale_shift::forward<In>(io);
    io.scratch[0] = T{1};  // scratch_count is 0
  }
};
struct allocates : scale_shift {
  template <class In, class T>
  static void forward(forward_io<T> const& io) noexcept {
    std::vector<T> copy(io.x, io.x + io.n * size_v<In>);
    for (std::size_t i = 0; i < copy.size(); ++i)
      io.y[i] = io.params[i % size_v<In>] * copy[i] + io.params[size_v<In> + i % size_v<In>];
  }
};
struct skips_initialization : scale_shift {
  template <class In, class T, class Init>
  static void initialize(T* params, T*, Init& init) {
    init.constant(params, size_v<In>, T{1});  // the shifts stay unwritten
  }
};
struct short_output : scale_shift {
  template <class In>
  using output_shape_t = shape<size_v<In> + 1>;  // forward writes one value less per sample
};

}  // namespace

#define CHECK_LAWS(...)                                                                            \
  do {                                                                                             \
    const auto report = ctnn::testing::check_layer_laws<__VA_ARGS__>();                            \
    INFO(report);                                                                                  \
    CHECK(report.passed);                                                                          \
    CHECK(report.heap_checked);                                                                    \
  } while (false)

TEST_CASE("dense keeps the layer laws", "[layers][laws]") {
  CHECK_LAWS(dense<5>, shape<7>);
  CHECK_LAWS(dense<3, no_bias>, shape<4>);
}

TEST_CASE("conv2d keeps the layer laws, with stride and padding", "[layers][laws]") {
  CHECK_LAWS(conv2d<3, 3>, shape<2, 6, 6>);
  CHECK_LAWS(conv2d<4, 3, stride<2>, pad<1>>, shape<2, 7, 7>);
  CHECK_LAWS(conv2d<2, 2, pad<2>, no_bias>, shape<1, 5, 4>);
}

TEST_CASE("pooling keeps the layer laws", "[layers][laws]") {
  CHECK_LAWS(max_pool<2>, shape<2, 6, 6>);
  CHECK_LAWS(max_pool<3, stride<2>>, shape<2, 7, 7>);
  CHECK_LAWS(avg_pool<2>, shape<2, 6, 6>);
  CHECK_LAWS(avg_pool<3, stride<1>>, shape<1, 5, 5>);
}

TEST_CASE("shape and element-wise layers keep the layer laws", "[layers][laws]") {
  CHECK_LAWS(flatten, shape<2, 3, 3>);
  CHECK_LAWS(identity, shape<6>);
  CHECK_LAWS(relu, shape<10>);
  CHECK_LAWS(leaky_relu<>, shape<10>);
  CHECK_LAWS(sigmoid, shape<3, 2, 2>);
  CHECK_LAWS(ctnn::tanh, shape<8>);
}

TEST_CASE("batch_norm keeps the layer laws in both phases", "[layers][laws]") {
  CHECK_LAWS(batch_norm, shape<5>);
  CHECK_LAWS(batch_norm, shape<2, 3, 3>);
  auto eval = ctnn::testing::check_layer_laws<batch_norm, shape<2, 3, 3>>({.phase = phase::eval});
  INFO(eval);
  CHECK(eval.passed);
}

TEST_CASE("dropout keeps the layer laws", "[layers][laws]") {
  CHECK_LAWS(dropout<30>, shape<12>);
  CHECK_LAWS(dropout<0>, shape<4>);
}

TEST_CASE("residual keeps the layer laws", "[layers][laws]") {
  CHECK_LAWS(residual<sequence<dense<6>, relu>>, shape<6>);
  CHECK_LAWS(residual<sequence<dense<3, no_bias>, relu>, dense<3, no_bias>>, shape<4>);
  CHECK_LAWS(residual<sequence<conv2d<2, 3, pad<1>>, batch_norm, relu>>, shape<2, 4, 4>);
}

TEST_CASE("a layer written outside the library keeps the layer laws", "[layers][laws]") {
  static_assert(layer_for<scale_shift, shape<3>>);
  CHECK_LAWS(scale_shift, shape<3>);
  CHECK_LAWS(scale_shift, shape<2, 2, 2>);
}

TEST_CASE("the layer laws catch a layer that breaks one", "[layers][laws]") {
  auto broken = [](ctnn::testing::law_report const& r, std::string const& law) {
    INFO(r);
    CHECK_FALSE(r.passed);
    CHECK(r.message.find(law) != std::string::npos);
  };
  broken(ctnn::testing::check_layer_laws<wrong_gradient, shape<3>>(), "parameter gradients differ");
  broken(ctnn::testing::check_layer_laws<wrong_delta, shape<3>>(), "input deltas differ");
  broken(ctnn::testing::check_layer_laws<overwrites_gradients, shape<3>>(),
         "parameter gradients differ");
  broken(ctnn::testing::check_layer_laws<undeclared_scratch, shape<3>>(), "outside scratch_count");
  broken(ctnn::testing::check_layer_laws<allocates, shape<3>>(), "heap allocations");
  broken(ctnn::testing::check_layer_laws<skips_initialization, shape<3>>(), "parameters unwritten");
  broken(ctnn::testing::check_layer_laws<short_output, shape<3>>(), "outputs unwritten");
}
