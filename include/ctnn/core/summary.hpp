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

/// What the texts about a network (summary, architecture, fingerprint) say of one layer.  Each
/// network gathers them once, a few lines per layer; the texts are then written by code shared
/// by every network, which keeps string building out of the per-layer instantiations.
struct layer_facts {
  std::string name, input, output;  // the layer's name, its input and output shapes
  std::size_t parameters, state, flops;
};

template <network_type Net>
std::vector<layer_facts> layer_facts_of() {
  std::vector<layer_facts> out;
  out.reserve(Net::layer_count);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (out.push_back(
         {Net::template layer_t<I>::name(), to_string(typename Net::template layer_input_t<I>{}),
          to_string(typename Net::template layer_output_t<I>{}),
          Net::parameter_offsets[I + 1] - Net::parameter_offsets[I],
          Net::state_offsets[I + 1] - Net::state_offsets[I],
          Net::template layer_t<I>::template flops_v<typename Net::template layer_input_t<I>>}),
     ...);
  }
  (std::make_index_sequence<Net::layer_count>{});
  return out;
}

inline std::string architecture_text(std::string const& input,
                                     std::vector<layer_facts> const& layers) {
  std::string out = "input " + input;
  for (auto const& l : layers)
    out += " | " + l.name + " " + l.output;
  return out;
}

/// The totals summary() prints under the table.
struct network_totals {
  std::string input, output;
  std::size_t parameters, forward_flops, training_flops, state, parameter_bytes, state_bytes,
      workspace_bytes;
};

inline std::string summary_text(network_totals const& n, std::vector<layer_facts> const& layers) {
  struct row {
    std::string index, name, shape, params, flops;
  };
  std::vector<row> rows{{"#", "layer", "output shape", "parameters", "FLOPs"},
                        {"", "input", n.input, "", ""}};
  for (std::size_t i = 0; i < layers.size(); ++i)
    rows.push_back({std::to_string(i), layers[i].name, layers[i].output,
                    group_thousands(layers[i].parameters), group_thousands(layers[i].flops)});
  rows.push_back(
      {"", "total", n.output, group_thousands(n.parameters), group_thousands(n.forward_flops)});
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
  out += "training FLOPs per sample (forward + backward): " + group_thousands(n.training_flops) +
         "; state values: " + group_thousands(n.state) + "\n";
  out += "memory (float): parameters " + group_thousands(n.parameter_bytes) + " bytes, state " +
         group_thousands(n.state_bytes) + " bytes, workspace " +
         group_thousands(n.workspace_bytes) + " bytes per sample\n";
  out += "stack limit for a model or workspace declared as a local (ctnn::require_stack): " +
         group_thousands(std::size_t{CTNN_STACK_LIMIT_BYTES}) +
         " bytes (CTNN_STACK_LIMIT_BYTES); ctnn::make_model and ctnn::make_workspace put them "
         "on the heap\n";
  return out;
}
}  // namespace detail

/// One line per layer: "input 1x28x28 | conv2d<16,3,stride<2>,pad<1>> 16x14x14 | ...".  Two
/// networks share it exactly when they have the same layers on the same shapes, which is
/// what checkpoints use as a fingerprint.
template <network_type Net>
std::string architecture() {
  return detail::architecture_text(to_string(typename Net::input_shape{}),
                                   detail::layer_facts_of<Net>());
}

/// A table of the network: index, layer, output shape, parameters and forward FLOPs per
/// sample, then the totals, the bytes of parameters, state and a one-sample workspace, and
/// the stack limit that ctnn::require_stack checks objects declared as locals against.
template <network_type Net>
std::string summary() {
  return detail::summary_text(
      {to_string(typename Net::input_shape{}), to_string(typename Net::output_shape{}),
       Net::parameter_count, Net::forward_flops, Net::training_flops, Net::state_count,
       Net::template parameter_bytes<float>, Net::template state_bytes<float>,
       Net::template workspace_bytes_per_sample<float>},
      detail::layer_facts_of<Net>());
}

}  // namespace ctnn
