// SPDX-License-Identifier: BSL-1.0
// ctnn::testing::check_layer_laws: what every layer must satisfy, checked in one call.
#pragma once

#include <ctnn/core/layer.hpp>
#include <ctnn/core/shape.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace ctnn::testing {

/// Heap allocations made so far by the program's operator new, when the program counts them
/// (CTNN_LAYER_LAWS_COUNT_ALLOCATIONS); `heap_counting` says whether it does.
inline std::atomic<std::size_t> heap_allocations{0};
inline std::atomic<bool> heap_counting{false};

/// What check_layer_laws measures besides the verdict.
struct law_report {
  bool passed = true;
  std::string message;               // one line per broken law; empty when all hold
  double max_input_error = 0;        // largest relative error of the input delta
  double max_param_error = 0;        // ... of the parameter gradients
  std::size_t compared = 0;          // values compared against finite differences
  std::size_t kinks = 0;             // of those, left out at a kink (relu at 0, a max tie)
  std::size_t pass_allocations = 0;  // heap allocations during forward and backward
  bool heap_checked = false;         // false: the program does not count allocations

  explicit operator bool() const noexcept { return passed; }
  void fail(std::string const& law) {
    passed = false;
    message += law + "\n";
  }
  friend std::ostream& operator<<(std::ostream& os, law_report const& r) {
    os << (r.passed ? "layer laws hold" : "layer laws broken:\n" + r.message)
       << " (gradient error: input " << r.max_input_error << ", parameters " << r.max_param_error
       << "; " << r.compared << " compared, " << r.kinks << " at kinks; "
       << (r.heap_checked ? std::to_string(r.pass_allocations) + " heap allocations in passes"
                          : std::string("heap not counted"))
       << ")";
    return os;
  }
};

/// How the laws are checked.
struct law_options {
  ctnn::phase phase = ctnn::phase::train;  // batch_norm uses batch statistics, dropout drops
  std::uint64_t seed = 1;
  double tolerance = 1e-6;       // largest relative gradient error (computed in double)
  double step = 1e-4;            // finite-difference step
  double floor = 1e-3;           // relative errors of gradients below this are taken as absolute
  std::size_t max_params = 400;  // parameters compared (evenly spaced when there are more)
};

/// The initializer of gradient checks: normal weights scaled like He initialisation (so
/// activations and the loss stay near 1 and finite differences keep their precision in deep
/// networks), and random constants instead of the requested ones, so that biases and
/// batch_norm's gamma and beta take part with values that are not special.  Deterministic in
/// the seed.
struct random_initializer {
  std::mt19937_64 rng;
  explicit random_initializer(std::uint64_t seed) : rng(seed) {}
  template <class T>
  void weights(T* p, std::size_t n, std::size_t fan_in, std::size_t) {
    std::normal_distribution<double> d(0.0, 1.5 / std::sqrt(static_cast<double>(fan_in)));
    for (std::size_t i = 0; i < n; ++i)
      p[i] = static_cast<T>(d(rng));
  }
  template <class T>
  void constant(T* p, std::size_t n, T) {
    std::normal_distribution<double> d(0.5, 0.5);
    for (std::size_t i = 0; i < n; ++i)
      p[i] = static_cast<T>(d(rng));
  }
};

namespace detail {

// A buffer of `size` values between two guard zones, to catch a pass that writes outside
// the memory the protocol gives it.
struct guarded {
  static constexpr std::size_t guard = 16;
  static constexpr double canary = -12345.6789;
  std::vector<double> storage;
  std::size_t size;
  explicit guarded(std::size_t n, double fill = 0) : storage(n + 2 * guard, canary), size(n) {
    std::fill_n(data(), n, fill);
  }
  double* data() noexcept { return storage.data() + guard; }
  bool intact() const {
    for (std::size_t i = 0; i < guard; ++i)
      if (storage[i] != canary || storage[guard + size + i] != canary)
        return false;
    return true;
  }
};

inline std::size_t allocations_now() noexcept {
  return heap_allocations.load(std::memory_order_relaxed);
}

}  // namespace detail

