// SPDX-License-Identifier: BSL-1.0
#include <ctnn/io/checkpoint.hpp>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/trainer.hpp>

#include "support/idx_files.hpp"
#include "support/synthetic.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include <unistd.h>

using namespace ctnn;
using Catch::Matchers::Contains;

namespace {
using net_a = network<input<1, 8, 8>, conv2d<4, 3>, batch_norm, relu, flatten, dense<4>>;
using net_b = network<input<1, 8, 8>, conv2d<5, 3>, batch_norm, relu, flatten, dense<4>>;
constexpr std::size_t P = net_a::parameter_count;

template <class Net>
std::unique_ptr<model<Net>> random_model(std::uint64_t seed) {
  auto m = make_model<Net>(initializer(init_scheme::he_normal, seed));
  for (std::size_t i = 0; i < Net::state_count; ++i)
    m->state[i] = 0.25f * static_cast<float>(i);
  return m;
}

std::vector<std::uint8_t> read_bytes(std::filesystem::path const& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

void flip_byte(std::filesystem::path const& p, std::size_t at) {
  std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(at));
  char c;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(at));
  f.write(&c, 1);
}
}  // namespace

TEST_CASE("a checkpoint round trip is bit-exact", "[io][checkpoint]") {
  test::temp_dir dir("ckpt");
  auto m = random_model<net_a>(1);
  adam<P> opt;
  std::array<float, P> g{};
  g.fill(0.01f);
  opt.step(m->parameters, g, 0.1f);
  const training_position pos{2, 77, 1.5, 0.93};
  m->normalization.mean = {0.5f};
  m->normalization.stddev = {0.25f};
  save_checkpoint(dir / "a.ckpt", *m, opt, pos);
  CHECK(read_checkpoint_header(dir / "a.ckpt").version == 3);
  CHECK(read_checkpoint_header(dir / "a.ckpt").is_of<net_a>());
  CHECK_FALSE(read_checkpoint_header(dir / "a.ckpt").is_of<net_b>());

  auto loaded = std::make_unique<model<net_a>>();
  adam<P> opt2;
  training_position pos2;
  load_checkpoint(dir / "a.ckpt", *loaded, opt2, pos2);
  CHECK(loaded->parameters == m->parameters);
  CHECK(loaded->state == m->state);
  CHECK(loaded->normalization.mean == m->normalization.mean);
  CHECK(loaded->normalization.stddev == m->normalization.stddev);
  CHECK(opt2.moments == opt.moments);
  CHECK(opt2.steps() == 1);
  CHECK(pos2.epoch == 2);
  CHECK(pos2.step == 77);
  CHECK(pos2.train_seconds == 1.5);
  CHECK(pos2.best_accuracy == 0.93);
  // the write went through a temporary file that is gone now
  std::size_t files = 0;
  for ([[maybe_unused]] auto const& e : std::filesystem::directory_iterator(dir.path))
    ++files;
  CHECK(files == 1);
}

TEST_CASE("a checkpoint of another network is rejected, naming both", "[io][checkpoint]") {
  test::temp_dir dir("ckpt-other");
  auto b = random_model<net_b>(1);
  sgd<net_b::parameter_count> ob;
  save_checkpoint(dir / "b.ckpt", *b, ob, {});
  auto a = random_model<net_a>(2);
  const auto before = a->parameters;
  sgd<P> oa;
  training_position pos;
  CHECK_THROWS_WITH(load_checkpoint(dir / "b.ckpt", *a, oa, pos),
                    Contains("b.ckpt: checkpoint of another network.") &&
                        Contains("checkpoint: " + fingerprint<net_b, float>()) &&
                        Contains("this program: " + fingerprint<net_a, float>()) &&
                        Contains("first difference: layer 0: conv2d 1x8x8->5x6x6 params 50 "
                                 "(file) vs conv2d 1x8x8->4x6x6 params 40 (this program)"));
  CHECK(a->parameters == before);
}

