// SPDX-License-Identifier: BSL-1.0
#include <ctnn/train/trainer.hpp>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/fit.hpp>
#include <ctnn/train/init.hpp>
#include <ctnn/train/progress.hpp>

#include "support/synthetic.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <memory>
#include <vector>

#include <unistd.h>

using namespace ctnn;
using Catch::Matchers::Contains;

namespace {
using small_net = network<input<1, 8, 8>, conv2d<4, 3>, batch_norm, relu, max_pool<2>, flatten,
                          dense<16>, dropout<10>, relu, dense<4>>;

std::unique_ptr<model<small_net>> fresh(std::uint64_t seed = 3) {
  auto m = std::make_unique<model<small_net>>();
  initializer init(init_scheme::he_normal, seed);
  m->initialize(init);
  return m;
}

struct run_result {
  std::unique_ptr<model<small_net>> m;
  training_report report;
};

run_result train(std::size_t threads, std::size_t epochs, double lr = 0.01,
                 std::uint64_t seed = 3) {
  const auto train_set = test::quadrant_images(1024, 1), test_set = test::quadrant_images(256, 2);
  run_result r{fresh(seed), {}};
  adam<small_net::parameter_count> opt;
  fit_options o;
  o.epochs = epochs;
  o.batch = 32;
  o.learning_rate = lr;
  o.seed = seed;
  o.validation = &test_set;
  trainer<small_net, 32> tr(threads);
  r.report = tr.fit(*r.m, opt, softmax_cross_entropy{}, train_set, o);
  return r;
}
}  // namespace

TEST_CASE("a small network learns the synthetic task", "[train][trainer]") {
  auto r = train(2, 3);
  REQUIRE(!r.report.evaluations.empty());
  CHECK(r.report.evaluations.back().accuracy > 0.95);
  CHECK(r.report.position.epoch == 3);
  CHECK(r.report.position.step == 3 * (1024 / 32));
  CHECK(r.report.steps.size() == 96);
  CHECK(r.report.samples == 96 * 32);
  CHECK(r.report.train_seconds > 0);
  CHECK(r.report.epochs.size() == 3);
}

TEST_CASE("the same seed and thread count give bit-identical weights", "[train][trainer]") {
  for (std::size_t threads : {1, 2, 3}) {
    auto a = train(threads, 1), b = train(threads, 1);
    CHECK(a.m->parameters == b.m->parameters);
    CHECK(a.m->state == b.m->state);
  }
  auto c = train(1, 1, 0.01, 4);
  CHECK(c.m->parameters != train(1, 1).m->parameters);
}

TEST_CASE("augmented training is reproducible and differs from plain training",
          "[train][trainer][augment]") {
  auto run = [](augmentation a, std::size_t threads) {
    const auto train_set = test::quadrant_images(512, 1), test_set = test::quadrant_images(128, 2);
    auto m = fresh();
    adam<small_net::parameter_count> opt;
    fit_options o;
    o.batch = 32;
    o.augmentation = a;
    o.validation = &test_set;
    trainer<small_net, 32> tr(threads);
    const auto rep = tr.fit(*m, opt, softmax_cross_entropy{}, train_set, o);
    CHECK(rep.evaluations.back().accuracy > 0.5);  // still learns
    return m->parameters;
  };
  const augmentation a{1, 10, 0.1, 0.05};
  const auto one = run(a, 1);
  CHECK(one == run(a, 1));
  CHECK(one != run(augmentation{}, 1));
  // The transform of a sample does not depend on which thread draws it.
  const auto two = run(a, 2), plain_two = run(augmentation{}, 2);
  CHECK(two == run(a, 2));
  CHECK(two != plain_two);
}

TEST_CASE("a NaN loss stops training with a message naming the step", "[train][trainer]") {
  CHECK_THROWS_WITH(train(1, 1, 1e30), Contains("the loss became") && Contains("step ") &&
                                           Contains("lower the learning rate"));
}