/// Checks that layer L on input shape In, with a batch of Batch samples, keeps the layer
/// protocol's promises (docs/writing-a-layer.md):
///  - L satisfies ctnn::layer_for<L, In, double> (a static_assert, so a missing member
///    does not compile);
///  - output_shape_t<In> has elements, and forward writes every one of the Batch outputs
///    (finite for a finite input) and nothing outside them, its scratch_count(capacity) or
///    its state_count_v;
///  - backward's input delta and parameter gradients match fourth-order central
///    differences of sum(r * y) (double precision, a fixed random r); backward adds into the
///    gradients; with a null dx it gives the same gradients and writes no delta;
///  - in phase::eval forward leaves the state alone;
///  - initialize writes every parameter and state value, and the same seed gives the same
///    values;
///  - forward and backward allocate nothing on the heap (when the program counts
///    allocations: CTNN_LAYER_LAWS_COUNT_ALLOCATIONS).
/// Returns a report: convertible to bool, with one line per broken law in `message`.
template <class L, class In, std::size_t Batch = 3>
law_report check_layer_laws(law_options const& opt = {}) {
  static_assert(layer_for<L, In, double>,
                "ctnn::testing::check_layer_laws<L, In> requires L to accept In and to provide "
                "every member of the layer protocol (see ctnn::layer_reason_t<L, In, double>)");
  using T = double;
  using Out = typename L::template output_shape_t<In>;
  constexpr std::size_t in_size = size_v<In>, out_size = size_v<Out>;
  constexpr std::size_t params = L::template param_count_v<In>;
  constexpr std::size_t states = L::template state_count_v<In>;
  constexpr std::size_t capacity = Batch;
  const std::size_t scratch = L::template scratch_count<In>(capacity);
  const T nan = std::numeric_limits<T>::quiet_NaN();
  law_report rep;
  if (out_size == 0)
    rep.fail("shape: output_shape_t<In> has no elements");

  // initialize: every value written, the same seed the same values.
  detail::guarded p(params, nan), s(states, nan), p2(params, nan), s2(states, nan);
  {
    random_initializer a(opt.seed), b(opt.seed);
    L::template initialize<In>(p.data(), s.data(), a);
    L::template initialize<In>(p2.data(), s2.data(), b);
  }
  if (!p.intact() || !s.intact())
    rep.fail("initialize: writes outside param_count_v / state_count_v");
  if (std::any_of(p.data(), p.data() + params, [](T v) { return std::isnan(v); }))
    rep.fail("initialize: leaves parameters unwritten");
  if (std::any_of(s.data(), s.data() + states, [](T v) { return std::isnan(v); }))
    rep.fail("initialize: leaves state values unwritten");
  if (!std::equal(p.data(), p.data() + params, p2.data()) ||
      !std::equal(s.data(), s.data() + states, s2.data()))
    rep.fail("initialize: the same initializer seed gives different values");
  // Running statistics unlike a batch's, so eval mode is a distinct function.
  for (std::size_t i = 0; i < states; ++i)
    s.data()[i] = std::abs(s.data()[i]) + 0.25;
  const std::vector<T> state0(s.data(), s.data() + states);

  std::mt19937_64 rng(opt.seed + 1);
  std::normal_distribution<double> normal(0.0, 1.0);
  detail::guarded x(Batch * in_size), y(Batch * out_size, nan), r(Batch * out_size),
      sc(scratch, nan), dx(Batch * in_size, nan), g(params, 0.25);
  for (std::size_t i = 0; i < x.size; ++i)
    x.data()[i] = normal(rng);
  for (std::size_t i = 0; i < r.size; ++i)
    r.data()[i] = normal(rng);
  const run_context ctx{opt.phase, opt.seed, 7, 0};

  auto run_forward = [&] {
    std::copy(state0.begin(), state0.end(), s.data());  // train mode updates the state
    L::template forward<In>(
        forward_io<T>{p.data(), s.data(), sc.data(), capacity, x.data(), y.data(), Batch, ctx});
  };
  auto loss = [&] {
    run_forward();
    T sum{};
    for (std::size_t i = 0; i < y.size; ++i)
      sum += r.data()[i] * y.data()[i];
    return sum;
  };
  auto run_backward = [&](T* grads, T* delta) {
    L::template backward<In>(backward_io<T>{p.data(), grads, s.data(), sc.data(), capacity,
                                            x.data(), y.data(), r.data(), delta, Batch, ctx});
  };

  // forward: every output written, finite, nothing outside its memory; passes allocate
  // nothing.
  std::size_t before = detail::allocations_now();
  run_forward();
  rep.pass_allocations += detail::allocations_now() - before;
  if (!std::all_of(y.data(), y.data() + y.size, [](T v) { return std::isfinite(v); }))
    rep.fail("forward: leaves outputs unwritten or not finite (output_shape_t<In> too large?)");
  if (!y.intact())
    rep.fail("forward: writes past the output (output_shape_t<In> too small?)");
  if (!sc.intact())
    rep.fail("forward: writes outside scratch_count(capacity)");
  if (!s.intact())
    rep.fail("forward: writes outside state_count_v");
  if (opt.phase == phase::eval && !std::equal(state0.begin(), state0.end(), s.data()))
    rep.fail("forward: changes the state in phase::eval");

  // backward: adds into the gradients (which start at 0.25), writes dx.
  before = detail::allocations_now();
  run_backward(g.data(), dx.data());
  rep.pass_allocations += detail::allocations_now() - before;
  if (!g.intact() || !dx.intact() || !sc.intact())
    rep.fail("backward: writes outside the gradients, the input delta or the scratch");
  if (!std::all_of(dx.data(), dx.data() + dx.size, [](T v) { return std::isfinite(v); }))
    rep.fail("backward: leaves input deltas unwritten or not finite");
  std::vector<T> grads(params), delta(dx.data(), dx.data() + dx.size);
  for (std::size_t i = 0; i < params; ++i)
    grads[i] = g.data()[i] - 0.25;

  // backward without an input delta (the first layer of a network): same gradients.
  {
    detail::guarded g2(params, 0.25);
    run_forward();
    run_backward(g2.data(), nullptr);
    bool same = g2.intact();
    for (std::size_t i = 0; i < params; ++i)
      same = same && std::abs((g2.data()[i] - 0.25) - grads[i]) <=
                         1e-12 * std::max(1.0, std::abs(grads[i]));
    if (!same)
      rep.fail("backward: with dx == nullptr the parameter gradients differ");
  }

  rep.heap_checked = heap_counting.load();
  if (rep.heap_checked && rep.pass_allocations != 0)
    rep.fail("forward/backward: " + std::to_string(rep.pass_allocations) +
             " heap allocations (a pass must use only its scratch)");

  // Gradients against central differences.  A difference that straddles a kink (relu at 0,
  // a max_pool tie) disagrees with itself between steps h and h/2: counted, left out.
  auto numeric = [&](T& v, T h) {
    const T keep = v;
    auto at = [&](T offset) {
      v = keep + offset;
      return loss();
    };
    const T d1 = at(h) - at(-h), d2 = at(2 * h) - at(-2 * h);
    v = keep;
    return (8 * d1 - d2) / (12 * h);
  };
  auto rel = [&](T a, T b) {
    return std::abs(a - b) / std::max({std::abs(a), std::abs(b), opt.floor});
  };
  auto compare = [&](T analytic, T& v, double& worst) {
    const T n1 = numeric(v, opt.step), n2 = numeric(v, opt.step / 2);
    ++rep.compared;
    if (rel(n1, n2) > 1e-7) {
      ++rep.kinks;
      return;
    }
    worst = std::max(worst, rel(analytic, n1));
  };
  const std::size_t checked = std::min(params, opt.max_params);
  for (std::size_t k = 0; k < checked; ++k) {
    const std::size_t i = checked < 2 ? k : k * (params - 1) / (checked - 1);
    compare(grads[i], p.data()[i], rep.max_param_error);
  }
  for (std::size_t i = 0; i < x.size; ++i)
    compare(delta[i], x.data()[i], rep.max_input_error);
  if (rep.max_param_error > opt.tolerance)
    rep.fail("backward: parameter gradients differ from finite differences (relative error " +
             std::to_string(rep.max_param_error) + ")");
  if (rep.max_input_error > opt.tolerance)
    rep.fail("backward: input deltas differ from finite differences (relative error " +
             std::to_string(rep.max_input_error) + ")");
  if (rep.compared > 0 && rep.kinks * 4 > rep.compared)
    rep.fail("gradient check: more than a quarter of the points sit at kinks");
  return rep;
}

}  // namespace ctnn::testing

