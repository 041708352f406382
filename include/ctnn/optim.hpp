// SPDX-License-Identifier: BSL-1.0
// Optimizers and learning-rate schedules.
#pragma once

#include <ctnn/optim/adam.hpp>
#include <ctnn/optim/schedule.hpp>
#include <ctnn/optim/sgd.hpp>
