// SPDX-License-Identifier: BSL-1.0
// ctnn::onnx::export_model: a ctnn::model<Net> as an ONNX graph that other runtimes run.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/io/detail/format.hpp>
#include <ctnn/onnx/detail/graph.hpp>
#include <ctnn/onnx/detail/layers.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace ctnn::onnx {

/// How export_model writes the graph.
struct export_options {
  /// A final Softmax node, so that the graph outputs probabilities instead of logits.
  bool softmax_output = false;
  /// The ONNX operator set (11 to 17: what libonnx 1.12's checker knows).
  int opset = 13;
  /// Names of the graph's input and output tensors.
  std::string input_name = "input";
  std::string output_name = "output";
};

namespace detail {

template <class T>
class graph_writer {
public:
  explicit graph_writer(::onnx::GraphProto& graph) : g(graph) {}

  template <class Chain>
  std::string chain(std::string x, std::string const& path, const T* params, const T* state) {
    const bool single = !path.empty() && path.back() != '.';
    for_each_layer<Chain>([&]<std::size_t I, class L, class In>(std::size_t po, std::size_t so) {
      const std::string p = single ? path : path + std::to_string(I);
      x = layer<L, In>(x, p, params + po, state + so);
    });
    return x;
  }

  ::onnx::NodeProto& node(std::string const& op, std::string const& scope,
                          std::vector<std::string> const& inputs) {
    auto* n = g.add_node();
    n->set_op_type(op);
    n->set_name("/" + scope + "/" + op);
    for (auto const& in : inputs)
      n->add_input(in);
    n->add_output("/" + scope + "/" + op + "_output_0");
    return *n;
  }
  static void ints(::onnx::NodeProto& n, char const* name, std::vector<std::int64_t> v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto_AttributeType_INTS);
    for (auto x : v)
      a->add_ints(x);
  }
  static void integer(::onnx::NodeProto& n, char const* name, std::int64_t v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto_AttributeType_INT);
    a->set_i(v);
  }
  static void real(::onnx::NodeProto& n, char const* name, float v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto_AttributeType_FLOAT);
    a->set_f(v);
  }
  /// A float initializer named `name` of shape dims, from data ([dims] row-major).
  std::string initializer(std::string const& name, std::vector<std::int64_t> const& dims,
                          const T* data) {
    auto* t = g.add_initializer();
    t->set_name(name);
    t->set_data_type(::onnx::TensorProto_DataType_FLOAT);
    std::size_t n = 1;
    for (auto d : dims) {
      t->add_dims(d);
      n *= static_cast<std::size_t>(d);
    }
    std::string raw(n * sizeof(float), '\0');
    for (std::size_t i = 0; i < n; ++i) {
      const float f = static_cast<float>(data[i]);
      std::memcpy(raw.data() + i * sizeof(float), &f, sizeof f);
    }
    t->set_raw_data(std::move(raw));
    return name;
  }

private:
  ::onnx::GraphProto& g;

  template <class L, class In>
  std::string layer(std::string const& x, std::string const& p, const T* params, const T* state) {
    static_assert(check_mapped<L>());
    using i64 = std::int64_t;
    if constexpr (is_pass_through_v<L>) {
      return x;
    } else if constexpr (is_conv2d_v<L>) {
      constexpr i64 o = L::out_channels, c = dim_v<In, 0>, k = L::kernel;
      constexpr i64 s = L::stride_v, pd = L::pad_v;
      std::vector<std::string> in{x, initializer(p + ".weight", {o, c, k, k}, params)};
      if constexpr (L::has_bias)
        in.push_back(initializer(p + ".bias", {o}, params + o * c * k * k));
      auto& n = node("Conv", p, in);
      ints(n, "kernel_shape", {k, k});
      ints(n, "strides", {s, s});
      ints(n, "pads", {pd, pd, pd, pd});
      ints(n, "dilations", {1, 1});
      integer(n, "group", 1);
      return n.output(0);
    } else if constexpr (is_dense_v<L>) {
      // Gemm with transB = 1: ctnn's weights are [out][in], as PyTorch's Linear.
      constexpr i64 o = L::out_features, in = size_v<In>;
      std::vector<std::string> ins{x, initializer(p + ".weight", {o, in}, params)};
      if constexpr (L::has_bias)
        ins.push_back(initializer(p + ".bias", {o}, params + o * in));
      auto& n = node("Gemm", p, ins);
      real(n, "alpha", 1.f);
      real(n, "beta", 1.f);
      integer(n, "transB", 1);
      return n.output(0);
    } else if constexpr (std::is_same_v<L, batch_norm>) {
      constexpr i64 c = dim_v<In, 0>;
      auto& n = node("BatchNormalization", p,
                     {x, initializer(p + ".weight", {c}, params),
                      initializer(p + ".bias", {c}, params + c),
                      initializer(p + ".running_mean", {c}, state),
                      initializer(p + ".running_var", {c}, state + c)});
      real(n, "epsilon", static_cast<float>(L::epsilon));
      real(n, "momentum", static_cast<float>(1 - L::momentum));  // ONNX keeps 1 - PyTorch's
      return n.output(0);
    } else if constexpr (is_max_pool_v<L> || is_avg_pool_v<L>) {
      constexpr i64 w = L::window_size, s = L::stride_v;
      auto& n = node(is_max_pool_v<L> ? "MaxPool" : "AveragePool", p, {x});
      ints(n, "kernel_shape", {w, w});
      ints(n, "strides", {s, s});
      ints(n, "pads", {0, 0, 0, 0});
      integer(n, "ceil_mode", 0);
      return n.output(0);
    } else if constexpr (std::is_same_v<L, flatten>) {
      auto& n = node("Flatten", p, {x});
      integer(n, "axis", 1);
      return n.output(0);
    } else if constexpr (std::is_same_v<L, relu>) {
      return node("Relu", p, {x}).output(0);
    } else if constexpr (std::is_same_v<L, sigmoid>) {
      return node("Sigmoid", p, {x}).output(0);
    } else if constexpr (std::is_same_v<L, tanh>) {
      return node("Tanh", p, {x}).output(0);
    } else if constexpr (is_leaky_relu_v<L>) {
      auto& n = node("LeakyRelu", p, {x});
      real(n, "alpha", L::template negative_slope<float>);
      return n.output(0);
    } else if constexpr (is_residual_v<L>) {
      using B = typename residual_parts<L>::branch;
      using S = typename residual_parts<L>::skip;
      using bc = path_chain_t<B, In>;
      using sc = path_chain_t<S, In>;
      const std::string yb =
          chain<bc>(x, p + (is_sequence_v<B> ? ".branch." : ".branch"), params, state);
      const std::string ys = chain<sc>(x, p + (is_sequence_v<S> ? ".skip." : ".skip"),
                                       params + bc::param_count, state + bc::state_count);
      return node("Add", p, {yb, ys}).output(0);
    }
  }
};