// GCC pairs its built-in operator new with the replacement's free and warns; the
// replacements are a consistent malloc/free pair.
#if defined(__GNUC__) && !defined(__clang__)
#define CTNN_DETAIL_LAWS_ALLOCATION_PRAGMA                                                         \
  _Pragma("GCC diagnostic ignored \"-Wmismatched-new-delete\"")
#else
#define CTNN_DETAIL_LAWS_ALLOCATION_PRAGMA
#endif

/// Put once at namespace scope in one .cpp of a test program: replaces the global operator
/// new and delete with counting ones, so check_layer_laws can check that passes allocate
/// nothing.  (A program that already replaces them can count into
/// ctnn::testing::heap_allocations and set ctnn::testing::heap_counting itself.)
#define CTNN_LAYER_LAWS_COUNT_ALLOCATIONS()                                                        \
  CTNN_DETAIL_LAWS_ALLOCATION_PRAGMA                                                               \
  void* operator new(std::size_t n) {                                                              \
    ++::ctnn::testing::heap_allocations;                                                           \
    if (void* p = std::malloc(n == 0 ? 1 : n))                                                     \
      return p;                                                                                    \
    throw std::bad_alloc{};                                                                        \
  }                                                                                                \
  void* operator new[](std::size_t n) {                                                            \
    return ::operator new(n);                                                                      \
  }                                                                                                \
  void operator delete(void* p) noexcept {                                                         \
    std::free(p);                                                                                  \
  }                                                                                                \
  void operator delete[](void* p) noexcept {                                                       \
    std::free(p);                                                                                  \
  }                                                                                                \
  void operator delete(void* p, std::size_t) noexcept {                                            \
    std::free(p);                                                                                  \
  }                                                                                                \
  void operator delete[](void* p, std::size_t) noexcept {                                          \
    std::free(p);                                                                                  \
  }                                                                                                \
  static const bool ctnn_layer_laws_counting = (::ctnn::testing::heap_counting = true, true)
