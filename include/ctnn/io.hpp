// SPDX-License-Identifier: BSL-1.0
// Input and output: checkpoints and the progress bar.
#pragma once

#include <ctnn/io/checkpoint.hpp>
#include <ctnn/io/progress.hpp>
