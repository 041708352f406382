// SPDX-License-Identifier: BSL-1.0
// ctnn::report::write_report: a folder a person opens in a browser (index.html, offline) with
// the training curves, the confusion matrix, per-class precision and recall, misclassified
// test images, the first filters, every layer's feature maps for one test image, the model
// summary and the run's settings; plus the raw numbers (steps.csv, evaluations.csv,
// summary.json).  It is the sections of curves.hpp, confusion.hpp and pictures.hpp put on one
// page (page.hpp); a program that wants another report puts its own sections together.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/core/summary.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/report/analysis.hpp>
#include <ctnn/report/confusion.hpp>
#include <ctnn/report/curves.hpp>
#include <ctnn/report/page.hpp>
#include <ctnn/report/pictures.hpp>
#include <ctnn/report/png.hpp>
#include <ctnn/train/trainer.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace ctnn::report {

/// The file whose presence marks a folder as a ctnn report (so a rerun may replace it).
inline constexpr char const* marker_file = "summary.json";

/// Makes sure `dir` can take a report without destroying anything: it must not exist, be an
/// empty folder, or hold an earlier ctnn report.  Call it before training, not after.  Throws
/// report_error naming the folder.
inline void prepare_directory(std::filesystem::path const& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir))
      throw report_error(dir.string() + " exists and is not a folder");
    // Empty, or holding only the empty images/ folder this function made before training.
    bool fresh = true;
    for (auto const& e : fs::directory_iterator(dir, ec))
      fresh = fresh && e.path().filename() == "images" && e.is_directory() && fs::is_empty(e);
    if (!fresh && !fs::exists(dir / marker_file))
      throw report_error(dir.string() + " is a folder with other files in it (no " + marker_file +
                         " of an earlier report); choose an empty or new folder");
  }
  fs::create_directories(dir / "images", ec);
  if (ec)
    throw report_error(dir.string() + ": cannot create the folder (" + ec.message() + ")");
}

/// What the report says about the run besides the model: its name and settings.
struct run_description {
  std::string network{};
  std::vector<std::pair<std::string, std::string>> settings{};  // shown as a table, in order
  std::size_t feature_sample = 0;  // the test image whose feature maps are shown
  std::size_t misclassified_shown = 40;
  std::vector<std::string> class_names{};  // class c is shown as class_names[c] (else c)
  std::string evaluated_on = "test";       // the set `final_eval` and the evaluations are of
};

/// summary.json: the run's figures, confusion matrix and per-class metrics, for programs.
inline void write_summary_json(std::filesystem::path const& dir, std::size_t parameter_count,
                               training_report const& rep, evaluation const& e,
                               std::size_t misclassified, run_description const& run) {
  const auto metrics = per_class(e.confusion, e.classes);
  const auto pairs = most_confused(e.confusion, e.classes, 10);
  std::ostringstream js;
  js << "{\"ctnn_report\": 1, \"network\": " << json_string(run.network)
     << ", \"parameters\": " << parameter_count << ", \"test_accuracy\": " << e.accuracy
     << ", \"test_loss\": " << e.loss << ", \"train_seconds\": " << rep.train_seconds
     << ", \"steps\": " << rep.position.step
     << ", \"images_per_second\": " << rep.samples_per_second() << ", \"classes\": " << e.classes
     << ", \"class_names\": [";
  for (std::size_t c = 0; c < e.classes; ++c)
    js << (c ? ", " : "") << json_string(class_name(run.class_names, c));
  js << "], \"confusion\": [";
  for (std::size_t i = 0; i < e.confusion.size(); ++i)
    js << (i ? ", " : "") << e.confusion[i];
  js << "], \"per_class\": [";
  for (std::size_t i = 0; i < metrics.size(); ++i)
    js << (i ? ", " : "") << "{\"class\": " << metrics[i].label
       << ", \"support\": " << metrics[i].support << ", \"precision\": " << metrics[i].precision
       << ", \"recall\": " << metrics[i].recall << "}";
  js << "], \"most_confused\": [";
  for (std::size_t i = 0; i < pairs.size(); ++i)
    js << (i ? ", " : "") << "{\"true\": " << pairs[i].truth
       << ", \"predicted\": " << pairs[i].predicted << ", \"count\": " << pairs[i].count << "}";
  js << "], \"misclassified\": " << misclassified << ", \"settings\": {";
  for (std::size_t i = 0; i < run.settings.size(); ++i)
    js << (i ? ", " : "") << json_string(run.settings[i].first) << ": "
       << json_string(run.settings[i].second);
  js << "}}\n";
  write_text(dir / marker_file, js.str());
}

