// SPDX-License-Identifier: BSL-1.0
// Every ctnn layer.
#pragma once

#include <ctnn/layers/avg_pool.hpp>
#include <ctnn/layers/batch_norm.hpp>
#include <ctnn/layers/conv2d.hpp>
#include <ctnn/layers/dense.hpp>
#include <ctnn/layers/dropout.hpp>
#include <ctnn/layers/flatten.hpp>
#include <ctnn/layers/identity.hpp>
#include <ctnn/layers/leaky_relu.hpp>
#include <ctnn/layers/max_pool.hpp>
#include <ctnn/layers/relu.hpp>
#include <ctnn/layers/residual.hpp>
#include <ctnn/layers/sigmoid.hpp>
#include <ctnn/layers/tanh.hpp>
