// SPDX-License-Identifier: BSL-1.0
// Accuracy of int8 against float on the full test sets: N1 (MNIST) and N3 (Fashion-MNIST),
// trained briefly here, quantised with each calibration method on 1000 training images.
// Usage: quant_accuracy [DATA_DIR (holding mnist/ and fashion-mnist/)] [EPOCHS]
#include <ctnn/ctnn.hpp>
#include <ctnn/data.hpp>
#include <ctnn/quant.hpp>
#include <ctnn/train.hpp>

#include "seed_networks.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>

namespace {

template <class Net, class Data>
void run(char const* name, Data const& train, Data const& test, std::size_t epochs, double lr) {
  auto m = ctnn::make_model<Net>();
  m->normalization = ctnn::fit_normalization(train);
  ctnn::adam<Net::parameter_count> opt;
  ctnn::fit(*m, opt, ctnn::softmax_cross_entropy{}, train,
            {.epochs = epochs,
             .learning_rate = lr,
             .schedule = ctnn::schedule::parse("cosine", static_cast<double>(epochs)),
             .threads = 2});
  constexpr std::size_t in = ctnn::size_v<typename Net::input_shape>;
  auto ws = ctnn::make_workspace<Net>();
  std::vector<std::size_t> float_class(test.size());
  std::size_t float_right = 0;
  for (std::size_t i = 0; i < test.size(); ++i) {
    const auto y = ctnn::predict(*m, *ws, test.input(i));
    float_class[i] = static_cast<std::size_t>(std::max_element(y.begin(), y.end()) - y.begin());
    float_right += float_class[i] == test.targets[i];
  }
  const double float_acc =
      100.0 * static_cast<double>(float_right) / static_cast<double>(test.size());
  for (auto method : {ctnn::calibration::min_max, ctnn::calibration::percentile}) {
    const auto q = std::make_unique<ctnn::quantized_model<Net>>(
        ctnn::quantize(*m, train, {.samples = 1000, .calibration = method}));
    auto qws = std::make_unique<ctnn::quantized_workspace<Net>>();
    std::size_t right = 0, same = 0;
    for (std::size_t i = 0; i < test.size(); ++i) {
      std::array<float, ctnn::size_v<typename Net::output_shape>> y;
      ctnn::predict(*q, *qws, test.input(i).data(), y.data());
      const auto c = static_cast<std::size_t>(std::max_element(y.begin(), y.end()) - y.begin());
      right += c == test.targets[i];
      same += c == float_class[i];
    }
    const double acc = 100.0 * static_cast<double>(right) / static_cast<double>(test.size());
    std::printf("%-28s %-10s float %.2f %%  int8 %.2f %%  drop %+.2f points  same class %.2f %%\n",
                name, method == ctnn::calibration::min_max ? "min_max" : "percentile", float_acc,
                acc, float_acc - acc,
                100.0 * static_cast<double>(same) / static_cast<double>(test.size()));
    std::fflush(stdout);
  }
  (void)in;
}

}  // namespace

int main(int argc, char** argv) try {
  const char* env = std::getenv("CTNN_DATA");
  const std::filesystem::path data = argc > 1 ? argv[1] : (env != nullptr ? env : "data");
  const std::size_t epochs = argc > 2 ? std::stoul(argv[2]) : 2;
  std::printf("int8 kernel: %s; %zu epochs of training\n",
              std::string(ctnn::quant::detail::kernel_name).c_str(), epochs);
  {
    const auto train = ctnn::load_mnist(data / "mnist", ctnn::split::train);
    const auto test = ctnn::load_mnist(data / "mnist", ctnn::split::test);
    run<ctnn::seeds::mnist_cnn>("N1 mnist_cnn (MNIST)", train, test, epochs, 1e-2);
  }
  {
    const auto train = ctnn::load_mnist(data / "fashion-mnist", ctnn::split::train);
    const auto test = ctnn::load_mnist(data / "fashion-mnist", ctnn::split::test);
    run<ctnn::seeds::lenet_bn>("N3 lenet_bn (Fashion-MNIST)", train, test, epochs, 2e-3);
  }
} catch (std::exception const& e) {
  std::fprintf(stderr, "quant_accuracy: %s\n", e.what());
  return 1;
}
