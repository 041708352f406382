// SPDX-License-Identifier: BSL-1.0
// ctnn::fingerprint: what identifies a network in its weights files and checkpoints.
#pragma once

#include <ctnn/core/network.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/core/summary.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctnn {

namespace detail {
// A layer's kind: its name without numeric arguments ("conv2d<4,3,stride<2>>" -> "conv2d",
// "residual<dense<8>,relu | skip: identity>" -> "residual<dense,relu | skip: identity>"), so
// that a composite keeps the kinds inside it, while sizes are left to the shapes and counts.
inline std::string layer_kind(std::string const& name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '<' && i + 1 < name.size() && name[i + 1] >= '0' && name[i + 1] <= '9') {
      for (int depth = 0; i < name.size(); ++i)  // to the matching '>'
        if (name[i] == '<')
          ++depth;
        else if (name[i] == '>' && --depth == 0)
          break;
      continue;
    }
    out += name[i];
  }
  return out;
}

inline std::string fingerprint_text(std::string const& scalar, std::string const& input,
                                    std::vector<layer_facts> const& layers) {
  std::string out = scalar + " | input " + input;
  for (auto const& l : layers) {
    out += " | " + layer_kind(l.name) + " " + l.input + "->" + l.output;
    if (l.parameters != 0)
      out += " params " + std::to_string(l.parameters);
    if (l.state != 0)
      out += " state " + std::to_string(l.state);
  }
  return out;
}

template <class T>
constexpr char const* scalar_name() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "ctnn weights files and checkpoints hold float or double values");
  return std::is_same_v<T, float> ? "float" : "double";
}
}  // namespace detail

/// What identifies a network in its weights files and checkpoints: the value type, the input
/// shape, and per layer its kind (its name without numeric arguments), input and output shape
/// and its numbers of parameters and state values, e.g.
///   "float | input 1x8x8 | conv2d 1x8x8->4x6x6 params 40 | batch_norm 4x6x6->4x6x6 params 8
///    state 8 | relu 4x6x6->4x6x6 | ..."
/// Two networks with the same fingerprint lay out their parameters identically.
template <network_type Net, class T>
std::string fingerprint() {
  return detail::fingerprint_text(detail::scalar_name<T>(), to_string(typename Net::input_shape{}),
                                  detail::layer_facts_of<Net>());
}

namespace detail {
/// The fingerprint of checkpoint versions 1 and 2: the layers' full names and output shapes.
template <network_type Net, class T>
std::string name_fingerprint() {
  return architecture<Net>() + " | scalar " + scalar_name<T>();
}

/// Where two fingerprints first differ, as "layer 2: conv2d 1x8x8->5x6x6 params 50 (file) vs
/// conv2d 1x8x8->4x6x6 params 40 (this program)"; empty when they are equal.
inline std::string fingerprint_difference(std::string const& file, std::string const& ours) {
  auto split = [](std::string const& s) {
    std::vector<std::string> parts;
    std::size_t at = 0;
    for (;;) {
      const std::size_t bar = s.find(" | ", at);
      parts.push_back(s.substr(at, bar == std::string::npos ? std::string::npos : bar - at));
      if (bar == std::string::npos)
        return parts;
      at = bar + 3;
    }
  };
  const auto a = split(file), b = split(ours);
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    const std::string x = i < a.size() ? a[i] : "(nothing)", y = i < b.size() ? b[i] : "(nothing)";
    if (x == y)
      continue;
    const std::string where = i == 0   ? "value type"
                              : i == 1 ? "input"
                                       : "layer " + std::to_string(i - 2);
    return where + ": " + x + " (file) vs " + y + " (this program)";
  }
  return {};
}
}  // namespace detail

}  // namespace ctnn
