// SPDX-License-Identifier: BSL-1.0
// Data sets: the IDX reader and in-memory transforms (needs zlib: link ctnn::data).
#pragma once

#include <ctnn/data/augment.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/data/error.hpp>
#include <ctnn/data/idx.hpp>
