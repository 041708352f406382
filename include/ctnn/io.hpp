// SPDX-License-Identifier: BSL-1.0
// Input and output: weights files, checkpoints and weights as C++ headers.
#pragma once

#include <ctnn/io/checkpoint.hpp>
#include <ctnn/io/export_header.hpp>
#include <ctnn/io/weights.hpp>