TEST_CASE("the trainer rejects settings and data that do not fit", "[train][trainer]") {
  auto m = fresh();
  adam<small_net::parameter_count> opt;
  trainer<small_net, 32> tr(1);
  auto good = test::quadrant_images(64, 1);
  fit_options o;
  o.batch = 1000;
  CHECK_THROWS_WITH(tr.fit(*m, opt, softmax_cross_entropy{}, good, o),
                    Contains("batch size 1000 is larger than the 64"));
  o.batch = 32;
  auto torn = good;
  torn.inputs.pop_back();
  CHECK_THROWS_WITH(tr.fit(*m, opt, softmax_cross_entropy{}, torn, o),
                    Contains("training set: 4095 input values"));
  auto many = good;
  many.targets[5] = 7;  // the network has 4 outputs
  CHECK_THROWS_WITH(tr.fit(*m, opt, softmax_cross_entropy{}, many, o),
                    Contains("label 7 of sample 5 is not below the network's 4 outputs"));
  o.target_accuracy = 0.9;
  CHECK_THROWS_WITH(tr.fit(*m, opt, softmax_cross_entropy{}, good, o),
                    Contains("a target accuracy needs a validation set"));
  o.target_accuracy = 0;
  const auto other = test::channel_images(16, 1);
  o.validation = &other;
  CHECK_THROWS_WITH(tr.fit(*m, opt, softmax_cross_entropy{}, good, o),
                    Contains("the validation set (inputs 3x8x8, class labels) is not of the "
                             "training set's type (inputs 1x8x8, class labels)"));
  CHECK_THROWS_AS(trainer<small_net>(0), training_error);
}

TEST_CASE("evaluation fills the confusion matrix", "[train][trainer]") {
  auto r = train(1, 2);
  trainer<small_net, 32> tr(2);
  auto e = tr.evaluate(*r.m, softmax_cross_entropy{}, test::quadrant_images(256, 2));
  CHECK(e.classification);
  CHECK(e.samples == 256);
  std::size_t total = 0, diagonal = 0;
  for (std::size_t t = 0; t < 4; ++t)
    for (std::size_t p = 0; p < 4; ++p) {
      total += e.confusion[t * 4 + p];
      if (t == p)
        diagonal += e.confusion[t * 4 + p];
    }
  CHECK(total == 256);
  CHECK(static_cast<double>(diagonal) / 256 == Approx(e.accuracy));
}

TEST_CASE("evaluate runs on a const model and does not change it", "[train][evaluate]") {
  auto r = train(1, 1);
  model<small_net> const& m = *r.m;
  const auto before = m;
  const auto d = test::quadrant_images(100, 5);
  const evaluation one = evaluate(m, softmax_cross_entropy{}, d);
  const evaluation two = evaluate(m, softmax_cross_entropy{}, d, 3);
  CHECK(m.parameters == before.parameters);
  CHECK(m.state == before.state);
  CHECK(one.accuracy == two.accuracy);
  CHECK(one.confusion == two.confusion);
  CHECK(one.loss == Approx(two.loss));
  // predict gives the outputs evaluate scored.
  const auto y = predict(m, d);
  REQUIRE(y.size() == 100);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    correct += static_cast<std::size_t>(std::max_element(y[i].begin(), y[i].end()) -
                                        y[i].begin()) == d.label(i);
  CHECK(static_cast<double>(correct) / 100 == Approx(one.accuracy));
}

TEST_CASE("a run resumed at an epoch's end goes on with another batch size",
          "[train][trainer][resume]") {
  // The position used to be steps only: with another batch, an unsigned subtraction wrapped
  // and the resumed run trained nothing (and said nothing).
  const auto train_set = test::quadrant_images(256, 1);
  auto m = fresh();
  adam<small_net::parameter_count> opt;
  fit_options o;
  o.batch = 32;
  trainer<small_net, 32> tr(1);
  const auto first = tr.fit(*m, opt, softmax_cross_entropy{}, train_set, o);
  CHECK(first.position.epoch == 1);
  CHECK(first.position.step == 8);
  CHECK(first.position.epoch_step == 0);
  CHECK(first.position.batch == 32);
  for (std::size_t batch : {16u, 64u}) {
    o.batch = batch;
    o.epochs = 2;
    o.start = first.position;
    const auto second = tr.fit(*m, opt, softmax_cross_entropy{}, train_set, o);
    CHECK(second.samples == 256);
    CHECK(second.position.epoch == 2);
    CHECK(second.position.step == 8 + 256 / batch);
  }
}

