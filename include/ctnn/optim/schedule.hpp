// SPDX-License-Identifier: BSL-1.0
// ctnn::schedule: the learning rate as a function of training progress and test accuracy.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ctnn {

/// A learning-rate schedule.  Progress is measured in epochs (fractional within an epoch).
///  - constant:     lr = base
///  - step:         lr = base * gamma^floor(epoch / every)
///  - exponential:  lr = base * gamma^epoch
///  - cosine:       lr = floor + (base - floor) (1 + cos(pi epoch / total)) / 2
///  - accuracy:     lr = base times the factor of every threshold that the test accuracy has
///                  reached so far
struct schedule {
  enum class kind { constant, step, exponential, cosine, accuracy };
  kind type = kind::constant;
  double every = 1, gamma = 0.5, total = 1, floor = 0;
  std::vector<std::pair<double, double>> thresholds;  // (accuracy, factor), for kind::accuracy
  double accuracy_factor = 1;                         // product of the thresholds reached

  double rate(double base, double epoch) const {
    switch (type) {
    case kind::constant:
      return base;
    case kind::step:
      return base * std::pow(gamma, std::floor(epoch / every));
    case kind::exponential:
      return base * std::pow(gamma, epoch);
    case kind::cosine: {
      const double t = std::min(epoch / total, 1.0);
      return floor + (base - floor) * (1 + std::cos(std::numbers::pi * t)) / 2;
    }
    case kind::accuracy:
      return base * accuracy_factor;
    }
    return base;
  }

  /// Tells the schedule a new test accuracy; each threshold counts once, the first time.
  void observe_accuracy(double accuracy) {
    if (type != kind::accuracy)
      return;
    for (auto& [at, factor] : thresholds)
      if (factor != 1 && accuracy >= at) {
        accuracy_factor *= factor;
        factor = 1;  // spent
      }
  }

  /// Parses "constant", "step:EVERY:GAMMA", "exp:GAMMA", "cosine[:FLOOR]" or
  /// "accuracy:ACC=FACTOR,ACC=FACTOR,..."; `epochs` is the length of a cosine cycle.
  static schedule parse(std::string const& text, double epochs) {
    auto fail = [&](std::string const& why) -> schedule {
      throw std::invalid_argument("learning-rate schedule '" + text + "': " + why +
                                  " (use constant, step:EVERY:GAMMA, exp:GAMMA, cosine[:FLOOR] "
                                  "or accuracy:ACC=FACTOR,...)");
    };
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i)
      if (i == text.size() || text[i] == ':') {
        parts.push_back(text.substr(start, i - start));
        start = i + 1;
      }
    auto number = [&](std::string const& s, bool positive) {
      std::size_t used = 0;
      double v = 0;
      try {
        v = std::stod(s, &used);
      } catch (std::exception const&) {
        used = 0;
      }
      if (used != s.size() || s.empty() || !std::isfinite(v) || (positive && v <= 0) || v < 0)
        fail("'" + s + "' is not a " + (positive ? "positive" : "non-negative") + " number");
      return v;
    };
    schedule s;
    const std::string& name = parts[0];
    if (name == "constant" && parts.size() == 1)
      return s;
    if (name == "step" && parts.size() == 3) {
      s.type = kind::step;
      s.every = number(parts[1], true);
      s.gamma = number(parts[2], true);
      return s;
    }
    if (name == "exp" && parts.size() == 2) {
      s.type = kind::exponential;
      s.gamma = number(parts[1], true);
      return s;
    }
    if (name == "cosine" && parts.size() <= 2) {
      s.type = kind::cosine;
      s.total = epochs;
      if (parts.size() == 2)
        s.floor = number(parts[1], false);
      return s;
    }
    if (name == "accuracy" && parts.size() == 2) {
      s.type = kind::accuracy;
      std::size_t from = 0;
      const std::string& list = parts[1];
      while (from <= list.size()) {
        std::size_t comma = list.find(',', from);
        if (comma == std::string::npos)
          comma = list.size();
        const std::string item = list.substr(from, comma - from);
        const std::size_t eq = item.find('=');
        if (eq == std::string::npos)
          fail("'" + item + "' is not ACC=FACTOR");
        const double acc = number(item.substr(0, eq), true);
        if (acc > 1)
          fail("accuracy " + item.substr(0, eq) + " is above 1");
        s.thresholds.emplace_back(acc, number(item.substr(eq + 1), true));
        from = comma + 1;
      }
      return s;
    }
    return fail("unknown schedule or wrong number of fields");
  }
};

}  // namespace ctnn
