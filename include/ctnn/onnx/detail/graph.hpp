// SPDX-License-Identifier: BSL-1.0
// Reading an ONNX graph for import: its constants, who reads each tensor, attributes, and
// messages that name the file, the node and both sides.
#pragma once

#include <ctnn/onnx/detail/layers.hpp>
#include <ctnn/onnx/error.hpp>

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace ctnn::onnx::detail {

static_assert(std::endian::native == std::endian::little,
              "ctnn::onnx copies tensor data as little-endian bytes");

inline std::string node_label(const ::onnx::NodeProto& n, int index) {
  const std::string name = n.name().empty() ? cat("#", std::to_string(index)) : n.name();
  return "node \"" + name + "\" (" + n.op_type() + ")";
}

/// Reads and parses an ONNX file, refusing what is not a valid model (the ONNX checker's
/// verdict), with the file's name in every message.
inline ::onnx::ModelProto read_model(std::filesystem::path const& path, std::uint64_t max_bytes) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw onnx_error(name + ": is a folder, not an ONNX model file");
  if (!std::filesystem::is_regular_file(path, ec))
    throw onnx_error(name + ": no such ONNX model file");
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec)
    throw onnx_error(name + ": cannot read its size: " + ec.message());
  if (size == 0)
    throw onnx_error(name + ": empty file, not an ONNX model");
  if (size > max_bytes)
    throw onnx_error(name + ": " + std::to_string(size) +
                     " bytes, more than an ONNX model of "
                     "this network can hold (" +
                     std::to_string(max_bytes) + " bytes)");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw onnx_error(name + ": cannot open the ONNX model file");
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ::onnx::ModelProto model;
  if (!model.ParseFromString(bytes))
    throw onnx_error(name + ": not an ONNX model (the protobuf message does not parse: a "
                            "truncated or corrupt file, or another format)");
  if (model.ir_version() <= 0 || !model.has_graph() || model.graph().node_size() == 0)
    throw onnx_error(name + ": not an ONNX model (no IR version or no graph nodes)");
  try {
    ::onnx::checker::check_model(model);
  } catch (std::exception const& e) {
    throw onnx_error(name + ": not a valid ONNX model: " + e.what());
  }
  return model;
}

/// A graph being matched against a ctnn network: nodes are taken in data-flow order, each
/// once.  Dropout and Identity nodes (the identity at inference), and a Pad by zeros (which
/// PyTorch writes before an AveragePool), are aliases: their output stands for their input
/// everywhere (canon).
class graph_reader {
public:
  graph_reader(const ::onnx::GraphProto& graph, std::string file_name)
      : g(graph), file(std::move(file_name)), used(static_cast<std::size_t>(graph.node_size())) {
    for (auto const& t : g.initializer())
      constants[t.name()] = &t;
    for (int i = 0; i < g.node_size(); ++i) {
      auto const& n = g.node(i);
      // Every operator has a first output; the matcher reads it without asking again.
      if (n.output_size() < 1 || n.output(0).empty())
        fail(node_label(n, i) + " has no output");
      if (n.op_type() == "Constant" && n.output_size() == 1) {
        for (auto const& a : n.attribute())
          if (a.name() == "value" && a.has_t())
            constants[n.output(0)] = &a.t();
        used[static_cast<std::size_t>(i)] = true;
      } else if (((n.op_type() == "Dropout" || n.op_type() == "Identity") && n.input_size() >= 1 &&
                  n.output_size() >= 1) ||
                 zero_pad(n)) {
        alias[n.output(0)] = n.input(0);
        used[static_cast<std::size_t>(i)] = true;
      }
    }
    for (int i = 0; i < g.node_size(); ++i)
      if (!used[static_cast<std::size_t>(i)])
        for (auto const& in : g.node(i).input())
          if (!in.empty())
            consumers[canon(in)].push_back(i);
  }

  /// The tensor a name stands for, through Dropout and Identity nodes.
  std::string canon(std::string name) const {
    for (std::size_t hops = 0; hops <= alias.size(); ++hops) {
      const auto it = alias.find(name);
      if (it == alias.end())
        break;
      name = it->second;
    }
    return name;
  }
  bool same(std::string const& a, std::string const& b) const { return canon(a) == canon(b); }

  const ::onnx::GraphProto& g;
  std::string file;

  [[noreturn]] void fail(std::string const& message) const {
    throw onnx_error(file + ": " + message);
  }
  std::string label(int node) const { return node_label(g.node(node), node); }
  const ::onnx::NodeProto& node(int i) const { return g.node(i); }

  /// The first node not yet taken that reads `tensor` (or an alias of it); -1 if none.
  int next(std::string const& tensor) const { return first_unused_reader(canon(tensor)); }
  void take(int i) { used[static_cast<std::size_t>(i)] = true; }
  /// The first node nothing matched, or -1.
  int first_unused() const {
    for (std::size_t i = 0; i < used.size(); ++i)
      if (!used[i])
        return static_cast<int>(i);
    return -1;
  }

  const ::onnx::TensorProto* constant(std::string const& name) const {
    const auto it = constants.find(canon(name));
    return it == constants.end() ? nullptr : it->second;
  }

  static std::vector<std::int64_t> dims(const ::onnx::TensorProto& t) {
    return {t.dims().begin(), t.dims().end()};
  }