TEST_CASE("a run stopped mid-epoch refuses another batch size or training set",
          "[train][trainer][resume]") {
  const auto train_set = test::quadrant_images(256, 1);
  auto m = fresh();
  adam<small_net::parameter_count> opt;
  fit_options o;
  o.batch = 32;
  o.max_steps = 3;
  trainer<small_net, 32> tr(1);
  const auto first = tr.fit(*m, opt, softmax_cross_entropy{}, train_set, o);
  CHECK(first.position.epoch == 0);
  CHECK(first.position.epoch_step == 3);
  CHECK(first.epochs.empty());
  o.max_steps = 0;
  o.batch = 16;
  o.start = first.position;
  CHECK_THROWS_WITH(tr.fit(*m, opt, softmax_cross_entropy{}, train_set, o),
                    Contains("cannot continue the unfinished epoch 1: it was 3 steps of batch "
                             "size 32 into 256 training samples, and this run has batch size 16"));
  o.batch = 32;
  const auto fewer = test::quadrant_images(128, 1);
  CHECK_THROWS_WITH(tr.fit(*m, opt, softmax_cross_entropy{}, fewer, o),
                    Contains("use the same batch size and training set"));
  const auto rest = tr.fit(*m, opt, softmax_cross_entropy{}, train_set, o);
  CHECK(rest.samples == 5 * 32);
  CHECK(rest.position.step == 8);
  CHECK(rest.position.epoch == 1);
}

TEST_CASE("a stop request ends training after the step under way", "[train][trainer]") {
  const auto train_set = test::quadrant_images(256, 1);
  auto m = fresh();
  adam<small_net::parameter_count> opt;
  std::atomic<bool> stop{false};
  fit_options o;
  o.batch = 32;
  o.epochs = 3;
  o.stop = &stop;
  o.on_epoch = [&](epoch_info const&) { stop = true; };
  trainer<small_net, 32> tr(2);
  const auto r = tr.fit(*m, opt, softmax_cross_entropy{}, train_set, o);
  CHECK(r.interrupted);
  CHECK(r.position.epoch == 1);
  CHECK(r.position.step == 8);
}

TEST_CASE("callbacks are called once per step and per epoch with consistent values",
          "[train][callbacks]") {
  const auto all = test::quadrant_images(320, 1);
  const auto [train_set, held_out] = split_off(all, 64, 9);
  auto m = fresh();
  adam<small_net::parameter_count> opt;
  std::vector<step_info> steps;
  std::vector<epoch_info> epochs;
  fit_options o{.epochs = 3, .batch = 32, .validation = &held_out};
  o.on_step = [&](step_info const& s) { steps.push_back(s); };
  o.on_epoch = [&](epoch_info const& e) { epochs.push_back(e); };
  const auto r = fit(*m, opt, softmax_cross_entropy{}, train_set, o);
  REQUIRE(steps.size() == 3 * 8);  // 256 training samples, batch 32
  REQUIRE(epochs.size() == 3);
  for (std::size_t k = 0; k < steps.size(); ++k) {
    CHECK(steps[k].step == k + 1);
    CHECK(steps[k].position.step == k + 1);
    CHECK(steps[k].epoch == k / 8 + 1);
    CHECK(steps[k].batch_in_epoch == k % 8 + 1);
    CHECK(steps[k].batches_per_epoch == 8);
    CHECK(steps[k].loss == r.steps[k].loss);
    CHECK(steps[k].classification);
  }
  double loss = 0, accuracy = 0;
  for (std::size_t e = 0; e < 3; ++e) {
    CHECK(epochs[e].epoch == e + 1);
    CHECK(epochs[e].epochs == 3);
    CHECK(epochs[e].position.epoch == e + 1);
    CHECK(epochs[e].position.step == 8 * (e + 1));
    CHECK(epochs[e].position.epoch_step == 0);
    // The epoch's training figures are the mean of its steps' (equal batches).
    loss = accuracy = 0;
    for (std::size_t k = 8 * e; k < 8 * e + 8; ++k) {
      loss += steps[k].loss / 8;
      accuracy += steps[k].accuracy / 8;
    }
    CHECK(epochs[e].train_loss == Approx(loss));
    CHECK(epochs[e].train_accuracy == Approx(accuracy));
    CHECK(epochs[e].train_loss == Approx(steps[8 * e + 7].epoch_loss));
    REQUIRE(epochs[e].validated);
    CHECK(epochs[e].validation_accuracy == r.evaluations[e].accuracy);
    CHECK(epochs[e].validation_loss == r.evaluations[e].loss);
    CHECK(epochs[e].seconds > 0);
  }
  const evaluation v = evaluate(*m, softmax_cross_entropy{}, held_out);
  CHECK(v.accuracy == epochs[2].validation_accuracy);
  CHECK(r.epochs.size() == 3);
  CHECK(epoch_line(epochs[2]).find("validation loss") != std::string::npos);
}