TEST_CASE("damaged checkpoints are rejected and leave the model alone", "[io][checkpoint]") {
  test::temp_dir dir("ckpt-bad");
  auto m = random_model<net_a>(1);
  sgd<P> opt({.momentum = 0.9});
  save_checkpoint(dir / "good.ckpt", *m, opt, {});
  const auto size = std::filesystem::file_size(dir / "good.ckpt");

  auto target = random_model<net_a>(9);
  const auto before = target->parameters;
  training_position pos;

  std::filesystem::copy_file(dir / "good.ckpt", dir / "flipped.ckpt");
  flip_byte(dir / "flipped.ckpt", size / 2);
  CHECK_THROWS_WITH(load_checkpoint(dir / "flipped.ckpt", *target, opt, pos),
                    Contains("flipped.ckpt: corrupt or truncated checkpoint (checksum mismatch)"));

  std::filesystem::copy_file(dir / "good.ckpt", dir / "short.ckpt");
  std::filesystem::resize_file(dir / "short.ckpt", size - 100);
  CHECK_THROWS_WITH(load_checkpoint(dir / "short.ckpt", *target, opt, pos),
                    Contains("short.ckpt: corrupt or truncated"));

  test::write_raw(dir / "other.bin", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  CHECK_THROWS_WITH(load_checkpoint(dir / "other.bin", *target, opt, pos),
                    Contains("other.bin: not a ctnn checkpoint"));
  CHECK_THROWS_WITH(load_checkpoint(dir / "missing.ckpt", *target, opt, pos),
                    Contains("missing.ckpt: no such checkpoint file"));

  auto later = read_bytes(dir / "good.ckpt");
  later[8] = 4;  // version 4
  const std::uint32_t crc = detail::crc32_of(later.data(), later.size() - 4);
  std::memcpy(later.data() + later.size() - 4, &crc, 4);
  CHECK_THROWS_WITH(
      load_checkpoint(std::span<const std::uint8_t>(later), "later", *target, opt, pos),
      Contains("later: checkpoint format version 4, this program reads versions 1 "
               "to 3"));

  adam<P> wrong_optimizer;
  CHECK_THROWS_WITH(load_checkpoint(dir / "good.ckpt", *target, wrong_optimizer, pos),
                    Contains("trained with optimizer 'sgd', this run uses 'adam'"));
  CHECK(target->parameters == before);
}

TEST_CASE("saving replaces an older checkpoint", "[io][checkpoint]") {
  test::temp_dir dir("ckpt-replace");
  auto m1 = random_model<net_a>(1), m2 = random_model<net_a>(2);
  sgd<P> opt;
  save_checkpoint(dir / "c.ckpt", *m1, opt, {});
  save_checkpoint(dir / "c.ckpt", *m2, opt, {});
  auto loaded = std::make_unique<model<net_a>>();
  training_position pos;
  load_checkpoint(dir / "c.ckpt", *loaded, opt, pos);
  CHECK(loaded->parameters == m2->parameters);
  CHECK_THROWS_WITH(save_checkpoint(dir / "no-such-dir" / "c.ckpt", *m1, opt, {}),
                    Contains("cannot create"));
}

TEST_CASE("training resumed from a checkpoint matches training straight through",
          "[io][checkpoint][train]") {
  test::temp_dir dir("ckpt-resume");
  const auto train_set = test::quadrant_images(512, 1), test_set = test::quadrant_images(128, 2);
  fit_options o;
  o.batch = 32;
  o.validation = &test_set;
  trainer<net_a, 32> tr(2);

  auto straight = random_model<net_a>(5);
  adam<P> opt_straight;
  o.epochs = 2;
  tr.fit(*straight, opt_straight, softmax_cross_entropy{}, train_set, o);

  auto first = random_model<net_a>(5);
  adam<P> opt_first;
  o.epochs = 1;
  auto rep = tr.fit(*first, opt_first, softmax_cross_entropy{}, train_set, o);
  save_checkpoint(dir / "r.ckpt", *first, opt_first, rep.position);

  auto resumed = std::make_unique<model<net_a>>();
  adam<P> opt_resumed;
  training_position pos;
  load_checkpoint(dir / "r.ckpt", *resumed, opt_resumed, pos);
  o.epochs = 2;
  o.start = pos;
  tr.fit(*resumed, opt_resumed, softmax_cross_entropy{}, train_set, o);
  CHECK(resumed->parameters == straight->parameters);
  CHECK(resumed->state == straight->state);
}

TEST_CASE("a network without batch_norm (no state) round-trips", "[io][checkpoint]") {
  // Its state array is empty, and memcpy into its null data() was undefined (UBSan stopped it).
  using plain = network<input<6>, dense<5>, relu, dense<3>>;
  static_assert(plain::state_count == 0);
  test::temp_dir dir("ckpt-plain");
  auto m = random_model<plain>(4);
  sgd<plain::parameter_count> opt;
  save_checkpoint(dir / "p.ckpt", *m, opt, {1, 10, 0.5, 0.5, 0, 16, 160});
  auto loaded = std::make_unique<model<plain>>();
  training_position pos;
  load_checkpoint(dir / "p.ckpt", *loaded, opt, pos);
  CHECK(loaded->parameters == m->parameters);
  CHECK(pos.batch == 16);
  CHECK(pos.samples == 160);
}

TEST_CASE("checkpoints load from bytes in memory, with the position of version 2",
          "[io][checkpoint]") {
  test::temp_dir dir("ckpt-bytes");
  auto m = random_model<net_a>(1);
  adam<P> opt;
  save_checkpoint(dir / "a.ckpt", *m, opt, {1, 45, 2.0, 0.5, 5, 32, 1280});
  std::ifstream f(dir / "a.ckpt", std::ios::binary);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(f), {}};
  auto loaded = std::make_unique<model<net_a>>();
  training_position pos;
  load_checkpoint(std::span<const std::uint8_t>(bytes), "memory", *loaded, opt, pos);
  CHECK(loaded->parameters == m->parameters);
  CHECK(pos.epoch == 1);
  CHECK(pos.step == 45);
  CHECK(pos.epoch_step == 5);
  CHECK(pos.batch == 32);
  CHECK(pos.samples == 1280);
  const std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + 20);
  CHECK_THROWS_WITH(load_checkpoint(std::span<const std::uint8_t>(cut), "cut", *loaded, opt, pos),
                    Contains("cut: corrupt or truncated checkpoint"));
}

