// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core/run.hpp>

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

using namespace ctnn;
using Catch::Matchers::Contains;

namespace {
using net = network<input<4>, dense<3>, relu, dense<2>>;
using bn_net =
    network<input<2, 3, 3>, conv2d<3, 2>, batch_norm, relu, flatten, dropout<50>, dense<3>>;

// The stack guard: what fits passes, what does not is a compile error (the compile-fail case
// stack_object_too_large shows its message).
static_assert(fits_on_stack_v<workspace<net, float, 4>>);
static_assert(require_stack<model<net>>);
static_assert(!fits_on_stack_v<workspace<net, float, 4>, 64>);
static_assert(fits_on_stack_v<std::array<char, 1024>, 1024>);

// A model's constructors: initialised by default, by an initializer, or explicitly not.
static_assert(std::is_default_constructible_v<model<net>>);
static_assert(std::is_constructible_v<model<net>, initializer>);
static_assert(std::is_constructible_v<model<net>, uninitialized_t>);
static_assert(!std::is_convertible_v<uninitialized_t, model<net>>);
static_assert(!std::is_constructible_v<model<net>, int>);

// Which passes exist: eval on a const model, any context on a mutable one, none on a const
// model with a context (it would let phase::train write the state of a const object).
template <class M>
concept forward_with_context = requires(M& m, workspace<net>& ws, const float* x) {
  forward(m, ws, x, std::size_t{1}, run_context{});
};
static_assert(forward_with_context<model<net>>);
static_assert(!forward_with_context<const model<net>>);

// An initializer that writes zeros: the model "forgot to initialise" used to be.
struct zeros {
  template <class T>
  void weights(T* p, std::size_t n, std::size_t, std::size_t) {
    std::fill(p, p + n, T{0});
  }
  template <class T>
  void constant(T* p, std::size_t n, T value) {
    std::fill(p, p + n, value);
  }
};

// Two interleaved spirals' little cousin: the class is the quadrant pair of the input (x0*x1
// > 0), which a linear model cannot separate and a relu network learns in a few hundred steps.
template <class M>
double train_and_score(M& m) {
  using xor_net = typename M::network_type;
  constexpr std::size_t batch = 32;
  workspace<xor_net, float, batch> ws;
  gradients<xor_net> g;
  splitmix64 rng(7);
  auto draw = [&](std::array<float, 2 * batch>& x, std::array<int, batch>& y) {
    for (std::size_t b = 0; b < batch; ++b) {
      const float u = static_cast<float>(rng() >> 40) / 16777216.0f * 2 - 1;
      const float v = static_cast<float>(rng() >> 40) / 16777216.0f * 2 - 1;
      x[2 * b] = u;
      x[2 * b + 1] = v;
      y[b] = u * v > 0 ? 1 : 0;
    }
  };
  std::array<float, 2 * batch> x;
  std::array<int, batch> y;
  std::array<float, 2 * batch> dy;
  for (std::uint64_t step = 0; step < 600; ++step) {
    draw(x, y);
    auto out = forward(m, ws, x.data(), batch, {phase::train, 1, step, 0});
    softmax_cross_entropy::forward_backward<2>(out.data(), y.data(), batch, dy.data(),
                                               1.0f / batch);
    g.fill(0);
    backward(m, g, ws, dy.data(), batch);
    for (std::size_t i = 0; i < g.size(); ++i)
      m.parameters[i] -= 0.5f * g[i];
  }
  std::size_t correct = 0;
  for (int round = 0; round < 10; ++round) {
    draw(x, y);
    auto out = forward(std::as_const(m), ws, x.data(), batch);
    correct += softmax_cross_entropy::evaluate<2>(out.data(), y.data(), batch).correct;
  }
  return static_cast<double>(correct) / (10 * batch);
}
}  // namespace

TEST_CASE("a model is initialised when it is made", "[core][model]") {
  const auto a = make_model<net>();
  const model<net> b;
  const model<net> c(initializer(init_scheme::he_normal, 1));
  const auto d = make_model<net>(initializer(init_scheme::xavier_uniform, 3));
  CHECK(std::any_of(a->parameters.begin(), a->parameters.end(), [](float v) { return v != 0; }));
  CHECK(a->parameters == b.parameters);  // deterministic: He normal, seed 1
  CHECK(b.parameters == c.parameters);
  CHECK(d->parameters != b.parameters);
  CHECK(a->normalization.is_identity());
  // batch_norm starts as the identity: running mean 0, variance 1.
  const model<bn_net> bn;
  constexpr std::size_t C = 3;
  for (std::size_t i = 0; i < C; ++i) {
    CHECK(bn.state[i] == 0.0f);
    CHECK(bn.state[C + i] == 1.0f);
  }
}

TEST_CASE("a default-constructed model trains; an all-zero one does not", "[core][model]") {
  using xor_net = network<input<2>, dense<16>, relu, dense<2>>;
  model<xor_net> fresh;
  CHECK(train_and_score(fresh) > 0.9);
  // What forgetting m.initialize(...) used to give: zero weights stay zero behind a relu, so
  // only the output bias learns and the score is chance.
  model<xor_net> zero{zeros{}};
  CHECK(train_and_score(zero) < 0.7);
}

