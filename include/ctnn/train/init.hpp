// SPDX-License-Identifier: BSL-1.0
// Forwards to ctnn/core/init.hpp, where ctnn::initializer lives now (a model is initialised
// when it is made, so the initializer is part of the core).
#pragma once

#include <ctnn/core/init.hpp>
