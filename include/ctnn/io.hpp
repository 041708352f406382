// SPDX-License-Identifier: BSL-1.0
// Input and output: weights files and checkpoints.
#pragma once

#include <ctnn/io/checkpoint.hpp>
#include <ctnn/io/weights.hpp>
