// SPDX-License-Identifier: BSL-1.0
// ctnn::onnx: PyTorch's exports of N1-N4 imported and predicting PyTorch's outputs, the same
// for its state_dicts as safetensors, export -> checker -> import, and hostile files.
// The PyTorch files come from scripts/onnx/torch_models.py (CTest fixture onnx.torch_files),
// in the folder $CTNN_ONNX_DIR.
#include "support.hpp"

#include <ctnn/onnx/onnx.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace fs = std::filesystem;
using namespace ctnn_onnx_test;

namespace {

fs::path torch_dir() {
  const char* d = std::getenv("CTNN_ONNX_DIR");
  if (d == nullptr || !fs::exists(fs::path(d) / "torch_n4.onnx"))
    FAIL("set CTNN_ONNX_DIR to the folder scripts/onnx/torch_models.py writes (ctest runs it as "
         "the fixture onnx.torch_files)");
  return d;
}

// Files the tests write, inside the build tree's fixture folder: build trees tested at the
// same time do not share them.
fs::path scratch(std::string const& name) {
  const fs::path dir = torch_dir() / "scratch";
  fs::create_directories(dir);
  return dir / name;
}

std::string error_of(auto&& f) {
  try {
    f();
  } catch (ctnn::onnx::onnx_error const& e) {
    return e.what();
  }
  return "(no onnx_error)";
}

void write_bytes(fs::path const& p, std::string const& bytes) {
  std::ofstream(p, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}
std::string read_bytes(fs::path const& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <class Net>
void check_against_torch(ctnn::model<Net> const& m, std::string const& name, char const* how,
                         bool softmax = false) {
  const fs::path dir = torch_dir();
  const auto x = read_floats(dir / ("torch_" + name + ".input.bin"));
  const auto want = read_floats(dir / ("torch_" + name + ".output.bin"));
  constexpr std::size_t classes = ctnn::size_v<typename Net::output_shape>;
  auto got = outputs(m, x);
  if (softmax)
    got = softmax_of(got, classes);
  const auto a = compare(got, want, classes);
  // The figures for the README: how far ctnn is from PyTorch.
  std::printf("%s %s: %zu samples, max |ctnn - PyTorch| = %.3g, classes differ: %zu\n", how,
              name.c_str(), want.size() / classes, a.max_abs, a.classes_differ);
  INFO(how << " " << name << ": max abs difference " << a.max_abs);
  REQUIRE(got.size() == want.size());
  CHECK(a.worst_ratio <= 1.0);
  CHECK(a.classes_differ == 0);
}

}  // namespace

TEST_CASE("onnx: PyTorch's N1-N4 import and predict PyTorch's outputs", "[onnx][torch]") {
  const fs::path dir = torch_dir();
  check_against_torch(*ctnn::onnx::import_model<n1>(dir / "torch_n1.onnx"), "n1", "onnx");
  check_against_torch(*ctnn::onnx::import_model<n2>(dir / "torch_n2.onnx"), "n2", "onnx");
  check_against_torch(*ctnn::onnx::import_model<n3>(dir / "torch_n3.onnx"), "n3", "onnx");
  check_against_torch(*ctnn::onnx::import_model<n4>(dir / "torch_n4.onnx"), "n4", "onnx");
  check_against_torch(*ctnn::onnx::import_model<n5>(dir / "torch_n5.onnx"), "n5", "onnx");
  // The same N5 as MatMul + Add, Gemm with transB = 0, and Identity and Dropout nodes.
  const auto edited = ctnn::onnx::import_model<n5>(dir / "torch_n5_edited.onnx");
  check_against_torch(*edited, "n5", "onnx (edited graph)");
  CHECK(edited->parameters == ctnn::onnx::import_model<n5>(dir / "torch_n5.onnx")->parameters);
  // A final Softmax is accepted; ctnn's outputs are its logits.
  check_against_torch(*ctnn::onnx::import_model<n4>(dir / "torch_n4_softmax.onnx"), "n4_softmax",
                      "onnx", true);
}

TEST_CASE("onnx: PyTorch's state_dicts load from safetensors", "[onnx][torch][safetensors]") {
  const fs::path dir = torch_dir();
  auto m1 = ctnn::make_model<n1>();
  ctnn::load_safetensors(dir / "torch_n1.safetensors", *m1);
  check_against_torch(*m1, "n1", "safetensors");
  auto m2 = ctnn::make_model<n2>();
  ctnn::load_safetensors(dir / "torch_n2.safetensors", *m2);
  check_against_torch(*m2, "n2", "safetensors");
  auto m3 = ctnn::make_model<n3>();
  ctnn::load_safetensors(dir / "torch_n3.safetensors", *m3);
  check_against_torch(*m3, "n3", "safetensors");
  auto m4 = ctnn::make_model<n4>();
  ctnn::load_safetensors(dir / "torch_n4.safetensors", *m4);
  check_against_torch(*m4, "n4", "safetensors");
  auto m5 = ctnn::make_model<n5>();
  ctnn::load_safetensors(dir / "torch_n5.safetensors", *m5);
  check_against_torch(*m5, "n5", "safetensors");
  // The same values as the ONNX file of the same module.
  const auto o3 = ctnn::onnx::import_model<n3>(dir / "torch_n3.onnx");
  CHECK(o3->parameters == m3->parameters);
  CHECK(o3->state == m3->state);
}

TEST_CASE("onnx: state_dict names follow PyTorch's module layout", "[onnx][safetensors]") {
  const auto names = ctnn::state_dict_names<n2>();
  const std::vector<std::string> want{"0.weight", "0.bias", "2.branch.0.weight", "2.skip.weight",
                                      "3.weight"};
  CHECK(names == want);
  const auto n1_names = ctnn::state_dict_names<n1>();
  CHECK(n1_names.at(6) == "9.weight");
  CHECK(n1_names.at(9) == "9.running_var");
}

template <class Net>
void export_round_trip(std::uint32_t seed) {
  auto m = random_model<Net>(seed);
  const auto proto = ctnn::onnx::to_onnx(*m);
  REQUIRE_NOTHROW(onnx::checker::check_model(proto));
  const fs::path p = scratch(ctnn::onnx::detail::cat("round_trip_", std::to_string(seed), ".onnx"));
  ctnn::onnx::export_model(p, *m);
  const auto back = ctnn::onnx::import_model<Net>(p);
  CHECK(back->parameters == m->parameters);
  CHECK(back->state == m->state);
  CHECK(back->normalization.is_identity());
}

TEST_CASE("onnx: export passes the ONNX checker and imports back bit for bit", "[onnx][export]") {
  export_round_trip<n1>(1);
  export_round_trip<n2>(2);
  export_round_trip<n3>(3);
  export_round_trip<n4>(4);
  export_round_trip<n5>(5);
}

TEST_CASE("onnx: a double model travels as float", "[onnx][export]") {
  auto m = ctnn::make_model<n4, double>(ctnn::initializer(ctnn::init_scheme::he_normal, 12));
  const fs::path p = scratch("double.onnx");
  ctnn::onnx::export_model(p, *m);
  const auto back = ctnn::onnx::import_model<n4, double>(p);
  for (std::size_t i = 0; i < m->parameters.size(); ++i)
    REQUIRE(back->parameters[i] == static_cast<double>(static_cast<float>(m->parameters[i])));
}

TEST_CASE("onnx: export options: normalisation, softmax, opset", "[onnx][export]") {
  auto m = random_model<n3>(5);
  m->normalization.mean[0] = 0.2860f;
  m->normalization.stddev[0] = 0.3530f;
  const fs::path p = scratch("options.onnx");
  ctnn::onnx::export_model(p, *m, {.softmax_output = true, .opset = 17});
  const auto proto = ctnn::onnx::to_onnx(*m, {.softmax_output = true, .opset = 17});
  REQUIRE_NOTHROW(onnx::checker::check_model(proto));
  CHECK(proto.graph().node(0).op_type() == "Sub");
  CHECK(proto.graph().node(1).op_type() == "Div");
  CHECK(proto.graph().node(proto.graph().node_size() - 1).op_type() == "Softmax");
  CHECK(proto.opset_import(0).version() == 17);
  const auto back = ctnn::onnx::import_model<n3>(p);
  CHECK(back->parameters == m->parameters);
  CHECK(back->normalization.mean == m->normalization.mean);
  CHECK(back->normalization.stddev == m->normalization.stddev);
  CHECK(error_of([&] { ctnn::onnx::export_model(p, *m, {.opset = 9}); }).find("opset 9") !=
        std::string::npos);
}

TEST_CASE("onnx: safetensors round trip, names and hostile files", "[onnx][safetensors]") {
  auto m = random_model<n2>(7);
  m->normalization.mean[3] = 0.5f;
  m->normalization.stddev[3] = 2.f;
  const fs::path p = scratch("n2.safetensors");
  ctnn::save_safetensors(p, *m);
  auto back = ctnn::make_model<n2>();
  ctnn::load_safetensors(p, *back);
  CHECK(back->parameters == m->parameters);
  CHECK(back->normalization.mean == m->normalization.mean);
  CHECK(back->normalization.stddev == m->normalization.stddev);

  // Names given by the user: a prefix and a renaming.
  const ctnn::safetensors_options named{.prefix = "net.",
                                        .rename = [](std::string const& s) { return "l" + s; }};
  const fs::path q = scratch("n2_named.safetensors");
  ctnn::save_safetensors(q, *m, named);
  CHECK(read_bytes(q).find("\"net.l2.branch.0.weight\"") != std::string::npos);
  auto named_back = ctnn::make_model<n2>();
  ctnn::load_safetensors(q, *named_back, named);
  CHECK(named_back->parameters == m->parameters);

  const auto before = *back;
  auto unchanged = [&] { return back->parameters == before.parameters; };
  // Under the default names the renamed file lacks every tensor.
  CHECK(error_of([&] {
          ctnn::load_safetensors(q, *back);
        }).find("tensor \"0.weight\" (ctnn's 0.weight, shape [100, 784]) is not in the file") !=
        std::string::npos);
  CHECK(unchanged());
  // Another network's file: the first tensor of another shape, both shapes named.
  const fs::path other = scratch("n4.safetensors");
  ctnn::save_safetensors(other, *random_model<n4>(8));
  auto m1 = ctnn::make_model<n1>();
  const auto e = error_of([&] { ctnn::load_safetensors(other, *m1); });
  CHECK(e.find("\"0.weight\" shape: ctnn expects [16, 1, 3, 3], the file has [3, 1, 5, 5]") !=
        std::string::npos);
  // Truncated, garbage, empty, missing.
  const std::string bytes = read_bytes(p);
  const fs::path bad = scratch("bad.safetensors");
  write_bytes(bad, bytes.substr(0, bytes.size() - 100));
  CHECK(error_of([&] { ctnn::load_safetensors(bad, *back); }).find("truncated or corrupt") !=
        std::string::npos);
  write_bytes(bad, bytes.substr(0, 200));
  CHECK(error_of([&] { ctnn::load_safetensors(bad, *back); }).find(bad.string()) == 0);
  write_bytes(bad, std::string(4096, '\x7f'));
  CHECK(error_of([&] { ctnn::load_safetensors(bad, *back); }).find("not a safetensors file") !=
        std::string::npos);
  write_bytes(bad, "");
  CHECK(error_of([&] { ctnn::load_safetensors(bad, *back); }).find("not a safetensors file") !=
        std::string::npos);
  CHECK(error_of([&] {
          ctnn::load_safetensors(scratch("none.safetensors"), *back);
        }).find("no such") != std::string::npos);
  // A tensor the network lacks is refused unless allowed.
  std::string extra = bytes;
  const auto at = extra.find("\"__metadata__\"");
  extra.replace(at, 0, "\"9.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},");
  std::uint64_t n;
  std::memcpy(&n, extra.data(), 8);
  n += extra.size() - bytes.size();
  std::memcpy(extra.data(), &n, 8);
  write_bytes(bad, extra);
  CHECK(error_of([&] {
          ctnn::load_safetensors(bad, *back);
        }).find("tensor \"9.weight\" of the file is not part of the ctnn network") !=
        std::string::npos);
  REQUIRE_NOTHROW(ctnn::load_safetensors(bad, *back, {.allow_unused = true}));
  CHECK(back->parameters == m->parameters);
}

TEST_CASE("onnx: hostile files are refused, naming the file, the node and both sides",
          "[onnx][hostile]") {
  const fs::path dir = torch_dir();
  auto m = random_model<n1>(9);
  const auto before = *m;
  auto unchanged = [&] { return m->parameters == before.parameters && m->state == before.state; };
  auto import_error = [&](fs::path const& p) {
    return error_of([&] { ctnn::onnx::import_into(p, *m); });
  };

  CHECK(import_error(scratch("missing.onnx")) ==
        scratch("missing.onnx").string() + ": no such ONNX model file");
  const std::string bytes = read_bytes(dir / "torch_n1.onnx");
  const fs::path bad = scratch("bad.onnx");
  write_bytes(bad, bytes.substr(0, bytes.size() / 2));
  CHECK(import_error(bad).find(bad.string() + ": not an ONNX model") == 0);
  std::string garbage(5000, '\0');
  std::uint32_t x = 12345;
  for (auto& c : garbage) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  write_bytes(bad, garbage);
  CHECK(import_error(bad).find(bad.string() + ": not ") == 0);
  write_bytes(bad, "");
  CHECK(import_error(bad).find("empty file") != std::string::npos);
  CHECK(unchanged());

  // Another architecture: N4's file read as N1 stops at the first node, both shapes named.
  const auto other = import_error(dir / "torch_n4.onnx");
  INFO(other);
  CHECK(other.find("torch_n4.onnx: node \"/0/Conv\" (Conv): weight \"0.weight\" shape: ctnn "
                   "layer 0 conv2d<16,3,stride<2>,pad<1>> expects [16, 1, 3, 3], the file has "
                   "[3, 1, 5, 5]") != std::string::npos);
  // Layers in another order: the ctnn layer, the node it expected and the node found.
  using swapped = ctnn::network<
      ctnn::input<1, 28, 28>, ctnn::conv2d<16, 3, ctnn::stride<2>, ctnn::pad<1>>, ctnn::max_pool<2>,
      ctnn::relu, ctnn::conv2d<24, 6, ctnn::stride<2>, ctnn::pad<3>>, ctnn::relu, ctnn::max_pool<2>,
      ctnn::flatten, ctnn::dense<64>, ctnn::relu, ctnn::batch_norm, ctnn::dense<10>>;
  const auto order = error_of([&] { ctnn::onnx::import_model<swapped>(dir / "torch_n1.onnx"); });
  INFO(order);
  CHECK(order.find("ctnn layer 1 max_pool<2> expects a MaxPool node reading tensor "
                   "\"/0/Conv_output_0\"; the file has node \"/1/Relu\" (Relu)") !=
        std::string::npos);
  // PyTorch's default export folds N3's batch norms into the convolutions: refused, with why.
  const auto folded = error_of([&] { ctnn::onnx::import_model<n3>(dir / "torch_n3_folded.onnx"); });
  INFO(folded);
  CHECK(folded.find("ctnn layer 1 batch_norm expects a BatchNormalization node reading tensor "
                    "\"/0/Conv_output_0\"; the file has node \"/2/Relu\" (Relu) "
                    "(torch.onnx.export folds a batch norm") != std::string::npos);
  // A network shorter than the file.
  using shorter = ctnn::network<ctnn::input<1, 28, 28>, ctnn::conv2d<3, 5>, ctnn::relu>;
  CHECK(error_of([&] {
          ctnn::onnx::import_model<shorter>(dir / "torch_n4.onnx");
        }).find("the file continues with node \"/2/MaxPool\" (MaxPool)") != std::string::npos);

  // One tensor of another shape, and one attribute changed, in otherwise valid files.
  onnx::ModelProto proto;
  REQUIRE(proto.ParseFromString(read_bytes(dir / "torch_n4.onnx")));
  for (auto& t : *proto.mutable_graph()->mutable_initializer())
    if (t.name() == "7.weight") {
      t.set_dims(1, 74);
      t.set_raw_data(t.raw_data().substr(0, 740 * sizeof(float)));
    }
  std::string out;
  proto.SerializeToString(&out);
  write_bytes(bad, out);
  auto m4 = random_model<n4>(10);
  const auto shape = error_of([&] { ctnn::onnx::import_into(bad, *m4); });
  INFO(shape);
  CHECK(shape.find("node \"/7/Gemm\" (Gemm): weight \"7.weight\" shape: ctnn layer 7 dense<10> "
                   "expects [10, 75], the file has [10, 74]") != std::string::npos);
  REQUIRE(proto.ParseFromString(read_bytes(dir / "torch_n4.onnx")));
  for (auto& a : *proto.mutable_graph()->mutable_node(0)->mutable_attribute())
    if (a.name() == "strides") {
      a.set_ints(0, 2);
      a.set_ints(1, 2);
    }
  proto.SerializeToString(&out);
  write_bytes(bad, out);
  const auto stride = error_of([&] { ctnn::onnx::import_into(bad, *m4); });
  INFO(stride);
  CHECK(stride.find("node \"/0/Conv\" (Conv): strides: ctnn layer 0 conv2d<3,5> expects [1, 1], "
                    "the file has [2, 2]") != std::string::npos);
}

// Bytes of a valid file changed at random: every outcome is a model or an onnx_error naming
// the file, never a crash or another exception.
TEST_CASE("onnx: randomly damaged files are read or refused, never crash", "[onnx][hostile]") {
  const fs::path dir = torch_dir();
  const fs::path bad = scratch("damaged.onnx");
  std::mt19937 g(13);
  auto m = random_model<n2>(14);
  for (char const* name : {"torch_n2.onnx", "torch_n5.onnx"}) {
    const std::string bytes = read_bytes(dir / name);
    std::size_t refused = 0, read = 0;
    for (int round = 0; round < 150; ++round) {
      std::string damaged = bytes;
      // Most rounds damage the structure before the weights: the first 2 KB.
      const std::size_t span =
          round % 3 == 0 ? damaged.size() : std::min<std::size_t>(2048, damaged.size());
      const int flips = 1 + round % 4;
      for (int k = 0; k < flips; ++k)
        damaged[g() % span] = static_cast<char>(g());
      if (round % 10 == 9)
        damaged.resize(g() % damaged.size());
      write_bytes(bad, damaged);
      try {
        if (std::string(name) == "torch_n2.onnx")
          ctnn::onnx::import_into(bad, *m);
        else
          (void)ctnn::onnx::import_model<n5>(bad);
        ++read;
      } catch (ctnn::onnx::onnx_error const& e) {
        ++refused;
        REQUIRE(std::string(e.what()).find(bad.string()) == 0);
      }
    }
    std::printf("damaged %s: %zu read, %zu refused\n", name, read, refused);
    CHECK(refused > 0);
  }
  // The same for safetensors.
  const std::string st = read_bytes(dir / "torch_n2.safetensors");
  for (int round = 0; round < 150; ++round) {
    std::string damaged = st;
    for (int k = 0; k < 1 + round % 4; ++k)
      damaged[g() % std::min<std::size_t>(600, damaged.size())] = static_cast<char>(g());
    write_bytes(bad, damaged);
    try {
      ctnn::load_safetensors(bad, *m);
    } catch (ctnn::onnx::onnx_error const& e) {
      REQUIRE(std::string(e.what()).find(bad.string()) == 0);
    }
  }
}

TEST_CASE("onnx: a failed export leaves the previous file", "[onnx][hostile]") {
  const fs::path p = scratch("keep.onnx");
  auto m = random_model<n4>(11);
  ctnn::onnx::export_model(p, *m);
  const std::string before = read_bytes(p);
  CHECK_THROWS_AS(ctnn::onnx::export_model(p, *m, {.opset = 99}), ctnn::onnx::onnx_error);
  CHECK(read_bytes(p) == before);
  CHECK_THROWS_AS(ctnn::onnx::export_model(torch_dir(), *m), ctnn::weights_error);
}
