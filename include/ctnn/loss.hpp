// SPDX-License-Identifier: BSL-1.0
// Every ctnn loss.
#pragma once

#include <ctnn/loss/mse.hpp>
#include <ctnn/loss/softmax_cross_entropy.hpp>