  /// The values of a float tensor, as many as its dimensions say.
  std::vector<float> floats(const ::onnx::TensorProto& t, std::string const& what) const {
    if (t.data_location() == ::onnx::TensorProto_DataLocation_EXTERNAL)
      fail(what + " (tensor \"" + t.name() +
           "\") is stored in an external file, which is not "
           "read; save the model with its data inside");
    if (t.data_type() != ::onnx::TensorProto_DataType_FLOAT)
      fail(what + " (tensor \"" + t.name() +
           "\"): ctnn expects float (FLOAT), the file has "
           "element type " +
           std::to_string(t.data_type()));
    const std::size_t n = element_count(t, what);
    std::vector<float> v(n);
    if (t.has_raw_data()) {
      if (t.raw_data().size() != n * sizeof(float))
        fail(what + " (tensor \"" + t.name() + "\"): " + std::to_string(t.raw_data().size()) +
             " bytes of data for " + std::to_string(n) + " floats");
      std::memcpy(v.data(), t.raw_data().data(), n * sizeof(float));
    } else {
      if (static_cast<std::size_t>(t.float_data_size()) != n)
        fail(what + " (tensor \"" + t.name() + "\"): " + std::to_string(t.float_data_size()) +
             " values for " + std::to_string(n) + " elements");
      std::copy(t.float_data().begin(), t.float_data().end(), v.begin());
    }
    for (float x : v)
      if (!std::isfinite(x))
        fail(what + " (tensor \"" + t.name() + "\") holds a NaN or infinite value");
    return v;
  }

  /// The values of an int64 tensor (a Reshape's shape).
  std::vector<std::int64_t> ints(const ::onnx::TensorProto& t, std::string const& what) const {
    if (t.data_type() != ::onnx::TensorProto_DataType_INT64 ||
        t.data_location() == ::onnx::TensorProto_DataLocation_EXTERNAL)
      fail(what + " (tensor \"" + t.name() + "\"): expected inline INT64 data");
    const std::size_t n = element_count(t, what);
    std::vector<std::int64_t> v(n);
    if (t.has_raw_data()) {
      if (t.raw_data().size() != n * sizeof(std::int64_t))
        fail(what + " (tensor \"" + t.name() + "\"): wrong data size");
      std::memcpy(v.data(), t.raw_data().data(), n * sizeof(std::int64_t));
    } else {
      if (static_cast<std::size_t>(t.int64_data_size()) != n)
        fail(what + " (tensor \"" + t.name() + "\"): wrong data size");
      std::copy(t.int64_data().begin(), t.int64_data().end(), v.begin());
    }
    return v;
  }

  static const ::onnx::AttributeProto* attribute(const ::onnx::NodeProto& n, char const* name) {
    for (auto const& a : n.attribute())
      if (a.name() == name)
        return &a;
    return nullptr;
  }
  static std::int64_t attr_int(const ::onnx::NodeProto& n, char const* name, std::int64_t def) {
    const auto* a = attribute(n, name);
    return a == nullptr ? def : a->i();
  }
  static float attr_float(const ::onnx::NodeProto& n, char const* name, float def) {
    const auto* a = attribute(n, name);
    return a == nullptr ? def : a->f();
  }
  static std::vector<std::int64_t> attr_ints(const ::onnx::NodeProto& n, char const* name,
                                             std::vector<std::int64_t> def) {
    const auto* a = attribute(n, name);
    return a == nullptr ? def : std::vector<std::int64_t>(a->ints().begin(), a->ints().end());
  }
  static std::string attr_string(const ::onnx::NodeProto& n, char const* name) {
    const auto* a = attribute(n, name);
    return a == nullptr ? std::string() : a->s();
  }

private:
  // A Pad node whose pads are a constant of zeros: nothing added.
  bool zero_pad(const ::onnx::NodeProto& n) const {
    if (n.op_type() != "Pad" || n.input_size() < 2 || n.output_size() < 1)
      return false;
    const auto it = constants.find(canon(n.input(1)));
    if (it == constants.end())
      return false;
    try {
      for (auto v : ints(*it->second, "pads"))
        if (v != 0)
          return false;
    } catch (onnx_error const&) {
      return false;
    }
    return true;
  }

  std::map<std::string, const ::onnx::TensorProto*> constants;
  std::map<std::string, std::vector<int>> consumers;
  std::map<std::string, std::string> alias;
  std::vector<bool> used;

  int first_unused_reader(std::string const& tensor) const {
    const auto it = consumers.find(tensor);
    if (it == consumers.end())
      return -1;
    for (int i : it->second)
      if (!used[static_cast<std::size_t>(i)])
        return i;
    return -1;
  }

  std::size_t element_count(const ::onnx::TensorProto& t, std::string const& what) const {
    std::size_t n = 1;
    for (auto d : t.dims()) {
      if (d < 0 || d > (std::int64_t{1} << 32))
        fail(what + " (tensor \"" + t.name() + "\"): bad dimension " + std::to_string(d));
      n *= static_cast<std::size_t>(d);
      if (n > (std::size_t{1} << 32))
        fail(what + " (tensor \"" + t.name() + "\"): too many elements");
    }
    return n;
  }
};

}  // namespace ctnn::onnx::detail
