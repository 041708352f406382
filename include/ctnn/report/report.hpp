// SPDX-License-Identifier: BSL-1.0
// ctnn::report::write_report: a folder a person opens in a browser (index.html, offline) with
// the training curves, the confusion matrix, per-class precision and recall, misclassified
// test images, the first convolution's filters, every layer's feature maps for one test
// image, the model summary and the run's settings; plus the raw numbers (steps.csv,
// evaluations.csv, summary.json).  Images are PNG through libpng; curves are SVG drawn by
// gnuplot (Debian gnuplot-nox) when it is installed.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/core/run.hpp>
#include <ctnn/core/summary.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/layers/conv2d.hpp>
#include <ctnn/report/analysis.hpp>
#include <ctnn/report/png.hpp>
#include <ctnn/train/trainer.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace ctnn::report {

/// The file whose presence marks a folder as a ctnn report (so a rerun may replace it).
inline constexpr char const* marker_file = "summary.json";

/// Makes sure `dir` can take a report without destroying anything: it must not exist, be an
/// empty folder, or hold an earlier ctnn report.  Call it before training, not after.
inline void prepare_directory(std::filesystem::path const& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir))
      throw report_error("--report " + dir.string() + " exists and is not a folder");
    // Empty, or holding only the empty images/ folder this function made before training.
    bool fresh = true;
    for (auto const& e : fs::directory_iterator(dir, ec))
      fresh = fresh && e.path().filename() == "images" && e.is_directory() && fs::is_empty(e);
    if (!fresh && !fs::exists(dir / marker_file))
      throw report_error("--report " + dir.string() + " is a folder with other files in it (no " +
                         marker_file + " of an earlier report); choose an empty or new folder");
  }
  fs::create_directories(dir / "images", ec);
  if (ec)
    throw report_error("--report " + dir.string() + ": cannot create the folder (" + ec.message() +
                       ")");
}

/// What the report says about the run besides the model: its name and settings.
struct run_description {
  std::string network;
  std::vector<std::pair<std::string, std::string>> settings;  // shown as a table, in order
  std::size_t feature_sample = 0;  // the test image whose feature maps are shown
  std::size_t misclassified_shown = 40;
};

namespace detail {

inline std::string html_escape(std::string const& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

inline std::string json_string(std::string const& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20)
      out += c;
  }
  return out + "\"";
}

inline void write_text(std::filesystem::path const& p, std::string const& text) {
  std::ofstream f(p, std::ios::trunc);
  f << text;
  if (!f)
    throw report_error(p.string() + ": cannot write");
}

inline std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// gnuplot draws the curves as SVG; returns whether it did (it may not be installed).
inline bool draw_curves(std::filesystem::path const& dir, bool have_evaluations) {
  std::string gp = "set terminal svg size 540,320 dynamic font 'sans,12' background '#ffffff'\n"
                   "set termoption noenhanced\nset datafile separator ','\nset key outside top "
                   "center horizontal\nset grid\n"
                   "set xlabel 'step'\n";
  gp += "set output 'images/loss.svg'\nset ylabel 'loss'\nplot 'steps.csv' skip 1 using 1:3 "
        "with lines lc rgb '#9ecae1' title 'train (batch)'";
  if (have_evaluations)
    gp += ", 'evaluations.csv' skip 1 using 1:4 with linespoints lw 2 pt 7 lc rgb '#d62728' "
          "title 'test'";
  gp += "\nset output 'images/accuracy.svg'\nset ylabel 'accuracy'\nplot 'steps.csv' skip 1 "
        "using 1:4 with lines lc rgb '#9ecae1' title 'train (batch)'";
  if (have_evaluations)
    gp += ", 'evaluations.csv' skip 1 using 1:5 with linespoints lw 2 pt 7 lc rgb '#d62728' "
          "title 'test'";
  gp += "\nset output 'images/learning_rate.svg'\nset ylabel 'learning rate'\nset yrange "
        "[0:*]\nplot 'steps.csv' "
        "skip 1 using 1:5 with lines lw 2 lc rgb '#2ca02c' title 'schedule'\nunset output\n";
  write_text(dir / "curves.gp", gp);
  std::string quoted = "'";
  for (char c : dir.string())
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  const int rc = std::system(("cd " + quoted + " && gnuplot curves.gp > gnuplot.log 2>&1").c_str());
  return rc == 0 && std::filesystem::exists(dir / "images" / "learning_rate.svg");
}

