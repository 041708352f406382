// SPDX-License-Identifier: BSL-1.0
// ctnn: compile-time neural networks.  Includes everything that needs no other library.
#pragma once

#include <ctnn/core.hpp>
#include <ctnn/layers.hpp>
#include <ctnn/loss.hpp>
#include <ctnn/optim.hpp>

// Data loading, checkpoints and the trainer need zlib and threads: include <ctnn/data.hpp>,
// <ctnn/io.hpp> and <ctnn/train.hpp> and link ctnn::data.