template <class S>
void shape_of(::onnx::ValueInfoProto& v, std::string const& name) {
  v.set_name(name);
  auto* t = v.mutable_type()->mutable_tensor_type();
  t->set_elem_type(::onnx::TensorProto_DataType_FLOAT);
  auto* s = t->mutable_shape();
  s->add_dim()->set_dim_param("N");
  for (std::size_t d : S::dims)
    s->add_dim()->set_dim_value(static_cast<std::int64_t>(d));
}

}  // namespace detail

/// m as an ONNX model in memory (the graph export_model writes); initializers carry
/// PyTorch state_dict names ("3.weight", "8.running_var", "2.branch.0.weight").
template <class Net, class T>
::onnx::ModelProto to_onnx(model<Net, T> const& m, export_options const& options = {}) {
  if (options.opset < 11 || options.opset > 17)
    throw onnx_error(
        detail::cat("ctnn::onnx::export_model: opset ", std::to_string(options.opset)) +
        " is outside 11-17, the operator sets this exporter writes");
  ::onnx::ModelProto proto;
  proto.set_ir_version(8);
  proto.set_producer_name("ctnn");
  proto.set_producer_version("0.1");
  auto* op = proto.add_opset_import();
  op->set_domain("");
  op->set_version(options.opset);
  auto& g = *proto.mutable_graph();
  g.set_name("ctnn");
  detail::shape_of<typename Net::input_shape>(*g.add_input(), options.input_name);
  detail::graph_writer<T> w(g);
  std::string x = options.input_name;
  if (!m.normalization.is_identity()) {
    // The model's input normalisation, so that the graph takes raw inputs as ctnn does.
    using in = typename Net::input_shape;
    constexpr auto groups = static_cast<std::int64_t>(decltype(m.normalization)::groups);
    const std::vector<std::int64_t> dims =
        rank_v<in> == 3 ? std::vector<std::int64_t>{groups, 1, 1} : std::vector{groups};
    x = w.node("Sub", "normalization",
               {x, w.initializer("normalization.mean", dims, m.normalization.mean.data())})
            .output(0);
    x = w.node("Div", "normalization",
               {x, w.initializer("normalization.stddev", dims, m.normalization.stddev.data())})
            .output(0);
  }
  x = w.template chain<typename Net::chain_type>(x, "", m.parameters.data(), m.state.data());
  if (options.softmax_output) {
    auto& n = w.node("Softmax", "softmax", {x});
    detail::graph_writer<T>::integer(n, "axis", 1);
    x = n.output(0);
  }
  if (x == options.input_name) {  // a network of pass-through layers only
    x = w.node("Identity", "output", {x}).output(0);
  }
  // The last node writes the graph's output under its name.
  for (auto& n : *g.mutable_node())
    for (auto& out : *n.mutable_output())
      if (out == x)
        out = options.output_name;
  detail::shape_of<typename Net::output_shape>(*g.add_output(), options.output_name);
  return proto;
}

/// Writes m as an ONNX model to `path` (atomically: a failed write leaves the previous file).
/// The graph is Net's layers in order (Conv, Gemm, BatchNormalization, MaxPool, AveragePool,
/// Relu, Sigmoid, Tanh, LeakyRelu, Flatten, Add for residuals; dropout writes nothing), after
/// a Sub/Div of m.normalization when it is not the identity, and a final Softmax when
/// options.softmax_output.  Input [N, dims...] float, output [N, outputs...].
template <class Net, class T>
void export_model(std::filesystem::path const& path, model<Net, T> const& m,
                  export_options const& options = {}) {
  const ::onnx::ModelProto proto = to_onnx(m, options);
  std::string bytes;
  if (!proto.SerializeToString(&bytes))
    throw onnx_error(path.string() + ": the ONNX model could not be serialised");
  try {
    ctnn::detail::write_atomically(path, std::vector<std::uint8_t>(bytes.begin(), bytes.end()),
                                   ctnn::detail::file_kind::weights);
  } catch (weights_error const& e) {
    throw onnx_error(e.what());
  }
}

}  // namespace ctnn::onnx
