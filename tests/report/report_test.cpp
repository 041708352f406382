// SPDX-License-Identifier: BSL-1.0
#include <ctnn/report/report.hpp>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/fit.hpp>
#include <ctnn/train/init.hpp>

#include "support/synthetic.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

using namespace ctnn;
using Catch::Matchers::Contains;

namespace {
using net = network<input<1, 8, 8>, conv2d<4, 3>, relu, max_pool<2>, flatten, dense<4>>;

std::string slurp(std::filesystem::path const& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

struct fixture {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("ctnn_report_test_" + std::to_string(::getpid()));
  dataset<shape<1, 8, 8>> train = test::quadrant_images(512, 1),
                          test = test::quadrant_images(128, 2);
  std::unique_ptr<model<net>> m = std::make_unique<model<net>>();
  training_report rep;
  evaluation ev;
  trainer<net, 32> tr{1};
  fixture() {
    std::filesystem::remove_all(dir);
    initializer init(init_scheme::he_normal, 1);
    m->initialize(init);
    adam<net::parameter_count> opt;
    fit_options o;
    o.batch = 32;
    o.eval_every = 4;
    o.validation = &test;
    rep = tr.fit(*m, opt, softmax_cross_entropy{}, train, o);
    ev = tr.evaluate(*m, softmax_cross_entropy{}, test);
  }
  ~fixture() { std::filesystem::remove_all(dir); }
};
}  // namespace

TEST_CASE("a report holds every picture its page shows and the raw numbers", "[report]") {
  fixture f;
  report::run_description d{.network = "small",
                            .settings = {{"epochs", "1"}},
                            .feature_sample = 3,
                            .misclassified_shown = 10};
  const auto index = report::write_report<net>(f.dir, *f.m, f.test, f.rep, f.ev, d);
  const std::string html = slurp(index);
  CHECK_THAT(html, Contains("Confusion matrix"));
  CHECK_THAT(html, Contains("conv2d&lt;4,3&gt;"));  // the summary, escaped
  // Every referenced file exists.
  // (a plain search: <regex> trips GCC 12's -Wmaybe-uninitialized in the sanitizer build)
  std::size_t images = 0;
  for (auto at = html.find("src=\""); at != std::string::npos; at = html.find("src=\"", at)) {
    at += 5;
    const auto end = html.find('"', at);
    CHECK(std::filesystem::exists(f.dir / html.substr(at, end - at)));
    ++images;
  }
  // input + 5 layers' maps + filters, at least
  CHECK(images >= 7);
  // feature maps: one per layer, and the first convolution's filters 4 tiles of 3x3 zoomed 16x
  for (int i = 0; i < 5; ++i)
    CHECK(std::filesystem::exists(f.dir / "images" / ("feature_" + std::to_string(i) + ".png")));
  const auto filters = report::read_png(f.dir / "images" / "filters.png");
  CHECK(filters.width == 4 * 3 * 16 + 3 * 2);
  CHECK(filters.height == 3 * 16);
  // The numbers: one CSV row per step and per evaluation, the confusion matrix in JSON.
  const std::string steps = slurp(f.dir / "steps.csv");
  CHECK(std::count(steps.begin(), steps.end(), '\n') == 1 + static_cast<long>(f.rep.steps.size()));
  const std::string evals = slurp(f.dir / "evaluations.csv");
  CHECK(std::count(evals.begin(), evals.end(), '\n') ==
        1 + static_cast<long>(f.rep.evaluations.size()));
  const std::string js = slurp(f.dir / "summary.json");
  std::ostringstream cm;
  for (std::size_t i = 0; i < f.ev.confusion.size(); ++i)
    cm << (i ? ", " : "") << f.ev.confusion[i];
  CHECK_THAT(js, Contains("\"confusion\": [" + cm.str() + "]"));
  CHECK_THAT(js, Contains("\"epochs\": \"1\""));
  // The misclassified images shown are at most the limit and match the count in the page.
  std::size_t misses = 0;
  for (std::size_t t = 0; t < 4; ++t)
    for (std::size_t p = 0; p < 4; ++p)
      misses += t == p ? 0 : f.ev.confusion[t * 4 + p];
  CHECK_THAT(js, Contains("\"misclassified\": " + std::to_string(misses)));
  CHECK(std::filesystem::exists(f.dir / "images" / "misclassified_0.png") == (misses > 0));
  CHECK_FALSE(std::filesystem::exists(f.dir / "images" / "misclassified_10.png"));
}

TEST_CASE("a report replaces an earlier report but never a folder of other files", "[report]") {
  fixture f;
  report::run_description d{.network = "small", .misclassified_shown = 5};
  report::write_report<net>(f.dir, *f.m, f.test, f.rep, f.ev, d);
  CHECK_NOTHROW(report::write_report<net>(f.dir, *f.m, f.test, f.rep, f.ev, d));

  const auto other = f.dir / "other";
  std::filesystem::create_directories(other);
  std::ofstream(other / "notes.txt") << "mine";
  CHECK_THROWS_WITH(report::prepare_directory(other), Contains("other files in it"));
  CHECK(slurp(other / "notes.txt") == "mine");
  std::ofstream(f.dir / "file") << "x";
  CHECK_THROWS_WITH(report::prepare_directory(f.dir / "file"), Contains("not a folder"));
}

TEST_CASE("a report written in two steps (draw_network, then write_report) is the same report",
          "[report]") {
  fixture f;
  report::run_description d{.network = "small", .feature_sample = 5, .misclassified_shown = 6};
  const auto one = f.dir / "one", two = f.dir / "two";
  report::write_report<net>(one, *f.m, f.test, f.rep, f.ev, d);
  report::prepare_directory(two);
  const report::network_sections drawn = report::draw_network(two, *f.m, f.test, d);
  CHECK(drawn.parameter_count == net::parameter_count);
  CHECK(drawn.network_summary == summary<net>());
  report::write_report(two, drawn, f.rep, f.ev, d);
  std::size_t files = 0;
  for (auto const& e : std::filesystem::recursive_directory_iterator(one)) {
    if (!e.is_regular_file())
      continue;
    const auto rel = std::filesystem::relative(e.path(), one);
    INFO(rel.string());
    CHECK(slurp(two / rel) == slurp(e.path()));
    ++files;
  }
  CHECK(files >= 10);  // page, CSVs, summary.json, input, 5 feature maps, filters
}

TEST_CASE("a report names classes by name and draws curves in any folder", "[report]") {
  fixture f;
  // A folder name a shell would split or unquote: gnuplot gets it through an argument vector.
  const auto dir = f.dir / "it's a \"report\" $HOME";
  report::run_description d{.network = "named",
                            .misclassified_shown = 5,
                            .class_names = {"north-east", "north-west", "south-west", "south"}};
  report::write_report<net>(dir, *f.m, f.test, f.rep, f.ev, d);
  const std::string html = slurp(dir / "index.html");
  CHECK_THAT(html, Contains("<th>north-west</th>"));
  CHECK_THAT(html, Contains("label south") || Contains("label north"));
  CHECK_THAT(
      slurp(dir / "summary.json"),
      Contains("\"class_names\": [\"north-east\", \"north-west\", \"south-west\", \"south\"]"));
  // Curves when gnuplot is installed (CI installs gnuplot-nox), else a page that says why.
  if (std::filesystem::exists("/usr/bin/gnuplot")) {
    CHECK(std::filesystem::exists(dir / "images" / "loss.svg"));
    CHECK(std::filesystem::exists(dir / "images" / "learning_rate.svg"));
  } else {
    CHECK_THAT(html, Contains("gnuplot is not installed"));
  }
}

TEST_CASE("the filters drawn are those of the first layer that declares them", "[report]") {
  using dense_only = network<input<4>, dense<3>, relu, dense<2>>;
  STATIC_REQUIRE(report::first_filter_layer_v<net> == 0);
  STATIC_REQUIRE(report::first_filter_layer_v<dense_only> == dense_only::layer_count);
  using later = network<input<1, 6, 6>, max_pool<2>, conv2d<2, 2>, flatten, dense<2>>;
  STATIC_REQUIRE(report::first_filter_layer_v<later> == 1);
  const auto dir = std::filesystem::temp_directory_path() / "ctnn_report_filters_test";
  std::filesystem::create_directories(dir / "images");
  const auto m = std::make_unique<model<dense_only>>();
  CHECK_THAT(report::filters_section(dir, *m).html, Contains("no layer with filters"));
  std::filesystem::remove_all(dir);
}
