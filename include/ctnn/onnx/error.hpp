// SPDX-License-Identifier: BSL-1.0
// ctnn::onnx::onnx_error: what ONNX import and export and the safetensors reader throw.
#pragma once

#include <ctnn/io/error.hpp>

namespace ctnn::onnx {

/// A file cannot be read or written, is not a valid ONNX model (or safetensors file), or
/// holds another network than the ctnn type: the message names the file, the node (name and
/// op) or tensor, and both sides.  Also a ctnn::weights_error, so that one handler serves
/// every kind of weights file.
struct onnx_error : weights_error {
  using weights_error::weights_error;
};

}  // namespace ctnn::onnx
