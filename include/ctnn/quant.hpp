// SPDX-License-Identifier: BSL-1.0
// int8 post-training quantisation: ctnn::quantize, ctnn::quantized_model and its pass.
#pragma once

#include <ctnn/quant/plan.hpp>
#include <ctnn/quant/predict.hpp>
#include <ctnn/quant/quantize.hpp>
#include <ctnn/quant/quantized_model.hpp>
#include <ctnn/quant/requantize.hpp>
