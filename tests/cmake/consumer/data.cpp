// SPDX-License-Identifier: BSL-1.0
// A consumer of the data component: reads a gzip-compressed IDX label file from memory.
#include <ctnn/data.hpp>

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <vector>

int main() {
  const std::uint8_t raw[] = {0, 0, 8, 1, 0, 0, 0, 3, 7, 1, 4};  // IDX labels: 7 1 4
  std::vector<std::uint8_t> gz(64);
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // 15 + 16: gzip
  z.next_in = const_cast<Bytef*>(raw);
  z.avail_in = sizeof raw;
  z.next_out = gz.data();
  z.avail_out = static_cast<uInt>(gz.size());
  deflate(&z, Z_FINISH);
  gz.resize(z.total_out);
  deflateEnd(&z);
  const auto labels = ctnn::read_idx_labels(gz, "labels.gz", 10);
  std::printf("consumer_data ok: %zu labels\n", labels.size());
  return labels.size() == 3 && labels[0] == 7 && labels[2] == 4 ? 0 : 1;
}
