// SPDX-License-Identifier: BSL-1.0
// Writes the fuzzers' seed corpora (tests/fuzz/corpus/<target>/): small valid and nearly valid
// inputs.  Run by scripts/fuzz.sh --seeds; the output is committed.
#include <ctnn/ctnn.hpp>
#include <ctnn/io/checkpoint.hpp>
#include <ctnn/train/init.hpp>

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
  auto m = std::make_unique<ctnn::model<Net>>();
  ctnn::initializer init(ctnn::init_scheme::he_normal, 5);
  m->initialize(init);
  Optimizer opt;
  ctnn::save_checkpoint(tmp, *m, opt, pos);
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
  return 0;
}
