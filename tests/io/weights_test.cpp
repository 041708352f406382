// SPDX-License-Identifier: BSL-1.0
#include <ctnn/io/weights.hpp>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/checkpoint.hpp>

#include "support/idx_files.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <span>
#include <vector>

using namespace ctnn;
using Catch::Matchers::Contains;

namespace {
using net_a = network<input<1, 8, 8>, conv2d<4, 3>, batch_norm, relu, flatten, dense<4>>;
using net_b = network<input<1, 8, 8>, conv2d<5, 3>, batch_norm, relu, flatten, dense<4>>;
constexpr std::size_t P = net_a::parameter_count;

std::unique_ptr<model<net_a>> trained_looking_model(std::uint64_t seed) {
  auto m = make_model<net_a>(initializer(init_scheme::he_normal, seed));
  for (std::size_t i = 0; i < net_a::state_count; ++i)
    m->state[i] = 0.25f * static_cast<float>(i + 1);
  m->normalization.mean = {0.1307f};
  m->normalization.stddev = {0.3081f};
  return m;
}

std::vector<std::uint8_t> read_bytes(std::filesystem::path const& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

// Rewrites the trailing CRC so that a deliberate change gets past the checksum.
void fix_crc(std::vector<std::uint8_t>& b) {
  const std::uint32_t crc = detail::crc32_of(b.data(), b.size() - 4);
  std::memcpy(b.data() + b.size() - 4, &crc, 4);
}

std::array<float, 64> sample(float phase) {
  std::array<float, 64> x;
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = 0.5f + 0.5f * std::sin(phase + 0.37f * static_cast<float>(i));
  return x;
}
}  // namespace

TEST_CASE("the table CRC-32 is zlib's", "[io][weights]") {
  const char* s = "123456789";
  CHECK(detail::crc32_of(reinterpret_cast<const std::uint8_t*>(s), 9) == 0xCBF43926u);
  CHECK(detail::crc32_of(nullptr, 0) == 0u);
}

TEST_CASE("the fingerprint holds layer kinds and shapes, not names", "[io][weights]") {
  const std::string f = fingerprint<net_a, float>();
  CHECK(f == "float | input 1x8x8 | conv2d 1x8x8->4x6x6 params 40 | batch_norm 4x6x6->4x6x6 "
             "params 8 state 8 | relu 4x6x6->4x6x6 | flatten 4x6x6->144 | dense 144->4 "
             "params 580");
  CHECK(fingerprint<net_a, double>().rfind("double | ", 0) == 0);
  CHECK(detail::layer_kind("conv2d<4,3,stride<2>,pad<1>>") == "conv2d");
  CHECK(detail::layer_kind("leaky_relu<1/100>") == "leaky_relu");
  using res = network<input<6>, residual<sequence<dense<6>, relu, dense<6>>>, dropout<20>>;
  CHECK(fingerprint<res, float>() == "float | input 6 | residual<dense,relu,dense | skip: "
                                     "identity> 6->6 params 84 | dropout 6->6");
  CHECK(detail::fingerprint_difference(fingerprint<net_b, float>(), f) ==
        "layer 0: conv2d 1x8x8->5x6x6 params 50 (file) vs conv2d 1x8x8->4x6x6 params 40 (this "
        "program)");
}

TEST_CASE("weights round-trip bit-exactly and predict the same", "[io][weights]") {
  test::temp_dir dir("weights");
  const auto m = trained_looking_model(3);
  save_weights(dir / "a.weights", *m);
  const auto loaded = load_weights<net_a>(dir / "a.weights");
  CHECK(loaded->parameters == m->parameters);
  CHECK(loaded->state == m->state);
  CHECK(loaded->normalization.mean == m->normalization.mean);
  CHECK(loaded->normalization.stddev == m->normalization.stddev);
  for (float phase : {0.0f, 1.0f, 2.5f}) {
    const auto x = sample(phase);
    CHECK(predict(*loaded, x) == predict(*m, x));
  }
  model<net_a> into(uninitialized);
  load_weights(dir / "a.weights", into);
  CHECK(into.parameters == m->parameters);
  // exact size: header, fingerprint, four arrays, checksum; no temporary file is left
  CHECK(std::filesystem::file_size(dir / "a.weights") ==
        12 + 4 + fingerprint<net_a, float>().size() + 4 * 8 + 4 * (P + net_a::state_count + 2) + 4);
  std::size_t files = 0;
  for ([[maybe_unused]] auto const& e : std::filesystem::directory_iterator(dir.path))
    ++files;
  CHECK(files == 1);
}

TEST_CASE("weights of another network are refused, naming both fingerprints", "[io][weights]") {
  test::temp_dir dir("weights-other");
  save_weights(dir / "b.weights", *make_model<net_b>());
  auto a = trained_looking_model(1);
  const auto before = a->parameters;
  CHECK_THROWS_AS(load_weights(dir / "b.weights", *a), weights_error);
  CHECK_THROWS_WITH(load_weights(dir / "b.weights", *a),
                    Contains("b.weights: weights file of another network.") &&
                        Contains("weights file: " + fingerprint<net_b, float>()) &&
                        Contains("this program: " + fingerprint<net_a, float>()) &&
                        Contains("first difference: layer 0: conv2d 1x8x8->5x6x6 params 50"));
  CHECK(a->parameters == before);
  // The same network in double is another network too.
  CHECK_THROWS_WITH((load_weights<net_b, double>(dir / "b.weights")),
                    Contains("first difference: value type: float (file) vs double"));
}

TEST_CASE("a weights file cut at any length is refused, never read past", "[io][weights]") {
  test::temp_dir dir("weights-cut");
  using small = network<input<3>, dense<2>, batch_norm, dense<2>>;
  auto m = make_model<small>();
  save_weights(dir / "s.weights", *m);
  const auto bytes = read_bytes(dir / "s.weights");
  auto target = make_model<small>(initializer(init_scheme::he_normal, 5));
  const auto before = target->parameters;
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    const std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(len));
    INFO("length " << len);
    CHECK_THROWS_AS(load_weights(std::span<const std::uint8_t>(cut), "cut", *target),
                    weights_error);
  }
  CHECK(target->parameters == before);
  CHECK_THROWS_WITH(load_weights(std::span<const std::uint8_t>(bytes.data(), 10), "cut", *target),
                    Contains("cut: truncated weights file (10 bytes)"));
  CHECK_THROWS_WITH(load_weights(std::span<const std::uint8_t>(bytes.data(), 40), "cut", *target),
                    Contains("cut: corrupt or truncated weights file (checksum mismatch)"));
  // Cut and given a valid checksum again: the parser itself finds the end.
  std::vector<std::uint8_t> short_crc(bytes.begin(), bytes.end() - 12);
  fix_crc(short_crc);
  CHECK_THROWS_WITH(load_weights(std::span<const std::uint8_t>(short_crc), "short", *target),
                    Contains("short: truncated weights file (ends inside the normalization"));
  std::vector<std::uint8_t> long_crc = bytes;
  long_crc.insert(long_crc.end() - 4, {1, 2, 3});
  fix_crc(long_crc);
  CHECK_THROWS_WITH(load_weights(std::span<const std::uint8_t>(long_crc), "long", *target),
                    Contains("long: 3 unexpected bytes before the checksum"));
  load_weights(std::span<const std::uint8_t>(bytes), "whole", *target);
  CHECK(target->parameters == m->parameters);
}

