// SPDX-License-Identifier: BSL-1.0
// Training reports: a browsable folder of curves, confusion matrix and pictures (libpng).
#pragma once

#include <ctnn/report/analysis.hpp>
#include <ctnn/report/png.hpp>
#include <ctnn/report/report.hpp>
