// SPDX-License-Identifier: BSL-1.0
// ctnn::onnx::import_model and import_into: an ONNX model (e.g. from torch.onnx.export) into
// a ctnn::model<Net>, checked node by node against the network type.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/onnx/detail/graph.hpp>
#include <ctnn/onnx/detail/layers.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ctnn::onnx {
namespace detail {

using i64 = std::int64_t;

// What a ctnn layer is called in messages: its index path and its type, e.g.
// "ctnn layer 3 conv2d<24,6,stride<2>,pad<3>>" or "ctnn layer 5.branch.0 dense<66,no_bias>".
template <class L>
std::string ctnn_label(std::string const& path) {
  return "ctnn layer " + path + " " + L::name();
}

template <class T>
class matcher {
public:
  explicit matcher(graph_reader& graph) : r(graph) {}

  /// Matches Chain from tensor `x` on (the layers' paths begin with `path`); returns the
  /// tensor holding the chain's output.
  template <class Chain>
  std::string chain(std::string x, std::string const& path, T* params, T* state) {
    const bool single = !path.empty() && path.back() != '.';
    for_each_layer<Chain>([&]<std::size_t I, class L, class In>(std::size_t po, std::size_t so) {
      const std::string p = single ? path : path + std::to_string(I);
      x = layer<L, In>(x, p, params + po, state + so);
    });
    return x;
  }

private:
  graph_reader& r;

  // The node that must come next, reading x, of one of the ops `ops` (e.g. "Conv"); fails
  // naming what the ctnn layer expects and what the file has.
  int expect(std::string& x, std::string const& who, std::vector<std::string> const& ops) {
    const int i = r.next(x);
    std::string want;
    for (std::size_t k = 0; k < ops.size(); ++k)
      want += (k ? " or " : "") + ops[k];
    if (i < 0)
      r.fail(who + " expects a " + want + " node reading tensor \"" + x +
             "\"; the file has no further node reading it");
    if (std::find(ops.begin(), ops.end(), r.node(i).op_type()) == ops.end())
      r.fail(who + " expects a " + want + " node reading tensor \"" + x + "\"; the file has " +
             r.label(i) + hint(want, r.node(i).op_type()));
    if (!r.same(r.node(i).input(0), x))
      r.fail(r.label(i) + ": " + who + " expects it to read tensor \"" + x +
             "\" as its first input; the file has \"" + r.node(i).input(0) + "\"");
    r.take(i);
    return i;
  }

  // What PyTorch users run into: its default export folds a batch norm into the Conv before
  // it, and x.view(x.size(0), -1) becomes a computed shape.
  static std::string hint(std::string const& want, std::string const& found) {
    if (want == "BatchNormalization")
      return " (torch.onnx.export folds a batch norm into the Conv before it unless called "
             "with training=torch.onnx.TrainingMode.PRESERVE after model.eval())";
    if (want == "Flatten or Reshape" && (found == "Shape" || found == "Constant"))
      return " (write the flatten as nn.Flatten() or torch.flatten(x, 1): a Flatten node)";
    return "";
  }

  [[noreturn]] void mismatch(int node, std::string const& who, std::string const& what,
                             std::string const& ours, std::string const& theirs) {
    r.fail(r.label(node) + ": " + what + ": " + who + " expects " + ours + ", the file has " +
           theirs);
  }
  void check_ints(int node, std::string const& who, char const* attr, std::vector<i64> ours,
                  std::vector<i64> theirs) {
    if (ours != theirs)
      mismatch(node, who, attr, dims_string(ours), dims_string(theirs));
  }

  // The constant (initializer) that is input k of node i, of shape `want` (or of `alt`).
  const ::onnx::TensorProto& tensor(int i, int k, std::string const& who, std::string const& what,
                                    std::vector<i64> const& want,
                                    std::vector<i64> const& alt = {}) {
    auto const& n = r.node(i);
    if (n.input_size() <= k || n.input(k).empty())
      mismatch(i, who, what, cat("a tensor of shape ", dims_string(want)), "none");
    const auto* t = r.constant(n.input(k));
    if (t == nullptr)
      r.fail(r.label(i) + ": " + what + " (input \"" + n.input(k) + "\"): " + who +
             " expects a constant tensor (initializer), the file computes it");
    const auto d = graph_reader::dims(*t);
    if (d != want && (alt.empty() || d != alt))
      mismatch(i, who, what + " \"" + n.input(k) + "\" shape", dims_string(want), dims_string(d));
    return *t;
  }
  void copy(int i, int k, std::string const& who, std::string const& what,
            std::vector<i64> const& want, T* dst, std::vector<i64> const& alt = {}) {
    const auto v = r.floats(tensor(i, k, who, what, want, alt), r.label(i) + " " + what);
    std::transform(v.begin(), v.end(), dst, [](float f) { return static_cast<T>(f); });
  }
  // A [rows][cols] matrix of the file into dst as [cols][rows].
  void copy_transposed(int i, int k, std::string const& who, std::string const& what, i64 rows,
                       i64 cols, T* dst) {
    const auto v = r.floats(tensor(i, k, who, what, {rows, cols}), r.label(i) + " " + what);
    const auto R = static_cast<std::size_t>(rows), C = static_cast<std::size_t>(cols);
    for (std::size_t a = 0; a < R; ++a)
      for (std::size_t b = 0; b < C; ++b)
        dst[b * R + a] = static_cast<T>(v[a * C + b]);
  }
  static std::string str(i64 v) { return std::to_string(v); }