TEST_CASE("malformed weights files are refused, naming the file and the problem", "[io][weights]") {
  test::temp_dir dir("weights-bad");
  const auto m = trained_looking_model(2);
  save_weights(dir / "good.weights", *m);
  const auto good = read_bytes(dir / "good.weights");
  auto target = make_model<net_a>();
  const auto before = target->parameters;

  auto flipped = good;
  flipped[flipped.size() / 2] ^= 0x5a;
  test::write_raw(dir / "flipped.weights", flipped);
  CHECK_THROWS_WITH(load_weights(dir / "flipped.weights", *target),
                    Contains("flipped.weights: corrupt or truncated weights file (checksum"));

  test::write_raw(dir / "notes.txt", {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'});
  CHECK_THROWS_WITH(load_weights(dir / "notes.txt", *target),
                    Contains("notes.txt: not a ctnn weights file or checkpoint"));
  CHECK_THROWS_WITH(load_weights(dir / "missing.weights", *target),
                    Contains("missing.weights: no such weights file"));
  CHECK_THROWS_WITH(load_weights(dir.path, *target), Contains("is a folder, not a weights file"));

  auto later = good;
  later[8] = 2;  // version 2
  fix_crc(later);
  CHECK_THROWS_WITH(load_weights(std::span<const std::uint8_t>(later), "later", *target),
                    Contains("later: weights file format version 2, this program reads version 1"));

  // NaN or a zero deviation behind a valid checksum: values no network can run on.
  const std::size_t params_at = 12 + 4 + fingerprint<net_a, float>().size() + 8;
  auto nan = good;
  const float q = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(nan.data() + params_at + 3 * sizeof(float), &q, sizeof q);
  fix_crc(nan);
  CHECK_THROWS_WITH(load_weights(std::span<const std::uint8_t>(nan), "nan", *target),
                    Contains("nan: parameter 3 is NaN"));
  auto zero_dev = good;
  const float zero = 0;
  std::memcpy(zero_dev.data() + zero_dev.size() - 4 - sizeof(float), &zero, sizeof zero);
  fix_crc(zero_dev);
  CHECK_THROWS_WITH(load_weights(std::span<const std::uint8_t>(zero_dev), "dev", *target),
                    Contains("dev: normalization deviation 0 is not positive"));
  CHECK(target->parameters == before);

  // A file far larger than weights of this network are is refused before it is read.
  std::filesystem::copy_file(dir / "good.weights", dir / "huge.weights");
  std::filesystem::resize_file(dir / "huge.weights", std::uintmax_t{3} << 30);
  CHECK_THROWS_WITH(
      load_weights(dir / "huge.weights", *target),
      Contains("3221225472 bytes, more than a weights file of this network can hold"));
}

TEST_CASE("saving weights never loses the previous file", "[io][weights]") {
  test::temp_dir dir("weights-save");
  const auto m1 = trained_looking_model(1), m2 = trained_looking_model(2);
  save_weights(dir / "w", *m1);
  save_weights(dir / "w", *m2);
  CHECK(load_weights<net_a>(dir / "w")->parameters == m2->parameters);
  const auto kept = read_bytes(dir / "w");
  // A diverged model is not saved: the previous weights stay.
  auto bad = trained_looking_model(3);
  bad->parameters[7] = std::numeric_limits<float>::infinity();
  CHECK_THROWS_WITH(save_weights(dir / "w", *bad),
                    Contains("not saved: parameter 7 is infinite; the previous file is unchanged"));
  CHECK(read_bytes(dir / "w") == kept);
  CHECK_THROWS_AS(save_weights(dir / "no-such-dir" / "w", *m1), weights_error);
  CHECK_THROWS_WITH(save_weights(dir.path, *m1), Contains("is a folder, not a weights file"));
}

TEST_CASE("a checkpoint's weights load without its optimizer", "[io][weights][checkpoint]") {
  test::temp_dir dir("weights-ckpt");
  const auto m = trained_looking_model(4);
  adam<P> opt;
  save_checkpoint(dir / "run.ckpt", *m, opt, {1, 10, 0.5, 0.5, 0, 32, 320});
  const auto loaded = load_weights<net_a>(dir / "run.ckpt");
  CHECK(loaded->parameters == m->parameters);
  CHECK(loaded->state == m->state);
  CHECK(loaded->normalization.mean == m->normalization.mean);
  CHECK(loaded->normalization.stddev == m->normalization.stddev);
  const auto x = sample(0.3f);
  CHECK(predict(*loaded, x) == predict(*m, x));
  // another network's checkpoint, and a weights file where a checkpoint is wanted
  CHECK_THROWS_WITH(load_weights<net_b>(dir / "run.ckpt"),
                    Contains("run.ckpt: checkpoint of another network.") &&
                        Contains("first difference: layer 0"));
  save_weights(dir / "a.weights", *m);
  training_position pos;
  CHECK_THROWS_WITH(load_checkpoint(dir / "a.weights", *make_model<net_a>(), opt, pos),
                    Contains("a.weights: not a ctnn checkpoint"));
  // truncated checkpoints, too, never crash the weights loader
  const auto bytes = read_bytes(dir / "run.ckpt");
  for (std::size_t len = 0; len < bytes.size(); len += 7) {
    const std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(len));
    CHECK_THROWS_AS(load_weights(std::span<const std::uint8_t>(cut), "cut", *make_model<net_a>()),
                    weights_error);
  }
}

TEST_CASE("version 2 checkpoints still load, with the identity normalization",
          "[io][weights][checkpoint]") {
  // Written as version 2 wrote them: the layers' names as the fingerprint, no normalization.
  const auto m = trained_looking_model(6);
  sgd<P> opt;
  detail::byte_writer w;
  w.bytes(checkpoint_magic, 8);
  w.value(std::uint32_t{2});
  w.string(architecture<net_a>() + " | scalar float");
  w.string("sgd");
  for (std::uint64_t v : {std::uint64_t{1}, std::uint64_t{30}})
    w.value(v);
  w.value(1.5);
  w.value(0.75);
  w.value(std::uint64_t{30});
  for (std::uint64_t v : {std::uint64_t{0}, std::uint64_t{32}, std::uint64_t{960}})
    w.value(v);
  w.array(std::span<const float>(m->parameters));
  w.array(std::span<const float>(m->state));
  w.array(std::span<const float>(opt.state()));
  w.checksum();
  const auto v2 = std::span<const std::uint8_t>(w.out);

  auto into = make_model<net_a>();
  load_weights(v2, "v2", *into);
  CHECK(into->parameters == m->parameters);
  CHECK(into->state == m->state);
  CHECK(into->normalization.is_identity());
  auto resumed = make_model<net_a>();
  training_position pos;
  load_checkpoint(v2, "v2", *resumed, opt, pos);
  CHECK(resumed->parameters == m->parameters);
  CHECK(pos.step == 30);
  CHECK(pos.samples == 960);
  CHECK_THROWS_WITH(load_weights(v2, "v2", *make_model<net_b>()),
                    Contains("v2: checkpoint of another network.") &&
                        Contains("conv2d<5,3> 5x6x6"));
}
