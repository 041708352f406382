// SPDX-License-Identifier: BSL-1.0
// ctnn::summary and ctnn::architecture: a network's layers, shapes, parameters and FLOPs.
#pragma once

#include <ctnn/core/network.hpp>
#include <ctnn/core/shape.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace ctnn {

namespace detail {
inline std::string group_thousands(std::size_t v) {
  std::string digits = std::to_string(v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}
inline std::string pad_right(std::string s, std::size_t w) {
  if (s.size() < w)
    s.append(w - s.size(), ' ');
  return s;
}
inline std::string pad_left(std::string s, std::size_t w) {
  if (s.size() < w)
    s.insert(0, w - s.size(), ' ');
  return s;
}
}  // namespace detail

/// One line per layer: "input 1x28x28 | conv2d<16,3,stride<2>,pad<1>> 16x14x14 | ...".  Two
/// networks share it exactly when they have the same layers on the same shapes, which is
/// what checkpoints use as a fingerprint.
template <network_type Net>
std::string architecture() {
  std::string out = "input " + to_string(typename Net::input_shape{});
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((out += " | " + Net::template layer_t<I>::name() + " " +
             to_string(typename Net::template layer_output_t<I>{})),
     ...);
  }
  (std::make_index_sequence<Net::layer_count>{});
  return out;
}

/// A table of the network: index, layer, output shape, parameters and forward FLOPs per
/// sample, then the totals, the bytes of parameters, state and a one-sample workspace, and
/// the stack limit that ctnn::require_stack checks objects declared as locals against.
template <network_type Net>
std::string summary() {
  using detail::group_thousands, detail::pad_left, detail::pad_right;
  struct row {
    std::string index, name, shape, params, flops;
  };
  std::vector<row> rows{{"#", "layer", "output shape", "parameters", "FLOPs"},
                        {"", "input", to_string(typename Net::input_shape{}), "", ""}};
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (rows.push_back(row{
         std::to_string(I), Net::template layer_t<I>::name(),
         to_string(typename Net::template layer_output_t<I>{}),
         group_thousands(Net::template layer_t<I>::template param_count_v<
                         typename Net::template layer_input_t<I>>),
         group_thousands(
             Net::template layer_t<I>::template flops_v<typename Net::template layer_input_t<I>>)}),
     ...);
  }
  (std::make_index_sequence<Net::layer_count>{});
  rows.push_back({"", "total", to_string(typename Net::output_shape{}),
                  group_thousands(Net::parameter_count), group_thousands(Net::forward_flops)});
  std::size_t w[5] = {};
  for (auto const& r : rows) {
    std::string const* cells[5] = {&r.index, &r.name, &r.shape, &r.params, &r.flops};
    for (int c = 0; c < 5; ++c)
      w[c] = std::max(w[c], cells[c]->size());
  }
  std::string out, rule;
  auto line = [&](row const& r) {
    out += pad_left(r.index, w[0]) + "  " + pad_right(r.name, w[1]) + "  " +
           pad_right(r.shape, w[2]) + "  " + pad_left(r.params, w[3]) + "  " +
           pad_left(r.flops, w[4]) + "\n";
  };
  rule = std::string(w[0] + w[1] + w[2] + w[3] + w[4] + 8, '-') + "\n";
  line(rows.front());
  out += rule;
  for (std::size_t i = 1; i + 1 < rows.size(); ++i)
    line(rows[i]);
  out += rule;
  line(rows.back());
  out += "training FLOPs per sample (forward + backward): " + group_thousands(Net::training_flops) +
         "; state values: " + group_thousands(Net::state_count) + "\n";
  out += "memory (float): parameters " + group_thousands(Net::template parameter_bytes<float>) +
         " bytes, state " + group_thousands(Net::template state_bytes<float>) +
         " bytes, workspace " + group_thousands(Net::template workspace_bytes_per_sample<float>) +
         " bytes per sample\n";
  out += "stack limit for a model or workspace declared as a local (ctnn::require_stack): " +
         group_thousands(std::size_t{CTNN_STACK_LIMIT_BYTES}) +
         " bytes (CTNN_STACK_LIMIT_BYTES); ctnn::make_model and ctnn::make_workspace put them "
         "on the heap\n";
  return out;
}

}  // namespace ctnn
