// SPDX-License-Identifier: BSL-1.0
// ctnn::onnx: ONNX import and export (link ctnn::onnx: libonnx and protobuf), and the
// safetensors weights interchange (header-only, no dependency).
#pragma once

#include <ctnn/onnx/error.hpp>
#include <ctnn/onnx/export.hpp>
#include <ctnn/onnx/import.hpp>
#include <ctnn/onnx/safetensors.hpp>
