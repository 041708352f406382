// SPDX-License-Identifier: BSL-1.0
// ctnn core: shapes, the layer protocol, shape inference, networks, models and passes.
#pragma once

#include <ctnn/core/chain.hpp>
#include <ctnn/core/constant_model.hpp>
#include <ctnn/core/error.hpp>
#include <ctnn/core/infer.hpp>
#include <ctnn/core/init.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/model.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/core/normalization.hpp>
#include <ctnn/core/options.hpp>
#include <ctnn/core/predict.hpp>
#include <ctnn/core/random.hpp>
#include <ctnn/core/run.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/core/summary.hpp>
#include <ctnn/core/type_list.hpp>
