// SPDX-License-Identifier: BSL-1.0
// Training reports: a browsable folder of curves, confusion matrix and pictures (libpng;
// gnuplot draws the curves when installed).  Link ctnn::report.
#pragma once

#include <ctnn/report/analysis.hpp>
#include <ctnn/report/confusion.hpp>
#include <ctnn/report/curves.hpp>
#include <ctnn/report/page.hpp>
#include <ctnn/report/pictures.hpp>
#include <ctnn/report/png.hpp>
#include <ctnn/report/report.hpp>
