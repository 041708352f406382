// SPDX-License-Identifier: BSL-1.0
// Every ctnn loss, and the loss_for concept.
#pragma once

#include <ctnn/loss/loss.hpp>
#include <ctnn/loss/mse.hpp>
#include <ctnn/loss/softmax_cross_entropy.hpp>