TEST_CASE("eval_every validates within epochs; a target accuracy stops early",
          "[train][callbacks]") {
  const auto train_set = test::quadrant_images(512, 1), held = test::quadrant_images(128, 2);
  auto m = fresh();
  adam<small_net::parameter_count> opt;
  std::size_t epochs_seen = 0;
  fit_options o{
      .epochs = 20, .batch = 32, .validation = &held, .target_accuracy = 0.9, .eval_every = 4};
  o.on_epoch = [&](epoch_info const&) { ++epochs_seen; };
  const auto r = fit(*m, opt, softmax_cross_entropy{}, train_set, o);
  CHECK(r.target_reached);
  CHECK(r.evaluations.back().accuracy >= 0.9);
  CHECK(r.position.epoch < 20);
  for (auto const& e : r.evaluations)
    CHECK((e.step % 4 == 0 || e.step == r.position.step));
  CHECK(epochs_seen == r.epochs.size());
}

TEST_CASE("the thread count is capped, with the number in the message", "[train][trainer]") {
  CHECK_THROWS_WITH(trainer<small_net>(max_threads + 1),
                    Contains("65 threads requested; a trainer runs at most 64"));
  CHECK_THROWS_WITH(trainer<small_net>(0), Contains("at least 1"));
}

namespace {
using regression_net = network<input<4>, dense<16>, ctnn::tanh, dense<1>>;

double mse_after(std::size_t epochs, bool nonlinear, training_report* report = nullptr) {
  const auto d = test::sum_task(1024, 1, nonlinear), held = test::sum_task(256, 2, nonlinear);
  auto m = std::make_unique<model<regression_net>>();
  initializer init(init_scheme::xavier_normal, 1);
  m->initialize(init);
  adam<regression_net::parameter_count> opt;
  const auto r = fit(*m, opt, mse{}, d,
                     {.epochs = epochs, .batch = 16, .learning_rate = 1e-2, .validation = &held});
  if (report != nullptr)
    *report = r;
  return evaluate(*m, mse{}, held).loss;
}
}  // namespace

TEST_CASE("mse regression trains: y = sum of the inputs", "[train][regression]") {
  training_report r;
  const double before = mse_after(0, false);  // no epoch: the initial model
  const double after = mse_after(20, false, &r);
  INFO("mean squared error before " << before << ", after " << after);
  CHECK(before > 0.5);
  CHECK(after < 0.01);
  REQUIRE(r.epochs.size() == 20);
  CHECK(r.epochs.back().train_loss < r.epochs.front().train_loss);
  CHECK_FALSE(r.epochs.back().classification);
  CHECK(r.evaluations.back().accuracy == 0);
}

TEST_CASE("mse regression trains: a nonlinear target", "[train][regression]") {
  const double before = mse_after(0, true), after = mse_after(40, true);
  INFO("mean squared error before " << before << ", after " << after);
  CHECK(after < 0.05);
  CHECK(after < before / 10);
}

