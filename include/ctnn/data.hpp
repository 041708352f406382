// SPDX-License-Identifier: BSL-1.0
// Data sets: typed in-memory data sets and their transforms, augmentation, and the IDX loader
// (needs zlib: link ctnn::data).
#pragma once

#include <ctnn/data/augment.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/data/error.hpp>
#include <ctnn/data/idx.hpp>
#include <ctnn/data/load.hpp>
#include <ctnn/data/target.hpp>