template <class Net, std::size_t I = 0>
constexpr std::size_t first_conv_index() {
  if constexpr (I == Net::layer_count)
    return I;
  else if constexpr (requires { Net::template layer_t<I>::kernel; })
    return I;
  else
    return first_conv_index<Net, I + 1>();
}

}  // namespace detail

/// Writes the report of a finished run into dir (see prepare_directory) and returns the path
/// of its index.html.  `final_eval` is the model's evaluation on `test`, a labelled set of raw
/// images (the model's normalization is applied); its shape In (shape<C, H, W>, shape<H, W>
/// or, drawn as one row, shape<N>) gives the pictures' geometry and may differ from the
/// network's input shape when both have as many elements.
template <class Net, class T, class In>
std::filesystem::path write_report(std::filesystem::path const& dir, model<Net, T> const& m,
                                   dataset<In> const& test, training_report const& rep,
                                   evaluation const& final_eval, run_description const& run) {
  namespace fs = std::filesystem;
  using detail::fixed;
  using detail::html_escape;
  static_assert(size_v<In> == size_v<typename Net::input_shape>,
                "ctnn::report::write_report: the test images must have as many elements as the "
                "network's input");
  prepare_directory(dir);
  constexpr std::size_t classes = size_v<typename Net::output_shape>;
  constexpr std::size_t in = size_v<typename Net::input_shape>;
  constexpr std::size_t rank = rank_v<In>;
  constexpr std::size_t planes = rank == 3 ? In::dims[0] : 1;  // channels of a test image
  constexpr std::size_t rows = rank >= 2 ? In::dims[rank - 2] : 1;
  constexpr std::size_t cols = In::dims[rank - 1];
  if (test.size() == 0)
    throw report_error("the report needs at least one test image");
  // Raw images, normalised as the model expects, n at a time.
  auto normalised = [&](std::size_t at, std::size_t n, T* x) {
    std::copy_n(test.inputs.data() + at * in, n * in, x);
    if (!m.normalization.is_identity())
      m.normalization.apply(x, x, n);
    return x;
  };

  // Raw numbers.
  {
    std::ostringstream s, e;
    s << "step,epoch,loss,accuracy,learning_rate\n";
    for (auto const& r : rep.steps)
      s << r.step << ',' << r.epoch << ',' << r.loss << ',' << r.accuracy << ',' << r.learning_rate
        << '\n';
    e << "step,epoch,train_seconds,loss,accuracy\n";
    for (auto const& r : rep.evaluations)
      e << r.step << ',' << r.epoch << ',' << r.train_seconds << ',' << r.loss << ',' << r.accuracy
        << '\n';
    detail::write_text(dir / "steps.csv", s.str());
    detail::write_text(dir / "evaluations.csv", e.str());
  }
  const bool curves = !rep.steps.empty() && detail::draw_curves(dir, !rep.evaluations.empty());

  // Predictions on the test set (eval phase), for the misclassified images.
  struct miss {
    std::size_t index, truth;
    prediction p;
  };
  std::vector<miss> misses;
  {
    constexpr std::size_t cap = 64;
    auto ws = std::make_unique<workspace<Net, T, cap>>();
    auto state = m.state;
    for (std::size_t at = 0; at < test.size(); at += cap) {
      const std::size_t n = std::min(cap, test.size() - at);
      auto y = forward<Net, T, cap>(m.parameters, state, *ws, normalised(at, n, ws->input()), n,
                                    {phase::eval});
      for (std::size_t b = 0; b < n; ++b) {
        const auto p = predict<T>(y.subspan(b * classes, classes));
        if (p.label != test.label(at + b))
          misses.push_back({at + b, test.label(at + b), p});
      }
    }
  }
  std::stable_sort(misses.begin(), misses.end(),
                   [](auto const& a, auto const& b) { return a.p.confidence > b.p.confidence; });
  const std::size_t shown = std::min(misses.size(), run.misclassified_shown);
  for (std::size_t k = 0; k < shown; ++k)
    write_png(dir / "images" / ("misclassified_" + std::to_string(k) + ".png"),
              montage<float>(std::span<const float>(test.input(misses[k].index)), planes, rows,
                             cols, planes, 3));

  // The first convolution's filters.
  std::string filters_html;
  constexpr std::size_t conv = detail::first_conv_index<Net>();
  if constexpr (conv < Net::layer_count) {
    using layer = typename Net::template layer_t<conv>;
    constexpr std::size_t out = layer::out_channels, k = layer::kernel;
    constexpr std::size_t channels = dim_v<typename Net::template layer_input_t<conv>, 0>;
    std::span<const T> w(m.parameters.data() + Net::parameter_offsets[conv],
                         out * channels * k * k);
    write_png(dir / "images" / "filters.png",
              montage<T>(w, out * channels, k, k,
                         channels > 1 ? channels : std::min<std::size_t>(out, 8),
                         std::max<std::size_t>(1, 48 / k), 2));
    filters_html = "<p>Layer " + std::to_string(conv) + " " + html_escape(layer::name()) + ": " +
                   std::to_string(out) + " filters of " + std::to_string(channels) + "x" +
                   std::to_string(k) + "x" + std::to_string(k) +
                   (channels > 1 ? " (one row per filter, one tile per input channel)" : "") +
                   ", each scaled to its own range (black = most negative, white = most "
                   "positive).</p><img class=\"px\" src=\"images/filters.png\" alt=\"filters\">";
  } else {
    filters_html = "<p>This network has no convolution layer.</p>";
  }

  // Feature maps of every layer for one test image.
  const std::size_t sample = std::min(run.feature_sample, test.size() - 1);
  std::string maps_html;
  {
    auto ws = std::make_unique<workspace<Net, T, 1>>();
    auto state = m.state;
    auto y = forward<Net, T, 1>(m.parameters, state, *ws, normalised(sample, 1, ws->input()), 1,
                                {phase::eval});
    const auto p = predict<T>(y);
    write_png(
        dir / "images" / "feature_input.png",
        montage<float>(std::span<const float>(test.input(sample)), planes, rows, cols, planes, 4));
    maps_html += "<p>Test image " + std::to_string(sample) + ", label " +
                 std::to_string(test.label(sample)) + ", predicted " + std::to_string(p.label) +
                 " (" + fixed(100 * p.confidence, 1) +
                 " %). Each map is scaled to its own range.</p><div class=\"maps\"><figure><img "
                 "class=\"px\" src=\"images/feature_input.png\" alt=\"input\"><figcaption>input "
                 "</figcaption></figure></div>";
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            using shape = typename Net::template layer_output_t<I>;
            const auto v = layer_output<I>(*ws);
            const std::string file = "feature_" + std::to_string(I) + ".png";
            gray_image img;
            if constexpr (rank_v<shape> == 3) {
              constexpr std::size_t c = dim_v<shape, 0>, h = dim_v<shape, 1>, w = dim_v<shape, 2>;
              img = montage<T>(v, c, h, w, 8, std::max<std::size_t>(1, 56 / h), 2);
            } else {
              constexpr std::size_t n = size_v<shape>;
              img = montage<T>(v, 1, 1, n, 1, std::max<std::size_t>(1, 400 / n));
              // a flat vector: one row of cells, made 24 pixels tall
              gray_image tall{img.width, 24, {}};
              for (std::size_t yy = 0; yy < 24; ++yy)
                tall.pixels.insert(tall.pixels.end(), img.pixels.begin(),
                                   img.pixels.begin() + static_cast<std::ptrdiff_t>(img.width));
              img = std::move(tall);
            }
            write_png(dir / "images" / file, img);
            maps_html += "<h3>layer " + std::to_string(I) + ": " +
                         html_escape(Net::template layer_t<I>::name()) + " &rarr; " +
                         to_string(shape{}) + "</h3><img class=\"px\" src=\"images/" + file +
                         "\" alt=\"layer " + std::to_string(I) + "\">";
          }(),
          ...);
    }
    (std::make_index_sequence<Net::layer_count>{});
  }

  // Confusion matrix, precision and recall, most confused pairs.
  const auto metrics = per_class(final_eval.confusion, classes);
  const auto pairs = most_confused(final_eval.confusion, classes, 10);
  std::ostringstream cm;
  cm << "<table class=\"cm\"><tr><th>true \\ predicted</th>";
  for (std::size_t c = 0; c < classes; ++c)
    cm << "<th>" << c << "</th>";
  cm << "</tr>";
  for (std::size_t t = 0; t < classes; ++t) {
    cm << "<tr><th>" << t << "</th>";
    for (std::size_t p = 0; p < classes; ++p) {
      const std::size_t n = final_eval.confusion[t * classes + p];
      const double share = metrics[t].support ? static_cast<double>(n) / metrics[t].support : 0;
      const double alpha = t == p ? share : std::min(1.0, 8 * share);
      cm << "<td style=\"background: rgba(" << (t == p ? "44,160,44," : "214,39,40,")
         << fixed(alpha, 3) << ")\">" << n << "</td>";
    }
    cm << "</tr>";
  }
  cm << "</table><table><tr><th>class</th><th>test images</th><th>precision</th><th>recall</th>"
        "</tr>";
  for (auto const& c : metrics)
    cm << "<tr><td>" << c.label << "</td><td>" << c.support << "</td><td>"
       << fixed(100 * c.precision, 2) << " %</td><td>" << fixed(100 * c.recall, 2)
       << " %</td></tr>";
  cm << "</table>";
  std::ostringstream pairs_html;
  pairs_html << "<table><tr><th>true</th><th>predicted as</th><th>count</th></tr>";
  for (auto const& p : pairs)
    pairs_html << "<tr><td>" << p.truth << "</td><td>" << p.predicted << "</td><td>" << p.count
               << "</td></tr>";
  pairs_html << "</table>";

  std::ostringstream miss_html;
  miss_html << "<p>" << misses.size() << " of " << test.size()
            << " test images are misclassified; the " << shown
            << " the network was surest about are shown.</p><div class=\"grid\">";
  for (std::size_t k = 0; k < shown; ++k)
    miss_html << "<figure><img class=\"px\" src=\"images/misclassified_" << k
              << ".png\" alt=\"test image " << misses[k].index << "\"><figcaption>#"
              << misses[k].index << "<br>true " << misses[k].truth << ", predicted "
              << misses[k].p.label << "<br>" << fixed(100 * misses[k].p.confidence, 1)
              << " %</figcaption></figure>";
  miss_html << "</div>";

  std::ostringstream settings_html;
  settings_html << "<table>";
  for (auto const& [k, v] : run.settings)
    settings_html << "<tr><th>" << html_escape(k) << "</th><td>" << html_escape(v) << "</td></tr>";
  settings_html << "</table>";

  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ctnn report: "
       << html_escape(run.network)
       << "</title><style>body{font-family:sans-serif;margin:2em;max-width:1100px;color:#222}"
          "table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;"
          "padding:3px 8px;text-align:right}.cm td{min-width:3em}img.px{image-rendering:"
          "pixelated}.grid{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0;text-align:center;"
          "font-size:12px}.maps{display:flex}pre{background:#f6f6f6;padding:1em;overflow:auto}"
          ".kpi{font-size:1.3em}</style></head><body>\n";
  html << "<h1>" << html_escape(run.network) << "</h1><p class=\"kpi\">test accuracy <b>"
       << fixed(100 * final_eval.accuracy, 2) << " %</b> &middot; test loss "
       << fixed(final_eval.loss, 4) << " &middot; " << Net::parameter_count
       << " parameters &middot; " << fixed(rep.train_seconds, 2) << " s training &middot; "
       << static_cast<long long>(rep.samples_per_second()) << " images/s</p>\n";
  html << "<h2>Training curves</h2>";
  if (curves)
    html << "<img src=\"images/loss.svg\" alt=\"loss\"><img src=\"images/accuracy.svg\" "
            "alt=\"accuracy\"><img src=\"images/learning_rate.svg\" alt=\"learning rate\">";
  else
    html << "<p>The curves were not drawn: gnuplot is not installed (Debian package "
            "gnuplot-nox). The numbers are in steps.csv and evaluations.csv.</p>";
  html << "\n<h2>Confusion matrix (test set)</h2>" << cm.str() << "\n<h2>Most confused pairs</h2>"
       << pairs_html.str() << "\n<h2>Misclassified test images</h2>" << miss_html.str()
       << "\n<h2>First convolution's filters</h2>" << filters_html << "\n<h2>Feature maps</h2>"
       << maps_html << "\n<h2>Model</h2><pre>" << html_escape(summary<Net>())
       << "</pre>\n<h2>Settings</h2>" << settings_html.str()
       << "\n<p>Raw numbers: <a href=\"steps.csv\">steps.csv</a>, <a "
          "href=\"evaluations.csv\">evaluations.csv</a>, <a href=\"summary.json\">summary.json"
          "</a>.</p></body></html>\n";
  detail::write_text(dir / "index.html", html.str());

  std::ostringstream js;
  js << "{\"ctnn_report\": 1, \"network\": " << detail::json_string(run.network)
     << ", \"parameters\": " << Net::parameter_count
     << ", \"test_accuracy\": " << final_eval.accuracy << ", \"test_loss\": " << final_eval.loss
     << ", \"train_seconds\": " << rep.train_seconds << ", \"steps\": " << rep.position.step
     << ", \"images_per_second\": " << rep.samples_per_second() << ", \"classes\": " << classes
     << ", \"confusion\": [";
  for (std::size_t i = 0; i < final_eval.confusion.size(); ++i)
    js << (i ? ", " : "") << final_eval.confusion[i];
  js << "], \"per_class\": [";
  for (std::size_t i = 0; i < metrics.size(); ++i)
    js << (i ? ", " : "") << "{\"class\": " << metrics[i].label
       << ", \"support\": " << metrics[i].support << ", \"precision\": " << metrics[i].precision
       << ", \"recall\": " << metrics[i].recall << "}";
  js << "], \"most_confused\": [";
  for (std::size_t i = 0; i < pairs.size(); ++i)
    js << (i ? ", " : "") << "{\"true\": " << pairs[i].truth
       << ", \"predicted\": " << pairs[i].predicted << ", \"count\": " << pairs[i].count << "}";
  js << "], \"misclassified\": " << misses.size() << ", \"settings\": {";
  for (std::size_t i = 0; i < run.settings.size(); ++i)
    js << (i ? ", " : "") << detail::json_string(run.settings[i].first) << ": "
       << detail::json_string(run.settings[i].second);
  js << "}}\n";
  detail::write_text(dir / marker_file, js.str());
  return dir / "index.html";
}

}  // namespace ctnn::report