  template <class L, class In>
  std::string layer(std::string x, std::string const& path, T* params, T* state) {
    static_assert(check_mapped<L>());
    const std::string who = ctnn_label<L>(path);
    if constexpr (is_pass_through_v<L>) {
      return x;
    } else if constexpr (is_conv2d_v<L>) {
      constexpr i64 o = L::out_channels, c = dim_v<In, 0>, k = L::kernel;
      constexpr i64 s = L::stride_v, p = L::pad_v;
      const int i = expect(x, who, {"Conv"});
      auto const& n = r.node(i);
      copy(i, 1, who, "weight", {o, c, k, k}, params);
      if constexpr (L::has_bias)
        copy(i, 2, who, "bias", {o}, params + o * c * k * k);
      else if (n.input_size() > 2 && !n.input(2).empty())
        mismatch(i, who, "bias", "none (no_bias)", "\"" + n.input(2) + "\"");
      check_ints(i, who, "kernel_shape", {k, k},
                 graph_reader::attr_ints(n, "kernel_shape", {k, k}));
      check_ints(i, who, "strides", {s, s}, graph_reader::attr_ints(n, "strides", {1, 1}));
      check_ints(i, who, "pads", {p, p, p, p}, graph_reader::attr_ints(n, "pads", {0, 0, 0, 0}));
      check_ints(i, who, "dilations", {1, 1}, graph_reader::attr_ints(n, "dilations", {1, 1}));
      check_ints(i, who, "group", {1}, {graph_reader::attr_int(n, "group", 1)});
      check_auto_pad(i, who);
      return n.output(0);
    } else if constexpr (is_dense_v<L>) {
      constexpr i64 o = L::out_features, in = size_v<In>;
      const int i = expect(x, who, {"Gemm", "MatMul"});
      auto const& n = r.node(i);
      T* bias = params + o * in;
      if (n.op_type() == "MatMul") {
        // y = x B with B [in][out]: PyTorch's export of a Linear without bias, or of one
        // whose bias follows as an Add.
        copy_transposed(i, 1, who, "weight", in, o, params);
        if constexpr (!L::has_bias)
          return n.output(0);
        std::string y = n.output(0);
        const int a = r.next(y);
        if (a < 0 || r.node(a).op_type() != "Add" || r.node(a).input_size() != 2)
          r.fail(who + " expects its bias as an Add node after " + r.label(i) + "; the file has " +
                 (a < 0 ? std::string("none") : r.label(a)));
        r.take(a);
        const int k = r.same(r.node(a).input(0), y) ? 1 : 0;
        copy(a, k, who, "bias", {o}, bias, {1, o});
        return r.node(a).output(0);
      }
      if (graph_reader::attr_int(n, "transA", 0) != 0)
        mismatch(i, who, "transA", "0", "1");
      if (graph_reader::attr_float(n, "alpha", 1.f) != 1.f)
        mismatch(i, who, "alpha", "1", std::to_string(graph_reader::attr_float(n, "alpha", 1.f)));
      if (graph_reader::attr_int(n, "transB", 0) != 0)
        copy(i, 1, who, "weight", {o, in}, params);  // PyTorch's Linear: [out][in], as ctnn's
      else
        copy_transposed(i, 1, who, "weight", in, o, params);
      const bool file_bias = n.input_size() > 2 && !n.input(2).empty();
      if constexpr (L::has_bias) {
        if (!file_bias)
          mismatch(i, who, "bias", "a tensor of shape [" + str(o) + "]", "none");
        if (graph_reader::attr_float(n, "beta", 1.f) != 1.f)
          mismatch(i, who, "beta", "1", std::to_string(graph_reader::attr_float(n, "beta", 1.f)));
        copy(i, 2, who, "bias", {o}, bias, {1, o});
      } else if (file_bias) {
        mismatch(i, who, "bias", "none (no_bias)", "\"" + n.input(2) + "\"");
      }
      return n.output(0);
    } else if constexpr (std::is_same_v<L, batch_norm>) {
      constexpr i64 c = dim_v<In, 0>;
      const int i = expect(x, who, {"BatchNormalization"});
      auto const& n = r.node(i);
      copy(i, 1, who, "scale (weight)", {c}, params);
      copy(i, 2, who, "bias", {c}, params + c);
      copy(i, 3, who, "running mean", {c}, state);
      copy(i, 4, who, "running variance", {c}, state + c);
      const float eps = graph_reader::attr_float(n, "epsilon", 1e-5f);
      if (std::abs(static_cast<double>(eps) - L::epsilon) > 1e-6 * L::epsilon)
        mismatch(i, who, "epsilon", std::to_string(L::epsilon), std::to_string(eps));
      if (graph_reader::attr_int(n, "training_mode", 0) != 0)
        mismatch(i, who, "training_mode", "0 (running statistics)", "1");
      for (int k = 1; k < n.output_size(); ++k)
        if (!n.output(k).empty())
          mismatch(i, who, "outputs", "one (inference)", std::to_string(n.output_size()));
      return n.output(0);
    } else if constexpr (is_max_pool_v<L> || is_avg_pool_v<L>) {
      constexpr i64 w = L::window_size, s = L::stride_v;
      const int i = expect(x, who, {is_max_pool_v<L> ? "MaxPool" : "AveragePool"});
      auto const& n = r.node(i);
      check_ints(i, who, "kernel_shape", {w, w}, graph_reader::attr_ints(n, "kernel_shape", {}));
      check_ints(i, who, "strides", {s, s}, graph_reader::attr_ints(n, "strides", {1, 1}));
      check_ints(i, who, "pads", {0, 0, 0, 0}, graph_reader::attr_ints(n, "pads", {0, 0, 0, 0}));
      check_ints(i, who, "dilations", {1, 1}, graph_reader::attr_ints(n, "dilations", {1, 1}));
      check_ints(i, who, "ceil_mode", {0}, {graph_reader::attr_int(n, "ceil_mode", 0)});
      check_auto_pad(i, who);
      if (n.output_size() > 1 && !n.output(1).empty())
        mismatch(i, who, "outputs", "the pooled values only", "also the indices");
      return n.output(0);
    } else if constexpr (std::is_same_v<L, flatten>) {
      if constexpr (rank_v<In> == 1) {
        // Already flat: PyTorch may write a Flatten or nothing.
        std::string y = x;
        const int i = r.next(y);
        if (i < 0 || (r.node(i).op_type() != "Flatten" && r.node(i).op_type() != "Reshape"))
          return y;
        x = y;
      }
      const int i = expect(x, who, {"Flatten", "Reshape"});
      auto const& n = r.node(i);
      if (n.op_type() == "Flatten") {
        check_ints(i, who, "axis", {1}, {graph_reader::attr_int(n, "axis", 1)});
      } else {
        const auto* t = n.input_size() > 1 ? r.constant(n.input(1)) : nullptr;
        if (t == nullptr)
          r.fail(r.label(i) + ": " + who + " expects a constant shape [-1, " + str(size_v<In>) +
                 "], the file computes the shape");
        const auto shp = r.ints(*t, r.label(i) + " shape");
        if (shp.size() != 2 || (shp[0] != -1 && shp[0] != 0) || shp[1] != i64(size_v<In>))
          mismatch(i, who, "shape", "[-1, " + str(size_v<In>) + "]", dims_string(shp));
      }
      return n.output(0);
    } else if constexpr (std::is_same_v<L, relu>) {
      return r.node(expect(x, who, {"Relu"})).output(0);
    } else if constexpr (std::is_same_v<L, sigmoid>) {
      return r.node(expect(x, who, {"Sigmoid"})).output(0);
    } else if constexpr (std::is_same_v<L, tanh>) {
      return r.node(expect(x, who, {"Tanh"})).output(0);
    } else if constexpr (is_leaky_relu_v<L>) {
      const int i = expect(x, who, {"LeakyRelu"});
      const float alpha = graph_reader::attr_float(r.node(i), "alpha", 0.01f);
      const float ours = L::template negative_slope<float>;
      if (std::abs(alpha - ours) > 1e-6f * std::max(1.f, std::abs(ours)))
        mismatch(i, who, "alpha", std::to_string(ours), std::to_string(alpha));
      return r.node(i).output(0);
    } else if constexpr (is_residual_v<L>) {
      using B = typename residual_parts<L>::branch;
      using S = typename residual_parts<L>::skip;
      using bc = path_chain_t<B, In>;
      using sc = path_chain_t<S, In>;
      // PyTorch writes `branch(x) + skip(x)`: the branch's nodes, the skip's, then the Add.
      const std::string yb =
          chain<bc>(x, path + (is_sequence_v<B> ? ".branch." : ".branch"), params, state);
      const std::string ys = chain<sc>(x, path + (is_sequence_v<S> ? ".skip." : ".skip"),
                                       params + bc::param_count, state + bc::state_count);
      std::string y = yb;
      const int i = r.next(y);
      const bool ok = i >= 0 && r.node(i).op_type() == "Add" && r.node(i).input_size() == 2 &&
                      ((r.same(r.node(i).input(0), y) && r.same(r.node(i).input(1), ys)) ||
                       (r.same(r.node(i).input(1), y) && r.same(r.node(i).input(0), ys)));
      if (!ok)
        r.fail(who + " expects an Add of the branch's output \"" + y + "\" and the skip's \"" + ys +
               "\"; the file has " + (i < 0 ? std::string("no node reading it") : r.label(i)));
      r.take(i);
      return r.node(i).output(0);
    }
  }

