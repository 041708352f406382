// SPDX-License-Identifier: BSL-1.0
// Training: initialisation, fit/evaluate/predict over data sets, the data-parallel trainer and
// the progress callbacks.
#pragma once

#include <ctnn/train/events.hpp>
#include <ctnn/train/fit.hpp>
#include <ctnn/train/init.hpp>
#include <ctnn/train/position.hpp>
#include <ctnn/train/progress.hpp>
#include <ctnn/train/trainer.hpp>