TEST_CASE("forward refuses more samples than the workspace holds, in every build", "[core][run]") {
  // This wrote past the workspace in Release builds, where the assert was compiled out.
  auto m = make_model<net>();
  auto ws = make_workspace<net, float, 2>();
  const std::vector<float> x(4 * 3, 0.5f);
  CHECK_THROWS_AS(forward(*m, *ws, x.data(), 3), workspace_error);
  CHECK_THROWS_WITH(forward(*m, *ws, x.data(), 3),
                    Contains("ctnn::forward: 3 samples, but the workspace holds at most 2"));
  CHECK_THROWS_WITH(forward(*m, *ws, x.data(), 3, {phase::train}), Contains("holds at most 2"));
  CHECK(forward(*m, *ws, x.data(), 2).size() == 4);
}

TEST_CASE("backward refuses to run without a forward pass of the same samples", "[core][run]") {
  // It read the uninitialised workspace.
  auto m = make_model<net>();
  auto g = std::make_unique<gradients<net>>();
  auto ws = make_workspace<net, float, 2>();
  const std::vector<float> x(4 * 2, 0.5f), dy(2 * 2, 0.1f);
  CHECK_THROWS_WITH(backward(*m, *g, *ws, dy.data(), 2),
                    Contains("ctnn::backward: 2 samples, but no forward pass ran"));
  forward(*m, *ws, x.data(), 1);
  CHECK_THROWS_WITH(backward(*m, *g, *ws, dy.data(), 2),
                    Contains("the last forward pass ran on 1"));
  CHECK_THROWS_WITH(backward(*m, *g, *ws, dy.data(), 3), Contains("holds at most 2"));
  forward(*m, *ws, x.data(), 2);
  CHECK_NOTHROW(backward(*m, *g, *ws, dy.data(), 2));
}

TEST_CASE("backward runs in the context of the forward pass it follows", "[core][run]") {
  // A train-phase forward followed by a context-less backward used the default (eval)
  // context: gradients of batch_norm and dropout off by up to 2.4x, without a word.
  constexpr std::size_t n = 4, in = size_v<bn_net::input_shape>, out = 3;
  model<bn_net> m;
  auto ws = make_workspace<bn_net, float, n>();
  std::vector<float> x(n * in), dy(n * out);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = std::sin(0.7f * static_cast<float>(i));
  for (std::size_t i = 0; i < dy.size(); ++i)
    dy[i] = std::cos(0.3f * static_cast<float>(i));
  const run_context train{phase::train, 5, 11, 0};

  auto g_recorded = std::make_unique<gradients<bn_net>>();
  auto g_given = std::make_unique<gradients<bn_net>>();
  auto g_eval = std::make_unique<gradients<bn_net>>();
  g_recorded->fill(0);
  g_given->fill(0);
  g_eval->fill(0);
  model<bn_net> m2 = m;
  forward(m, *ws, x.data(), n, train);
  backward(m, *g_recorded, *ws, dy.data(), n);
  forward(m2, *ws, x.data(), n, train);
  backward(m2, *g_given, *ws, dy.data(), n, train);
  CHECK(*g_recorded == *g_given);
  // In eval the gradients differ, which is why the phase must not be lost on the way.
  forward(std::as_const(m2), *ws, x.data(), n);
  backward(m2, *g_eval, *ws, dy.data(), n);
  CHECK(*g_eval != *g_recorded);

  forward(m, *ws, x.data(), n, train);
  CHECK_THROWS_AS(backward(m, *g_given, *ws, dy.data(), n, run_context{}), workspace_error);
  CHECK_THROWS_WITH(backward(m, *g_given, *ws, dy.data(), n, run_context{}),
                    Contains("given the context (phase eval, seed 0, step 0, first sample 0)") &&
                        Contains("ran in (phase train, seed 5, step 11, first sample 0)"));
  CHECK_THROWS_WITH(backward(m, *g_given, *ws, dy.data(), n, {phase::train, 5, 12, 0}),
                    Contains("step 12") && Contains("step 11"));
  std::vector<float> dx(n * in);
  CHECK_THROWS_AS(backward(m, *g_given, *ws, dy.data(), dx.data(), n, {phase::eval, 5, 11, 0}),
                  workspace_error);
  CHECK_NOTHROW(backward(m, *g_given, *ws, dy.data(), dx.data(), n, train));
  // The span overloads the trainer uses check the same way.
  auto by_span = [&](run_context const& c) {
    backward<bn_net, float, n>(m.parameters, m.state, *g_given, *ws, dy.data(),
                               static_cast<float*>(nullptr), n, c);
  };
  CHECK_THROWS_AS(by_span(run_context{}), workspace_error);
  CHECK_NOTHROW(by_span(train));
}

TEST_CASE("a const model runs in eval and leaves batch_norm's state alone", "[core][run]") {
  constexpr std::size_t n = 3, in = size_v<bn_net::input_shape>;
  auto m = make_model<bn_net>();
  auto ws = make_workspace<bn_net, float, n>();
  std::vector<float> x(n * in);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = 2.0f + std::sin(1.3f * static_cast<float>(i));
  // Give the running statistics values a train pass would move.
  forward(*m, *ws, x.data(), n, {phase::train, 1, 0, 0});
  const auto state = m->state;
  const model<bn_net>& cm = *m;
  const auto y_const = forward(cm, *ws, x.data(), n);
  const std::vector<float> a(y_const.begin(), y_const.end());
  CHECK(m->state == state);
  const auto y_eval = forward(*m, *ws, x.data(), n, run_context{phase::eval});
  const std::vector<float> b(y_eval.begin(), y_eval.end());
  CHECK(a == b);
  CHECK(m->state == state);
  forward(*m, *ws, x.data(), n, {phase::train, 1, 1, 0});
  CHECK(m->state != state);  // the check above can fail: train does write the state
}