  void check_auto_pad(int i, std::string const& who) {
    const std::string a = graph_reader::attr_string(r.node(i), "auto_pad");
    if (!a.empty() && a != "NOTSET")
      mismatch(i, who, "auto_pad", "NOTSET (explicit pads)", a);
  }
};

inline std::vector<std::int64_t> value_dims(const ::onnx::ValueInfoProto& v) {
  std::vector<std::int64_t> d;
  if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape())
    return d;
  for (auto const& x : v.type().tensor_type().shape().dim())
    d.push_back(x.has_dim_value() ? x.dim_value() : -1);
  return d;
}

// A graph input or output against the ctnn shape (the batch dimension is free).
template <class S>
void check_value(graph_reader& r, const ::onnx::ValueInfoProto& v, char const* what) {
  std::vector<std::int64_t> want{-1};
  for (std::size_t d : S::dims)
    want.push_back(static_cast<std::int64_t>(d));
  auto have = value_dims(v);
  if (v.type().has_tensor_type() &&
      v.type().tensor_type().elem_type() != ::onnx::TensorProto_DataType_FLOAT)
    r.fail(std::string(what) + " \"" + v.name() +
           "\": ctnn expects float (FLOAT), the file has "
           "element type " +
           std::to_string(v.type().tensor_type().elem_type()));
  if (have.empty())
    return;  // no shape recorded
  if (!have.empty())
    have[0] = -1;
  if (have != want)
    r.fail(std::string(what) + " \"" + v.name() + "\" shape: the ctnn network expects " + "[N" +
           dims_string(want).substr(3) + ", the file has " + dims_string(value_dims(v)) +
           " (-1: not fixed)");
}