/// What a report shows of the network itself: its summary, the misclassified test images,
/// the first filters and the feature maps, their pictures already written into dir/images.
/// draw_network makes it; write_report puts it on the page with the run's curves and figures.
struct network_sections {
  std::string network_summary;
  std::size_t parameter_count = 0;
  section misclassified, filters, feature_maps;
  std::size_t misclassified_count = 0;
};

/// The network's sections of the report (see write_report) for the model `m` and the labelled
/// raw images `test`, whose shape In (shape<C, H, W>, shape<H, W> or, drawn as one row,
/// shape<N>) gives the pictures' geometry and may differ from the network's input shape when
/// both have as many elements.  Writes the pictures into dir/images (see prepare_directory).
template <class Net, class T, class In>
network_sections draw_network(std::filesystem::path const& dir, model<Net, T> const& m,
                              dataset<In> const& test, run_description const& run) {
  static_assert(size_v<In> == size_v<typename Net::input_shape>,
                "ctnn::report: the test images must have as many elements as the network's "
                "input");
  if (test.size() == 0)
    throw report_error("the report needs at least one test image");
  auto misses = misclassified_section(dir, m, test, run.misclassified_shown, run.class_names);
  return {summary<Net>(),
          Net::parameter_count,
          std::move(misses.part),
          filters_section(dir, m),
          feature_maps_section(dir, m, test, std::min(run.feature_sample, test.size() - 1),
                               run.class_names),
          misses.misclassified};
}

/// Writes the report of a finished run into dir, prepared (prepare_directory) and holding the
/// network's pictures (draw_network), and returns the path of its index.html.  `final_eval`
/// is the model's evaluation on the test images the network was drawn with.  Apart from
/// draw_network, a report is written by code shared by every network.
inline std::filesystem::path write_report(std::filesystem::path const& dir,
                                          network_sections const& net, training_report const& rep,
                                          evaluation const& final_eval,
                                          run_description const& run) {
  std::string settings = "<table>";
  for (auto const& [k, v] : run.settings)
    settings += "<tr><th>" + html_escape(k) + "</th><td>" + html_escape(v) + "</td></tr>";
  settings += "</table><p>Raw numbers: <a href=\"steps.csv\">steps.csv</a>, <a "
              "href=\"evaluations.csv\">evaluations.csv</a>, <a href=\"summary.json\">"
              "summary.json</a>.</p>";
  const section sections[] = {curves_section(dir, rep.steps, rep.evaluations, run.evaluated_on),
                              confusion_section(final_eval, run.class_names, run.evaluated_on),
                              confused_pairs_section(final_eval, run.class_names),
                              net.misclassified,
                              net.filters,
                              net.feature_maps,
                              {"Model", "<pre>" + html_escape(net.network_summary) + "</pre>"},
                              {"Settings", settings}};
  const std::string headline =
      run.evaluated_on + " accuracy <b>" + fixed(100 * final_eval.accuracy, 2) +
      " %</b> &middot; " + run.evaluated_on + " loss " + fixed(final_eval.loss, 4) + " &middot; " +
      std::to_string(net.parameter_count) + " parameters &middot; " + fixed(rep.train_seconds, 2) +
      " s training &middot; " + std::to_string(static_cast<long long>(rep.samples_per_second())) +
      " images/s";
  write_page(dir / "index.html", run.network, headline, sections);
  write_summary_json(dir, net.parameter_count, rep, final_eval, net.misclassified_count, run);
  return dir / "index.html";
}

/// Writes the report of a finished run into dir (see prepare_directory) and returns the path
/// of its index.html.  `final_eval` is the model's evaluation on `test`, a labelled set of raw
/// images (the model's normalization is applied); its shape In (shape<C, H, W>, shape<H, W>
/// or, drawn as one row, shape<N>) gives the pictures' geometry and may differ from the
/// network's input shape when both have as many elements.
template <class Net, class T, class In>
std::filesystem::path write_report(std::filesystem::path const& dir, model<Net, T> const& m,
                                   dataset<In> const& test, training_report const& rep,
                                   evaluation const& final_eval, run_description const& run) {
  if (test.size() == 0)
    throw report_error("the report needs at least one test image");
  prepare_directory(dir);
  return write_report(dir, draw_network(dir, m, test, run), rep, final_eval, run);
}

}  // namespace ctnn::report
