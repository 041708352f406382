// SPDX-License-Identifier: BSL-1.0
// The confusion matrix of an evaluation as a coloured table, with per-class precision and
// recall and the most confused pairs.
#pragma once

#include <ctnn/report/analysis.hpp>
#include <ctnn/report/page.hpp>
#include <ctnn/train/trainer.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace ctnn::report {

/// How a report names class c: names[c] when given, else its number.
inline std::string class_name(std::vector<std::string> const& names, std::size_t c) {
  return c < names.size() ? names[c] : std::to_string(c);
}

/// The confusion matrix of e (a classification's evaluation) with the diagonal green and
/// mistakes red, in proportion to each true class's count; then precision and recall.
inline section confusion_section(evaluation const& e, std::vector<std::string> const& names = {},
                                 std::string const& set_name = "test") {
  const std::size_t classes = e.classes;
  const auto metrics = per_class(e.confusion, classes);
  std::ostringstream cm;
  cm << "<table class=\"cm\"><tr><th>true \\ predicted</th>";
  for (std::size_t c = 0; c < classes; ++c)
    cm << "<th>" << html_escape(class_name(names, c)) << "</th>";
  cm << "</tr>";
  for (std::size_t t = 0; t < classes; ++t) {
    cm << "<tr><th>" << html_escape(class_name(names, t)) << "</th>";
    for (std::size_t p = 0; p < classes; ++p) {
      const std::size_t n = e.confusion[t * classes + p];
      const double share = metrics[t].support ? static_cast<double>(n) / metrics[t].support : 0;
      const double alpha = t == p ? share : std::min(1.0, 8 * share);
      cm << "<td style=\"background: rgba(" << (t == p ? "44,160,44," : "214,39,40,")
         << fixed(alpha, 3) << ")\">" << n << "</td>";
    }
    cm << "</tr>";
  }
  cm << "</table><table><tr><th>class</th><th>" << set_name
     << " images</th><th>precision</th><th>recall</th></tr>";
  for (auto const& c : metrics)
    cm << "<tr><td>" << html_escape(class_name(names, c.label)) << "</td><td>" << c.support
       << "</td><td>" << fixed(100 * c.precision, 2) << " %</td><td>" << fixed(100 * c.recall, 2)
       << " %</td></tr>";
  cm << "</table>";
  return {"Confusion matrix (" + set_name + " set)", cm.str()};
}

/// The `most` (true, predicted) pairs confused most often.
inline section confused_pairs_section(evaluation const& e,
                                      std::vector<std::string> const& names = {},
                                      std::size_t most = 10) {
  std::ostringstream html;
  html << "<table><tr><th>true</th><th>predicted as</th><th>count</th></tr>";
  for (auto const& p : most_confused(e.confusion, e.classes, most))
    html << "<tr><td>" << html_escape(class_name(names, p.truth)) << "</td><td>"
         << html_escape(class_name(names, p.predicted)) << "</td><td>" << p.count << "</td></tr>";
  html << "</table>";
  return {"Most confused pairs", html.str()};
}

}  // namespace ctnn::report