// A leading Sub(x, mean) and Div(., stddev) with constants: the input normalisation ctnn's
// export writes; read into the model's normalization.
template <class Net, class T>
std::string read_normalization(graph_reader& r, std::string x, model<Net, T>& m) {
  using norm = decltype(m.normalization);
  std::string y = x;
  const int s = r.next(y);
  if (s < 0 || r.node(s).op_type() != "Sub" || r.node(s).input_size() != 2 ||
      !r.same(r.node(s).input(0), y) || r.constant(r.node(s).input(1)) == nullptr)
    return x;
  const int d = [&] {
    std::string z = r.node(s).output(0);
    const int i = r.next(z);
    return i >= 0 && r.node(i).op_type() == "Div" && r.node(i).input_size() == 2 &&
                   r.same(r.node(i).input(0), z) && r.constant(r.node(i).input(1)) != nullptr
               ? i
               : -1;
  }();
  if (d < 0)
    return x;
  const auto mean = r.floats(*r.constant(r.node(s).input(1)), r.label(s) + " mean");
  const auto dev = r.floats(*r.constant(r.node(d).input(1)), r.label(d) + " deviation");
  for (auto const* v : {&mean, &dev})
    if (v->size() != 1 && v->size() != norm::groups)
      r.fail(r.label(v == &mean ? s : d) + ": the input normalisation has " +
             std::to_string(v->size()) + " values; the ctnn input has " +
             std::to_string(norm::groups) + " groups (channels or features)");
  for (std::size_t g = 0; g < norm::groups; ++g) {
    m.normalization.mean[g] = static_cast<T>(mean[mean.size() == 1 ? 0 : g]);
    m.normalization.stddev[g] = static_cast<T>(dev[dev.size() == 1 ? 0 : g]);
    if (!(m.normalization.stddev[g] > T{0}))
      r.fail(r.label(d) + ": the input normalisation divides by " +
             std::to_string(static_cast<double>(m.normalization.stddev[g])));
  }
  r.take(s);
  r.take(d);
  return r.node(d).output(0);
}

}  // namespace detail

