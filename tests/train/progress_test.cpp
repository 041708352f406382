// SPDX-License-Identifier: BSL-1.0
#include <ctnn/train/progress.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

using namespace ctnn;
using Catch::Matchers::Contains;

namespace {
step_info sample_step() {
  step_info s;
  s.step = 230;
  s.epoch = 2;
  s.epochs = 5;
  s.batch_in_epoch = 230;
  s.batches_per_epoch = 469;
  s.epoch_loss = 0.0912;
  s.epoch_accuracy = 0.973;
  s.samples_per_second = 61204;
  s.eta_seconds = 4;
  s.classification = true;
  return s;
}
}  // namespace

TEST_CASE("the progress line fits the terminal width", "[train][progress]") {
  const auto s = sample_step();
  const std::string wide = progress_bar::line(s, 200);
  CHECK_THAT(wide, Contains("epoch 2/5 ["));
  CHECK_THAT(wide, Contains("] 230/469 loss 0.0912 acc  97.3% 61204/s ETA 4s"));
  for (std::size_t columns : {120u, 80u, 60u, 40u, 20u, 5u}) {
    const std::string l = progress_bar::line(s, columns);
    INFO(columns << " columns: " << l);
    CHECK(l.size() <= columns);
    CHECK(l.rfind("epoch", 0) == 0);
  }
  // The bar shrinks, then goes, before the figures are cut.
  CHECK_THAT(progress_bar::line(s, 80), Contains("#"));
  CHECK_THAT(progress_bar::line(s, 80), Contains("ETA 4s"));
  CHECK(progress_bar::line(s, 80).size() <= 80);
  CHECK(progress_bar::line(s, 70).size() < progress_bar::line(s, 80).size());
  CHECK_THAT(progress_bar::line(s, 60), Contains("ETA 4s"));
  CHECK_THAT(progress_bar::line(s, 60), !Contains("["));
  auto regression = s;
  regression.classification = false;
  CHECK_FALSE(progress_bar::line(regression, 200).find("acc") != std::string::npos);
}

TEST_CASE("the epoch line reports what the epoch has", "[train][progress]") {
  epoch_info e;
  e.epoch = 2;
  e.epochs = 5;
  e.train_loss = 0.0912;
  e.train_accuracy = 0.9731;
  e.seconds = 12.34;
  e.learning_rate = 0.005;
  e.classification = true;
  CHECK(epoch_line(e) == "epoch 2/5  train loss 0.0912 acc 97.31 %  12.3 s  lr 0.005");
  e.validated = true;
  e.validation_loss = 0.08;
  e.validation_accuracy = 0.976;
  CHECK(epoch_line(e) ==
        "epoch 2/5  train loss 0.0912 acc 97.31 %  validation loss 0.0800 acc 97.60 %  12.3 s  "
        "lr 0.005");
  e.classification = false;
  CHECK(epoch_line(e) == "epoch 2/5  train loss 0.0912  validation loss 0.0800  12.3 s  lr 0.005");
}

TEST_CASE("epoch_log writes a line whether or not the stream is a terminal", "[train][progress]") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  epoch_info e;
  e.epoch = e.epochs = 1;
  epoch_log(f)(e);
  progress_bar bar(true, f);  // a file is not a terminal: the bar stays silent
  CHECK_FALSE(bar.enabled());
  bar.update(sample_step());
  std::rewind(f);
  char buf[256] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  CHECK(std::string(buf, n) == "epoch 1/1  train loss 0.0000  0.0 s  lr 0\n");
}

TEST_CASE("each calls every callback in order and skips empty ones", "[train][progress]") {
  std::vector<int> calls;
  auto f = each<epoch_info>({[&](epoch_info const&) { calls.push_back(1); },
                             {},
                             [&](epoch_info const&) { calls.push_back(2); }});
  f(epoch_info{});
  CHECK(calls == std::vector<int>{1, 2});
}
