// SPDX-License-Identifier: BSL-1.0
// Writes the fuzzers' seed corpora (tests/fuzz/corpus/<target>/): small valid and nearly valid
// inputs.  Run by scripts/fuzz.sh --seeds; the output is committed.
#include <ctnn/ctnn.hpp>
#include <ctnn/io/checkpoint.hpp>
#include <ctnn/io/weights.hpp>

#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace {
using bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;

void put_u32(bytes& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8)
    b.push_back(static_cast<std::uint8_t>(v >> s));
}
bytes images(std::uint32_t n, std::uint32_t r, std::uint32_t c) {
  bytes b;
  put_u32(b, 2051);
  put_u32(b, n);
  put_u32(b, r);
  put_u32(b, c);
  for (std::uint32_t i = 0; i < n * r * c; ++i)
    b.push_back(static_cast<std::uint8_t>(i * 37));
  return b;
}
bytes labels(std::uint32_t n) {
  bytes b;
  put_u32(b, 2049);
  put_u32(b, n);
  for (std::uint32_t i = 0; i < n; ++i)
    b.push_back(static_cast<std::uint8_t>(i % 10));
  return b;
}
bytes gzip(bytes const& raw) {
  bytes out(compressBound(static_cast<uLong>(raw.size())) + 32);
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  z.next_in = const_cast<Bytef*>(raw.data());
  z.avail_in = static_cast<uInt>(raw.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}
void write(fs::path const& p, bytes const& b) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}
bytes read(fs::path const& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}
bytes pair(bytes const& im, bytes const& lb) {
  bytes b{static_cast<std::uint8_t>(im.size() >> 8), static_cast<std::uint8_t>(im.size())};
  b.insert(b.end(), im.begin(), im.end());
  b.insert(b.end(), lb.begin(), lb.end());
  return b;
}
template <class Net, class Optimizer>
bytes checkpoint(fs::path const& tmp, std::uint8_t selector, ctnn::training_position pos) {
  auto m = ctnn::make_model<Net>(ctnn::initializer(ctnn::init_scheme::he_normal, 5));
  Optimizer opt;
  ctnn::save_checkpoint(tmp, *m, opt, pos);
  bytes b = read(tmp);
  fs::remove(tmp);
  if (selector & 2)
    b.resize(b.size() - 4);  // the fuzzer appends the CRC itself
  b.insert(b.begin(), selector);
  return b;
}
// A version-2 checkpoint, as version 2 wrote them: the layers' names as the fingerprint and
// no normalization.
template <class Net>
bytes checkpoint_v2(std::uint8_t selector) {
  const auto m = ctnn::make_model<Net>(ctnn::initializer(ctnn::init_scheme::he_normal, 6));
  ctnn::sgd<Net::parameter_count> opt;
  ctnn::detail::byte_writer w;
  w.value(selector);
  w.bytes(ctnn::checkpoint_magic, 8);
  w.value(std::uint32_t{2});
  w.string(ctnn::architecture<Net>() + " | scalar float");
  w.string("sgd");
  for (std::uint64_t v : {1, 4})
    w.value(v);
  w.value(1.0);
  w.value(0.5);
  for (std::uint64_t v : {4, 0, 8, 32})
    w.value(v);
  w.array(std::span<const float>(m->parameters));
  w.array(std::span<const float>(m->state));
  w.array(std::span<const float>(opt.state()));
  w.value(ctnn::detail::crc32_of(w.out.data() + 1, w.out.size() - 1));
  return w.out;
}
template <class Net>
bytes weights(fs::path const& tmp, std::uint8_t selector) {
  auto m = ctnn::make_model<Net>(ctnn::initializer(ctnn::init_scheme::he_normal, 7));
  m->normalization.mean.fill(0.25f);
  m->normalization.stddev.fill(0.5f);
  ctnn::save_weights(tmp, *m);
  bytes b = read(tmp);
  fs::remove(tmp);
  if (selector & 2)
    b.resize(b.size() - 4);  // the fuzzer appends the CRC itself
  b.insert(b.begin(), selector);
  return b;
}
using with_state = ctnn::network<ctnn::input<1, 4, 4>, ctnn::conv2d<2, 3>, ctnn::batch_norm,
                                 ctnn::relu, ctnn::flatten, ctnn::dense<3>>;
using stateless = ctnn::network<ctnn::input<5>, ctnn::dense<3>>;
using with_state3 = ctnn::network<ctnn::input<3, 4, 4>, ctnn::conv2d<2, 3>, ctnn::batch_norm,
                                  ctnn::relu, ctnn::flatten, ctnn::dense<3>>;
}  // namespace

int main(int argc, char** argv) {
  const fs::path out = argc > 1 ? argv[1] : "tests/fuzz/corpus";
  write(out / "fuzz_idx" / "images-raw", images(3, 2, 4));
  write(out / "fuzz_idx" / "images-gz", gzip(images(4, 3, 3)));
  write(out / "fuzz_idx" / "labels-raw", labels(5));
  write(out / "fuzz_idx" / "labels-gz", gzip(labels(7)));
  bytes short_one = images(1, 1, 1);
  short_one.pop_back();
  write(out / "fuzz_idx" / "header-only", short_one);
  write(out / "fuzz_idx_pair" / "raw", pair(images(3, 2, 2), labels(3)));
  write(out / "fuzz_idx_pair" / "gz", pair(gzip(images(2, 4, 4)), gzip(labels(2))));
  write(out / "fuzz_idx_pair" / "count-mismatch", pair(images(2, 2, 2), labels(3)));
  const fs::path tmp = out / "tmp.ckpt";
  write(out / "fuzz_checkpoint" / "state-adam",
        checkpoint<with_state, ctnn::adam<with_state::parameter_count>>(tmp, 1,
                                                                        {1, 4, 1, 0.5, 0, 8, 32}));
  write(out / "fuzz_checkpoint" / "state-adam-crc",
        checkpoint<with_state, ctnn::adam<with_state::parameter_count>>(tmp, 3,
                                                                        {0, 2, 1, 0.5, 2, 8, 32}));
  write(out / "fuzz_checkpoint" / "stateless-sgd",
        checkpoint<stateless, ctnn::sgd<stateless::parameter_count>>(tmp, 0,
                                                                     {2, 8, 1, 0.25, 0, 4, 16}));
  write(out / "fuzz_checkpoint" / "stateless-sgd-crc",
        checkpoint<stateless, ctnn::sgd<stateless::parameter_count>>(tmp, 2, {}));
  write(out / "fuzz_checkpoint" / "state-adam-weights-only",
        checkpoint<with_state, ctnn::adam<with_state::parameter_count>>(tmp, 5,
                                                                        {1, 4, 1, 0.5, 0, 8, 32}));
  write(out / "fuzz_checkpoint" / "state-sgd-v2", checkpoint_v2<with_state>(1));
  write(out / "fuzz_checkpoint" / "state-sgd-v2-weights-only", checkpoint_v2<with_state>(5));
  write(out / "fuzz_weights" / "state", weights<with_state3>(tmp, 1));
  write(out / "fuzz_weights" / "state-crc", weights<with_state3>(tmp, 3));
  write(out / "fuzz_weights" / "stateless", weights<stateless>(tmp, 0));
  write(out / "fuzz_weights" / "stateless-crc", weights<stateless>(tmp, 2));
  return 0;
}