/// Reads the ONNX model at `path` into m.  The graph must be Net: from its input, node by
/// node in data-flow order, one node per ctnn layer (Conv, Gemm or MatMul [+ Add for the
/// bias], BatchNormalization, MaxPool, AveragePool, Relu, Sigmoid, Tanh, LeakyRelu, Flatten or
/// Reshape, Add for a residual's sum), with the same attributes and every weight of the same
/// shape; Dropout and Identity nodes are stepped over, a final Softmax is accepted (ctnn's
/// outputs are then its logits: the same classes), and a leading Sub/Div by constants becomes
/// m.normalization.  Anything else throws onnx_error naming the file, the node (name and op)
/// and both sides; m is changed only when the whole file matches.
/// PyTorch: export after model.eval() with training=torch.onnx.TrainingMode.PRESERVE, so that
/// BatchNormalization stays a node (the default folds it into the Conv before it).
template <class Net, class T>
void import_into(std::filesystem::path const& path, model<Net, T>& m) {
  // A model of this network is its weights and a few kilobytes per node; allow for far more.
  constexpr std::uint64_t most =
      (std::uint64_t{64} << 20) + 8 * sizeof(float) * (Net::parameter_count + Net::state_count);
  const ::onnx::ModelProto proto = detail::read_model(path, most);
  detail::graph_reader r(proto.graph(), path.string());
  auto fresh = make_model<Net, T>(uninitialized);
  fresh->parameters.fill(T{0});
  fresh->state.fill(T{0});
  fresh->normalization = {};

  // The input: the first graph input that is not a weight (older exporters list them too).
  const ::onnx::ValueInfoProto* input = nullptr;
  for (auto const& v : proto.graph().input())
    if (r.constant(v.name()) == nullptr) {
      if (input != nullptr)
        r.fail("the graph has inputs \"" + input->name() + "\" and \"" + v.name() +
               "\"; a ctnn network has one");
      input = &v;
    }
  if (input == nullptr)
    r.fail("the graph has no input");
  detail::check_value<typename Net::input_shape>(r, *input, "graph input");

  std::string x = detail::read_normalization(r, input->name(), *fresh);
  detail::matcher<T> match(r);
  x = match.template chain<typename Net::chain_type>(x, "", fresh->parameters.data(),
                                                     fresh->state.data());
  // After the last layer: Dropout/Identity, an optional Softmax, then the graph's output.
  std::string end = x;
  const int soft = r.next(end);
  if (soft >= 0 && r.node(soft).op_type() == "Softmax") {
    const auto axis = detail::graph_reader::attr_int(r.node(soft), "axis", -1);
    if (axis != 1 && axis != -1)
      r.fail(r.label(soft) + ": a final Softmax over axis " + std::to_string(axis) +
             "; ctnn's class scores are along axis 1");
    r.take(soft);
    end = r.node(soft).output(0);
  } else if (soft >= 0) {
    r.fail(detail::cat("the ctnn network (", std::to_string(Net::layer_count)) +
           " layers) ends at tensor \"" + end + "\"; the file continues with " + r.label(soft));
  }
  const ::onnx::ValueInfoProto* output = nullptr;
  for (auto const& v : proto.graph().output())
    if (r.same(v.name(), end))
      output = &v;
  if (output == nullptr || proto.graph().output_size() != 1)
    r.fail("the ctnn network's output is tensor \"" + end + "\"; the file's graph outputs " +
           (proto.graph().output_size() ? "\"" + proto.graph().output(0).name() + "\"" : "none") +
           (proto.graph().output_size() > 1 ? " and more" : ""));
  detail::check_value<typename Net::output_shape>(r, *output, "graph output");
  if (const int left = r.first_unused(); left >= 0)
    r.fail(r.label(left) + " is not part of the ctnn network (nothing of the network type "
                           "matches it)");
  m = *fresh;
}

/// A model on the heap holding the ONNX model at `path`:
/// `auto m = ctnn::onnx::import_model<Net>("net.onnx");`.  See import_into.
template <network_type Net, class T = float>
std::unique_ptr<model<Net, T>> import_model(std::filesystem::path const& path) {
  auto m = make_model<Net, T>(uninitialized);
  import_into(path, *m);
  return m;
}

}  // namespace ctnn::onnx
