#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
# Writes one hostile data folder for tests/hostile/hostile.sh: MNIST-named IDX files where the
# training images (or labels) are the hostile part; or (small_png) a 20x20 PNG.
# Usage: make_files.py KIND DIR
import gzip, os, struct, sys, zlib

kind, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)

def images(n, r, c, magic=2051):
    return struct.pack(">IIII", magic, n, r, c) + bytes((i * 37) % 256 for i in range(n * r * c))

def labels(values, magic=2049):
    return struct.pack(">II", magic, len(values)) + bytes(values)

def put(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

good_images, good_labels = images(8, 28, 28), labels([i % 10 for i in range(8)])
files = {"train-images-idx3-ubyte": good_images, "train-labels-idx1-ubyte": good_labels,
         "t10k-images-idx3-ubyte": good_images, "t10k-labels-idx1-ubyte": good_labels}
if kind == "small_png":  # a 20x20 grey PNG (the examples read 28x28), no data files
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    rows = b"".join(b"\x00" + bytes(range(20)) for _ in range(20))
    put("small.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20, 20, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    files = {}
elif kind == "overflow":  # 4 x 2^31 x 2^31 wraps to 0 bytes in 64 bits
    files["train-images-idx3-ubyte"] = struct.pack(">IIII", 2051, 4, 2**31, 2**31)
elif kind == "bomb":  # 10 images, then 512 MiB of zeros: about 0.5 MB of gzip
    del files["train-images-idx3-ubyte"]
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + 15)
    parts = [z.compress(images(10, 28, 28))]
    zeros = bytes(1 << 20)
    for _ in range(512):
        parts.append(z.compress(zeros))
    parts.append(z.flush())
    put("train-images-idx3-ubyte.gz", b"".join(parts))
elif kind == "truncated":
    files["train-labels-idx1-ubyte"] = good_labels[:-3]
elif kind == "wrong_magic":
    files["train-images-idx3-ubyte"] = good_labels
elif kind == "corrupt_gzip":
    del files["train-images-idx3-ubyte"]
    data = bytearray(gzip.compress(images(200, 28, 28)))
    data[40:100] = b"this is not deflate data at all, not at all, really not at all"[:60]
    put("train-images-idx3-ubyte.gz", bytes(data))
elif kind == "count_mismatch":
    files["train-labels-idx1-ubyte"] = labels([1] * 7)
elif kind == "label_range":
    files["train-labels-idx1-ubyte"] = labels([1, 12] + [0] * 6)
elif kind == "image_size":
    files["train-images-idx3-ubyte"] = images(8, 20, 20)
else:
    sys.exit("unknown kind " + kind)
for name, data in files.items():
    put(name, data)