TEST_CASE("a 3x8x8 multi-channel image set trains above chance", "[train][channels]") {
  using net = network<input<3, 8, 8>, conv2d<4, 3>, relu, max_pool<2>, flatten, dense<3>>;
  const auto d = test::channel_images(600, 1), held = test::channel_images(300, 2);
  auto m = std::make_unique<model<net>>();
  initializer init(init_scheme::he_normal, 1);
  m->initialize(init);
  adam<net::parameter_count> opt;
  const auto r = fit(
      *m, opt, softmax_cross_entropy{}, d,
      {.epochs = 3, .batch = 20, .threads = 2, .validation = &held, .augmentation = {.shift = 1}});
  const double accuracy = evaluate(*m, softmax_cross_entropy{}, held).accuracy;
  INFO("accuracy " << accuracy << " (chance 1/3)");
  CHECK(accuracy > 0.8);
  CHECK(r.evaluations.back().accuracy == accuracy);
}

TEST_CASE("augmentation of vector inputs is refused", "[train][augment]") {
  const auto d = test::sum_task(64, 1);
  model<regression_net> m;
  adam<regression_net::parameter_count> opt;
  CHECK_THROWS_WITH(fit(m, opt, mse{}, d, {.batch = 8, .augmentation = {.noise = 0.1}}),
                    Contains("augmentation transforms images"));
}

TEST_CASE("fit applies the model's normalization to raw inputs", "[train][normalization]") {
  // Raw data far from zero mean and unit deviation, per channel of 3x8x8 images.
  auto raw = test::channel_images(300, 1);
  for (std::size_t i = 0; i < raw.size(); ++i)
    for (std::size_t c = 0; c < 3; ++c)
      for (std::size_t k = 0; k < 64; ++k)
        raw.inputs[i * 192 + c * 64 + k] =
            50.0f * static_cast<float>(c + 1) +
            (10.0f + static_cast<float>(c)) * raw.inputs[i * 192 + c * 64 + k];
  const auto stats = fit_normalization(raw);
  auto normalised = raw;
  stats.apply(normalised.inputs.data(), normalised.inputs.data(), normalised.size());
  const auto check = fit_normalization(normalised);
  for (std::size_t c = 0; c < 3; ++c) {
    CHECK(check.mean[c] == Approx(0).margin(1e-4));
    CHECK(check.stddev[c] == Approx(1).epsilon(1e-4));
  }

  using net = network<input<3, 8, 8>, conv2d<4, 3>, relu, flatten, dense<3>>;
  initializer init(init_scheme::he_normal, 7);
  auto a = std::make_unique<model<net>>(), b = std::make_unique<model<net>>();
  a->initialize(init);
  b->parameters = a->parameters;
  b->state = a->state;
  a->normalization = stats;  // a sees raw data; b sees data normalised beforehand
  adam<net::parameter_count> opt_a, opt_b;
  const fit_options o{.epochs = 2, .batch = 30, .threads = 2};
  fit(*a, opt_a, softmax_cross_entropy{}, raw, o);
  fit(*b, opt_b, softmax_cross_entropy{}, normalised, o);
  CHECK(a->parameters == b->parameters);
  const auto ya = predict(*a, raw), yb = predict(*b, normalised);
  for (std::size_t i = 0; i < ya.size(); ++i)
    for (std::size_t k = 0; k < 3; ++k)
      CHECK(ya[i][k] == Approx(yb[i][k]).margin(1e-5));
  CHECK(evaluate(*a, softmax_cross_entropy{}, raw).accuracy ==
        evaluate(*b, softmax_cross_entropy{}, normalised).accuracy);
  CHECK(evaluate(*a, softmax_cross_entropy{}, raw).accuracy > 0.8);
}

namespace {
std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}
}  // namespace

TEST_CASE("a trainer does not touch workspace memory it never uses", "[train][trainer]") {
  // Each thread's workspace was zero-filled: 256 threads of a budget-sized network took GBs
  // before a single step.  Now pages a pass never writes stay untouched.
  using wide = network<input<1, 28, 28>, conv2d<20, 9>, relu, flatten, dense<100>, relu, dense<10>>;
  constexpr std::size_t threads = 4;
  const std::size_t workspaces = threads * sizeof(workspace<wide, float, 128>);
  REQUIRE(workspaces > (std::size_t{100} << 20));
  const std::size_t before = resident_bytes();
  trainer<wide> tr(threads);
  const std::size_t grown = resident_bytes() - std::min(before, resident_bytes());
  INFO("workspaces " << workspaces << " bytes, resident memory grew by " << grown);
  CHECK(grown < workspaces / 4);
}
