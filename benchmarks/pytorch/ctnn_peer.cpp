// SPDX-License-Identifier: BSL-1.0
// ctnn_peer: the ctnn half of the side-by-side comparison with PyTorch
// (benchmarks/pytorch/compare_pytorch.py drives it).
//
//   ctnn_peer step  --net n1 --dir D [--data DIR]
//       Writes, as raw little-endian float32 (uint8 for labels), one batch of 128 inputs and
//       labels, the initial parameters, the gradient of the mean loss on that batch, and the
//       parameters after one SGD step (lr 0.1) and after one Adam step (lr 1e-2).  PyTorch
//       repeats the step from the same numbers and compares.
//   ctnn_peer train --net n1 --data DIR --threads T --lr LR --init-out FILE
//       Writes the initial parameters to FILE, trains one epoch (Adam, batch 128, constant
//       rate), measures batch-1 inference latency, and prints one JSON line.
#include "seed_networks.hpp"

#include <ctnn/ctnn.hpp>
#include <ctnn/data.hpp>
#include <ctnn/train.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using namespace ctnn;

struct settings {
  std::string net, dir, data, init_out;
  std::size_t threads = 1, batch = 128;
  double learning_rate = 1e-2;
  std::uint64_t seed = 1;
};

template <class V>
void write_raw(std::filesystem::path const& p, V const& values) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<char const*>(std::data(values)),
          static_cast<std::streamsize>(std::size(values) * sizeof(*std::data(values))));
  if (!f)
    throw std::runtime_error("cannot write " + p.string());
}

template <class Net>
using input_set = dataset<typename Net::input_shape>;

// The data set a network of the comparison trains on: [0,1] pixels, digits 0-2 for N4, seen
// under the network's input shape (N2 takes input<784>).
template <class Net>
std::pair<input_set<Net>, input_set<Net>> load_for(std::string const& dir) {
  auto train = load_mnist(dir, split::train), test = load_mnist(dir, split::test);
  constexpr std::size_t classes = size_v<typename Net::output_shape>;
  if (classes == 3) {
    train = select_classes(train, {0, 1, 2});
    test = select_classes(test, {0, 1, 2});
  }
  if constexpr (std::is_same_v<typename Net::input_shape, shape<1, 28, 28>>)
    return {std::move(train), std::move(test)};
  else
    return {reshape<typename Net::input_shape>(std::move(train)),
            reshape<typename Net::input_shape>(std::move(test))};
}

// One batch: the first `batch` training images, or seeded noise when no data is given.
template <class Net>
std::pair<std::vector<float>, std::vector<std::uint8_t>> first_batch(settings const& s) {
  constexpr std::size_t in = size_v<typename Net::input_shape>;
  constexpr std::size_t classes = size_v<typename Net::output_shape>;
  std::vector<float> x(s.batch * in);
  std::vector<std::uint8_t> y(s.batch);
  if (!s.data.empty()) {
    const auto d = load_for<Net>(s.data).first;
    std::copy_n(d.inputs.begin(), x.size(), x.begin());
    for (std::size_t i = 0; i < y.size(); ++i)
      y[i] = static_cast<std::uint8_t>(d.label(i));
  } else {
    for (std::size_t i = 0; i < x.size(); ++i)
      x[i] = uniform01<float>(s.seed, 7, i, 0);
    splitmix64 rng{s.seed};
    for (auto& v : y)
      v = static_cast<std::uint8_t>(rng() % classes);
  }
  return {std::move(x), std::move(y)};
}

template <class Net>
int step(settings const& s) {
  constexpr std::size_t P = Net::parameter_count;
  constexpr std::size_t classes = size_v<typename Net::output_shape>;
  if (s.batch != 128)
    throw std::invalid_argument("step uses batches of 128");
  const auto [x, y] = first_batch<Net>(s);
  auto m = std::make_unique<model<Net>>();
  initializer init(init_scheme::he_normal, s.seed);
  m->initialize(init);
  auto ws = std::make_unique<workspace<Net, float, 128>>();
  auto grads = std::make_unique<gradients<Net, float>>();
  grads->fill(0.0f);
  std::vector<float> dlogits(128 * classes);
  auto state = m->state;  // the step's forward updates the running statistics of a copy
  const run_context ctx{phase::train, s.seed, 0, 0};
  auto out = forward<Net, float, 128>(m->parameters, state, *ws, x.data(), 128, ctx);
  const auto r = softmax_cross_entropy::forward_backward<classes>(out.data(), y.data(), 128,
                                                                  dlogits.data(), 1.0f / 128);
  backward<Net, float, 128>(m->parameters, state, *grads, *ws, dlogits.data(),
                            static_cast<float*>(nullptr), 128, ctx);

  const std::filesystem::path dir = s.dir;
  std::filesystem::create_directories(dir);
  write_raw(dir / "x.bin", x);
  write_raw(dir / "y.bin", y);
  write_raw(dir / "init.bin", m->parameters);
  write_raw(dir / "grad.bin", *grads);
  write_raw(dir / "state_after.bin", state);

  auto p = m->parameters;
  sgd<P> plain;
  plain.step(std::span<float, P>(p), std::span<const float, P>(*grads), 0.1f);
  write_raw(dir / "sgd.bin", p);
  p = m->parameters;
  adam<P> a;
  a.step(std::span<float, P>(p), std::span<const float, P>(*grads), 1e-2f);
  write_raw(dir / "adam.bin", p);
  std::cout << "{\"net\": \"" << s.net << "\", \"parameters\": " << P
            << ", \"loss\": " << r.loss_sum / 128 << "}" << std::endl;
  return 0;
}

