// SPDX-License-Identifier: BSL-1.0
// The training examples' main: run_example<Net>(argc, argv, config).  This header holds only
// what depends on the network type (network_runner for Net); the program around it is
// run_program.cpp, compiled once for every example.
#pragma once

#include <ctnn/ctnn.hpp>
#include <ctnn/report.hpp>

#include "network_runner.hpp"

#include <memory>
#include <optional>
#include <type_traits>
#include <variant>

namespace ctnn::examples {

static_assert(most_threads == max_threads, "--threads and ctnn::max_threads must agree");

/// The images as Net's input: the same set (not copied), or a copy of it under Net's input
/// shape (N2 takes input<784>).
template <class Net>
decltype(auto) as_input(image_set const& d) {
  if constexpr (std::is_same_v<typename Net::input_shape, image_set::input_shape>)
    return (d);
  else
    return reshape<typename Net::input_shape>(d);
}

/// network_runner for Net: a model, its optimizer (Adam or SGD, chosen at run time) and a
/// trainer, made on first use.
template <class Net>
class runner_of final : public network_runner {
  static constexpr std::size_t P = Net::parameter_count;

public:
  std::size_t parameter_count() const override { return P; }
  std::size_t output_count() const override { return size_v<typename Net::output_shape>; }
  bool takes_images() const override { return rank_v<typename Net::input_shape> > 1; }
  std::string summary() const override { return ctnn::summary<Net>(); }
  bool wrote(checkpoint_header const& h) const override { return h.is_of<Net>(); }
  void check_weights_file(std::string const& file) const override {
    auto probe = make_model<Net>(uninitialized);
    ctnn::load_weights(file, *probe);
  }

  void initialize(std::string const& scheme, std::uint64_t seed) override {
    initializer init(parse_init_scheme(scheme), seed);
    m_->initialize(init);
  }
  void load_weights(std::string const& file) override { ctnn::load_weights(file, *m_); }
  void save_weights(std::string const& file) const override { ctnn::save_weights(file, *m_); }
  void normalise_by(image_set const& train) override {
    // The mean and deviation of every training pixel (one group, as before the model carried
    // a normalization), for every input group of Net.
    const auto s = fit_normalization(train);
    m_->normalization.mean.fill(s.mean[0]);
    m_->normalization.stddev.fill(s.stddev[0]);
  }

  void use_optimizer(options const& o) override {
    if (o.optimizer == "adam") {
      adam_options a;
      a.weight_decay = o.weight_decay;
      opt_ = std::make_unique<optimizer>(std::in_place_type<adam<P>>, a);
      return;
    }
    sgd_options s;
    s.weight_decay = o.weight_decay;
    s.momentum = o.optimizer == "sgd" ? 0 : o.momentum;
    s.nesterov = o.optimizer == "nesterov";
    opt_ = std::make_unique<optimizer>(std::in_place_type<sgd<P>>, s);
  }
  training_position load_checkpoint(std::string const& file) override {
    training_position start;
    std::visit([&](auto& opt) { ctnn::load_checkpoint(file, *m_, opt, start); }, *opt_);
    return start;
  }
  void save_checkpoint(std::string const& file, training_position const& p) const override {
    std::visit([&](auto const& opt) { ctnn::save_checkpoint(file, *m_, opt, p); }, *opt_);
  }

  training_report fit(image_set const& train, image_set const& validation, fit_options o,
                      std::size_t threads) override {
    auto&& train_set = as_input<Net>(train);
    auto&& validation_set = as_input<Net>(validation);
    o.validation = &validation_set;
    return std::visit(
        [&](auto& opt) {
          return trainer(threads).fit(*m_, opt, softmax_cross_entropy{}, train_set, o);
        },
        *opt_);
  }
  evaluation evaluate(image_set const& set, std::size_t threads) override {
    return trainer(threads).evaluate(*m_, softmax_cross_entropy{}, as_input<Net>(set));
  }
  classification<float> classify(std::array<float, 784> const& image) const override {
    return ctnn::classify(*m_, image);
  }
  report::network_sections draw_network(std::filesystem::path const& dir, image_set const& test,
                                        report::run_description const& d) const override {
    return report::draw_network(dir, *m_, test, d);
  }

private:
  using optimizer = std::variant<adam<P>, sgd<P>>;
  ctnn::trainer<Net>& trainer(std::size_t threads) {
    if (!trainer_)
      trainer_ = std::make_unique<ctnn::trainer<Net>>(threads);
    return *trainer_;
  }
  std::unique_ptr<model<Net>> m_ = make_model<Net>(uninitialized);
  std::unique_ptr<optimizer> opt_;  // set by use_optimizer, before training or checkpoints
  std::unique_ptr<ctnn::trainer<Net>> trainer_;
};

/// Runs the shared training program (run_program.cpp) on Net.
template <class Net>
int run_example(int argc, char** argv, example_config const& c) {
  return run_program(argc, argv, c, [] { return std::make_unique<runner_of<Net>>(); });
}

}  // namespace ctnn::examples
