// SPDX-License-Identifier: BSL-1.0
#include <ctnn/train/trainer.hpp>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/init.hpp>

#include "support/synthetic.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <memory>

#include <unistd.h>

using namespace ctnn;
using Catch::Matchers::Contains;

namespace {
using small_net = network<input<1, 8, 8>, conv2d<4, 3>, batch_norm, relu, max_pool<2>, flatten,
                          dense<16>, dropout<10>, relu, dense<4>>;

struct run_result {
  std::unique_ptr<model<small_net>> m;
  training_report report;
};

run_result train(std::size_t threads, std::size_t epochs, double lr = 0.01,
                 std::uint64_t seed = 3) {
  const auto train_set = test::quadrant_images(1024, 1), test_set = test::quadrant_images(256, 2);
  run_result r{std::make_unique<model<small_net>>(), {}};
  initializer init(init_scheme::he_normal, seed);
  r.m->initialize(init);
  adam<small_net::parameter_count> opt;
  train_options o;
  o.epochs = epochs;
  o.batch = 32;
  o.learning_rate = lr;
  o.seed = seed;
  o.quiet = true;
  trainer<small_net, 32> tr(threads);
  r.report = tr.fit(*r.m, opt, train_set, test_set, o);
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
  CHECK(r.report.images == 96 * 32);
  CHECK(r.report.train_seconds > 0);
}

TEST_CASE("the same seed and thread count give bit-identical weights", "[train][trainer]") {
  for (std::size_t threads : {1, 2}) {
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
    auto m = std::make_unique<model<small_net>>();
    initializer init(init_scheme::he_normal, 3);
    m->initialize(init);
    adam<small_net::parameter_count> opt;
    train_options o;
    o.batch = 32;
    o.quiet = true;
    o.augment = a;
    trainer<small_net, 32> tr(threads);
    const auto rep = tr.fit(*m, opt, train_set, test_set, o);
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

TEST_CASE("a NaN loss stops training with a clear message", "[train][trainer]") {
  CHECK_THROWS_WITH(train(1, 1, 1e30),
                    Contains("the loss became") && Contains("lower the learning rate"));
}

TEST_CASE("the trainer rejects data that does not fit", "[train][trainer]") {
  model<small_net> m;
  adam<small_net::parameter_count> opt;
  trainer<small_net, 32> tr(1);
  auto good = test::quadrant_images(64, 1);
  auto wrong = good;
  wrong.rows = 4;
  wrong.cols = 16;
  train_options o;
  o.quiet = true;
  CHECK_THROWS_WITH(tr.fit(m, opt, wrong, good, o), Contains("training set: images are 4x16"));
  o.batch = 1000;
  CHECK_THROWS_WITH(tr.fit(m, opt, good, good, o),
                    Contains("batch size 1000 is larger than the 64"));
  CHECK_THROWS_AS(trainer<small_net>(0), training_error);
}

TEST_CASE("evaluation fills the confusion matrix", "[train][trainer]") {
  auto r = train(1, 2);
  trainer<small_net, 32> tr(2);
  auto e = tr.evaluate(*r.m, test::quadrant_images(256, 2));
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

TEST_CASE("a run resumed at an epoch's end goes on with another batch size",
          "[train][trainer][resume]") {
  // The position used to be steps only: with another batch, an unsigned subtraction wrapped
  // and the resumed run trained nothing (and said nothing).
  const auto train_set = test::quadrant_images(256, 1), test_set = test::quadrant_images(64, 2);
  auto m = std::make_unique<model<small_net>>();
  initializer init(init_scheme::he_normal, 3);
  m->initialize(init);
  adam<small_net::parameter_count> opt;
  train_options o;
  o.batch = 32;
  o.quiet = true;
  trainer<small_net, 32> tr(1);
  const auto first = tr.fit(*m, opt, train_set, test_set, o);
  CHECK(first.position.epoch == 1);
  CHECK(first.position.step == 8);
  CHECK(first.position.epoch_step == 0);
  CHECK(first.position.batch == 32);
  for (std::size_t batch : {16u, 64u}) {
    o.batch = batch;
    o.epochs = 2;
    const auto second = tr.fit(*m, opt, train_set, test_set, o, first.position);
    CHECK(second.images == 256);
    CHECK(second.position.epoch == 2);
    CHECK(second.position.step == 8 + 256 / batch);
  }
}

TEST_CASE("a run stopped mid-epoch refuses another batch size or training set",
          "[train][trainer][resume]") {
  const auto train_set = test::quadrant_images(256, 1), test_set = test::quadrant_images(64, 2);
  auto m = std::make_unique<model<small_net>>();
  initializer init(init_scheme::he_normal, 3);
  m->initialize(init);
  adam<small_net::parameter_count> opt;
  train_options o;
  o.batch = 32;
  o.max_steps = 3;
  o.quiet = true;
  trainer<small_net, 32> tr(1);
  const auto first = tr.fit(*m, opt, train_set, test_set, o);
  CHECK(first.position.epoch == 0);
  CHECK(first.position.epoch_step == 3);
  o.max_steps = 0;
  o.batch = 16;
  CHECK_THROWS_WITH(tr.fit(*m, opt, train_set, test_set, o, first.position),
                    Contains("cannot continue the unfinished epoch 1: it was 3 steps of batch "
                             "size 32 into 256 training images, and this run has batch size 16"));
  o.batch = 32;
  const auto fewer = test::quadrant_images(128, 1);
  CHECK_THROWS_WITH(tr.fit(*m, opt, fewer, test_set, o, first.position),
                    Contains("use the same batch size and training set"));
  const auto rest = tr.fit(*m, opt, train_set, test_set, o, first.position);
  CHECK(rest.images == 5 * 32);
  CHECK(rest.position.step == 8);
  CHECK(rest.position.epoch == 1);
}

TEST_CASE("a stop request ends training after the step under way", "[train][trainer]") {
  const auto train_set = test::quadrant_images(256, 1), test_set = test::quadrant_images(64, 2);
  auto m = std::make_unique<model<small_net>>();
  initializer init(init_scheme::he_normal, 3);
  m->initialize(init);
  adam<small_net::parameter_count> opt;
  std::atomic<bool> stop{false};
  train_options o;
  o.batch = 32;
  o.epochs = 3;
  o.quiet = true;
  o.stop = &stop;
  o.on_epoch_end = [&](training_position const&) { stop = true; };
  trainer<small_net, 32> tr(2);
  const auto r = tr.fit(*m, opt, train_set, test_set, o);
  CHECK(r.interrupted);
  CHECK(r.position.epoch == 1);
  CHECK(r.position.step == 8);
}

TEST_CASE("the thread count is capped, with the number in the message", "[train][trainer]") {
  CHECK_THROWS_WITH(trainer<small_net>(max_threads + 1),
                    Contains("65 threads requested; a trainer runs at most 64"));
  CHECK_THROWS_WITH(trainer<small_net>(0), Contains("at least 1"));
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
