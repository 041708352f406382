// SPDX-License-Identifier: BSL-1.0
// Input and output: weights files, checkpoints and the progress bar.
#pragma once

#include <ctnn/io/checkpoint.hpp>
#include <ctnn/io/progress.hpp>
#include <ctnn/io/weights.hpp>
