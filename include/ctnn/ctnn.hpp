// SPDX-License-Identifier: BSL-1.0
// ctnn: compile-time neural networks.  Includes the whole library.
#pragma once

#include <ctnn/core.hpp>
#include <ctnn/layers.hpp>
#include <ctnn/loss.hpp>
