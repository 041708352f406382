// SPDX-License-Identifier: BSL-1.0
// ctnn: compile-time neural networks.  Everything that needs no library but Boost and the
// system's threads: networks, layers, losses, optimizers, training and evaluation over data
// sets in memory, inference, weights files and checkpoints.
#pragma once

#include <ctnn/core.hpp>
#include <ctnn/core/fold.hpp>
#include <ctnn/io.hpp>
#include <ctnn/layers.hpp>
#include <ctnn/loss.hpp>
#include <ctnn/optim.hpp>
#include <ctnn/train.hpp>

// Optional components: <ctnn/data.hpp> reads IDX files, raw or gzip (link ctnn::data, zlib);
// <ctnn/report.hpp> writes training reports with PNG pictures (link ctnn::report, libpng).