TEST_CASE("a save removes the temporary files that killed saves left", "[io][checkpoint]") {
  test::temp_dir dir("ckpt-stale");
  auto m = random_model<net_a>(1);
  sgd<P> opt;
  // A save killed mid-write leaves ".c.ckpt.tmp.<pid>"; no process has pid 2147483646, while
  // the parent of this test is alive and keeps its (pretend) save in progress.
  const auto dead = dir / ".c.ckpt.tmp.2147483646";
  const auto alive = dir / (".c.ckpt.tmp." + std::to_string(::getppid()));
  const auto other = dir / ".d.ckpt.tmp.2147483646";
  for (auto const& p : {dead, alive, other})
    test::write_raw(p, {1, 2, 3});
  save_checkpoint(dir / "c.ckpt", *m, opt, {});
  CHECK_FALSE(std::filesystem::exists(dead));
  CHECK(std::filesystem::exists(alive));
  CHECK(std::filesystem::exists(other));  // another checkpoint's: not ours to judge
  CHECK(std::filesystem::exists(dir / "c.ckpt"));
  CHECK_THROWS_WITH(save_checkpoint(dir.path, *m, opt, {}), Contains("is a folder"));
}

TEST_CASE("a file far larger than any checkpoint of the network is refused unread",
          "[io][checkpoint]") {
  test::temp_dir dir("ckpt-huge");
  auto m = random_model<net_a>(1);
  adam<P> opt;
  save_checkpoint(dir / "a.ckpt", *m, opt, {});
  const auto size = std::filesystem::file_size(dir / "a.ckpt");
  const std::uintmax_t most = 4 * size + (std::uintmax_t{16} << 20);
  training_position pos;
  // A little larger: read, and refused by its checksum.
  std::filesystem::resize_file(dir / "a.ckpt", size + 1);
  CHECK_THROWS_WITH(load_checkpoint(dir / "a.ckpt", *m, opt, pos), Contains("checksum mismatch"));
  std::filesystem::resize_file(dir / "a.ckpt", most + 1);
  CHECK_THROWS_WITH(load_checkpoint(dir / "a.ckpt", *m, opt, pos),
                    Contains(std::to_string(most + 1) +
                             " bytes, more than a checkpoint of this network can hold (" +
                             std::to_string(most) + " bytes)"));
  // A sparse 3 GiB file costs no disk and is not read (it would take 3 GiB of memory).
  std::filesystem::resize_file(dir / "a.ckpt", std::uintmax_t{3} << 30);
  CHECK_THROWS_WITH(read_checkpoint_header(dir / "a.ckpt"),
                    Contains("3221225472 bytes, more than a checkpoint"));
}

TEST_CASE("a diverged model is not saved over the last good checkpoint", "[io][checkpoint]") {
  test::temp_dir dir("ckpt-nan");
  auto m = random_model<net_a>(1);
  sgd<P> opt;
  save_checkpoint(dir / "c.ckpt", *m, opt, {});
  const auto kept = read_bytes(dir / "c.ckpt");
  m->parameters[5] = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH(save_checkpoint(dir / "c.ckpt", *m, opt, {}),
                    Contains("c.ckpt: not saved: parameter 5 is NaN (training diverged?); the "
                             "previous file is unchanged"));
  CHECK(read_bytes(dir / "c.ckpt") == kept);
}
