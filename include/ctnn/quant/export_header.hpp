// SPDX-License-Identifier: BSL-1.0
// ctnn::export_header for a quantized_model: its int8 weights, int32 biases, multipliers and
// scales as constexpr arrays, and the model as a constexpr object built from them.
#pragma once

#include <ctnn/io/export_header.hpp>
#include <ctnn/io/fingerprint.hpp>
#include <ctnn/quant/plan.hpp>
#include <ctnn/quant/quantized_model.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace ctnn {

/// Writes q as a header (the same options as export_header of a float model): a program that
/// includes it has `NS::model`, a constexpr ctnn::quantized_model<NS::network>, and runs it
/// with ctnn::predict / ctnn::classify (ctnn/quant/predict.hpp) with no file and no heap; its
/// outputs are bit-identical to q's.  The weights are in the packed order, which is the same
/// for every target.  Throws weights_error naming the file for bad options; a file already
/// there is replaced whole or not at all.
template <class Net>
void export_header(std::filesystem::path const& path, quantized_model<Net> const& q,
                   header_options const& options) {
  namespace h = detail::header;
  using P = quant::plan<Net>;
  h::check_options(path, options.namespace_name, options.includes);
  if (!h::is_type_spelling(options.network))
    throw weights_error(path.string() +
                        ": not written: header_options::network must spell the network type as "
                        "the including program names it (e.g. \"my_app::net\"), got '" +
                        options.network + "'");
  const std::string ns = options.namespace_name;
  const std::string fp = fingerprint<Net, float>();
  const std::string g = h::guard(ns, "_INT8_HPP");
  std::vector<std::string> includes = {"<ctnn/layers.hpp>", "<ctnn/quant/predict.hpp>",
                                       "<ctnn/quant/quantized_model.hpp>", "<array>", "<cstdint>"};
  includes.insert(includes.end(), options.includes.begin(), options.includes.end());

  std::string out;
  h::begin(out,
           "An int8 ctnn::quantized_model as constant arrays.\n"
           "Network: " +
               fp,
           g, includes, ns);
  out += "using network = " + options.network + ";\n";
  out += "inline constexpr char fingerprint[] = " + h::string_literal(fp) + ";\n\n";
  const auto check = [&](std::string const& expr, auto const& values, char const* what) {
    out += "static_assert(" + expr + " == std::array<std::size_t, " +
           std::to_string(values.size()) + ">{" + h::size_list(values) + "},\n" +
           "              \"" + ns + "::network is not the network this model was quantised " +
           "from (" + what + ")\");\n";
  };
  check("ctnn::quant::plan<network>::weight_offsets", P::weight_offsets, "weights");
  check("ctnn::quant::plan<network>::channel_offsets", P::channel_offsets, "channels");
  out += "static_assert(ctnn::quant::detail::packed_channels == " +
         std::to_string(quant::detail::packed_channels) + ", \"" + ns +
         ": the weights are packed for another version of ctnn\");\n\n";
  h::array(out, "weights", "ctnn::quant::plan<network>::weight_count",
           std::span<const std::int8_t>(q.weights), 16);
  const std::string channels = "ctnn::quant::plan<network>::channel_count";
  const std::string tensors = "ctnn::quant::plan<network>::tensor_count";
  h::array(out, "bias", channels, std::span<const std::int32_t>(q.bias));
  h::array(out, "multiplier", channels, std::span<const std::int32_t>(q.multiplier));
  h::array(out, "shift", channels, std::span<const std::int32_t>(q.shift));
  h::array(out, "sum_scale", channels, std::span<const float>(q.sum_scale));
  h::array(out, "scale", tensors, std::span<const float>(q.scale));
  h::array(out, "zero_point", tensors, std::span<const std::int32_t>(q.zero_point));
  const std::string norm = "ctnn::normalization<network::input_shape, float>";
  h::array(out, "normalization_mean", norm + "::groups",
           std::span<const float>(q.normalization.mean));
  h::array(out, "normalization_stddev", norm + "::groups",
           std::span<const float>(q.normalization.stddev));
  out += "\n/// The model: ctnn::predict(model, sample), ctnn::classify(model, sample).\n";
  out += "inline constexpr ctnn::quantized_model<network> model{\n"
         "    weights, bias, multiplier, shift, sum_scale, scale, zero_point,\n"
         "    " +
         norm + "{normalization_mean, normalization_stddev}};\n";
  h::end(out, g, ns);
  h::write(path, out);
}

}  // namespace ctnn
