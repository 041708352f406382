// SPDX-License-Identifier: BSL-1.0
// Training: initialisation and the data-parallel trainer.
#pragma once

#include <ctnn/train/init.hpp>
#include <ctnn/train/trainer.hpp>