// Median time of one batch-1 forward pass in microseconds, over 31 timed blocks.  Net is the
// network of the model timed (the trained one or its folded form; both take the same input).
template <class Net, class Set>
double batch1_latency_us(model<Net> const& m, Set const& test) {
  workspace<Net, float, 1> ws;
  auto state = m.state;
  constexpr std::size_t in = size_v<typename Net::input_shape>;
  const run_context ctx{phase::eval};
  volatile float sink = 0;
  auto run = [&](std::size_t i) {
    auto yv = forward<Net, float, 1>(m.parameters, state, ws,
                                     test.inputs.data() + (i % test.size()) * in, 1, ctx);
    sink = sink + yv[0];
  };
  for (std::size_t i = 0; i < 2000; ++i)
    run(i);
  std::vector<double> blocks;
  constexpr std::size_t per_block = 500;
  for (int b = 0; b < 31; ++b) {
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < per_block; ++i)
      run(i);
    blocks.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() /
        per_block);
  }
  std::nth_element(blocks.begin(), blocks.begin() + 15, blocks.end());
  return blocks[15];
}

template <class Net>
int train(settings const& s) {
  constexpr std::size_t P = Net::parameter_count;
  if (s.data.empty())
    throw std::invalid_argument("train needs --data");
  auto [train_set, test_set] = load_for<Net>(s.data);
  auto m = std::make_unique<model<Net>>();
  initializer init(init_scheme::he_normal, s.seed);
  m->initialize(init);
  if (!s.init_out.empty())
    write_raw(s.init_out, m->parameters);
  const double latency = batch1_latency_us(*m, test_set);
  // The same model with batch norm folded into the products and conv2d + activation + max_pool
  // fused (ctnn::fold_for_inference): what a deployment would run.
  const double latency_folded = batch1_latency_us(*fold_for_inference(*m), test_set);
  fit_options o;
  o.epochs = 1;
  o.batch = s.batch;
  o.learning_rate = s.learning_rate;
  o.seed = s.seed;
  o.validation = &test_set;
  adam<P> opt;
  trainer<Net> tr(s.threads);
  const auto rep = tr.fit(*m, opt, softmax_cross_entropy{}, train_set, o);
  std::cout << "{\"net\": \"" << s.net << "\", \"parameters\": " << P
            << ", \"threads\": " << s.threads << ", \"train_seconds\": " << rep.train_seconds
            << ", \"images_per_second\": " << rep.samples_per_second()
            << ", \"latency_us\": " << latency << ", \"latency_folded_us\": " << latency_folded
            << ", \"test_accuracy\": " << rep.evaluations.back().accuracy << "}" << std::endl;
  return 0;
}

template <class Net>
int dispatch(std::string const& command, settings const& s) {
  return command == "step" ? step<Net>(s) : train<Net>(s);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ctnn's half of the PyTorch comparison", "ctnn_peer"};
  app.require_subcommand(1);
  settings s;
  auto* st = app.add_subcommand("step", "one training step from seeded weights, written out");
  auto* tr = app.add_subcommand("train", "one epoch of training, timed, as a JSON line");
  for (auto* c : {st, tr}) {
    c->add_option("--net", s.net, "n1, n2, n3 or n4 (the seed networks)")
        ->required()
        ->check(CLI::IsMember({"n1", "n2", "n3", "n4"}));
    c->add_option("--data", s.data, "folder with the four IDX files");
    c->add_option("--seed", s.seed, "initialisation seed");
  }
  st->add_option("--dir", s.dir, "where to write the step's numbers")->required();
  tr->add_option("--threads", s.threads, "training threads")->check(CLI::Range(1, 256));
  tr->add_option("--lr", s.learning_rate, "Adam learning rate")->check(CLI::Range(1e-9, 10.0));
  tr->add_option("--init-out", s.init_out, "write the initial parameters here");
  try {
    app.parse(argc, argv);
  } catch (CLI::ParseError const& e) {
    return app.exit(e);
  }
  const std::string command = st->parsed() ? "step" : "train";
  try {
    if (s.net == "n1")
      return dispatch<seeds::mnist_cnn>(command, s);
    if (s.net == "n2")
      return dispatch<seeds::residual_mlp>(command, s);
    if (s.net == "n3")
      return dispatch<seeds::lenet_bn>(command, s);
    return dispatch<seeds::tiny_cnn<3>>(command, s);
  } catch (std::exception const& e) {
    std::cerr << "ctnn_peer: error: " << e.what() << "\n";
    return 1;
  }
}
