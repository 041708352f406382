// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core/predict.hpp>
#include <ctnn/report/analysis.hpp>
#include <ctnn/report/png.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <filesystem>
#include <vector>

using namespace ctnn::report;

TEST_CASE("precision and recall per class from a confusion matrix", "[report]") {
  // rows: true class; columns: predicted
  const std::array<std::size_t, 9> cm{8, 2, 0,  //
                                      1, 5, 4,  //
                                      0, 0, 0};
  const auto m = per_class(cm, 3);
  REQUIRE(m.size() == 3);
  CHECK(m[0].support == 10);
  CHECK(m[0].predicted == 9);
  CHECK(m[0].recall == Approx(0.8));
  CHECK(m[0].precision == Approx(8.0 / 9));
  CHECK(m[1].recall == Approx(0.5));
  CHECK(m[1].precision == Approx(5.0 / 7));
  CHECK(m[2].support == 0);
  CHECK(m[2].predicted == 4);
  CHECK(m[2].recall == 0);  // undefined: no samples
  CHECK(m[2].precision == 0);
  CHECK_THROWS(per_class(std::span<const std::size_t>(cm).first(8), 3));
}

TEST_CASE("the most confused pairs are the largest off-diagonal cells", "[report]") {
  const std::array<std::size_t, 9> cm{50, 3,  7,  //
                                      7,  40, 0,  //
                                      1,  9,  30};
  const auto p = most_confused(cm, 3, 3);
  REQUIRE(p.size() == 3);
  CHECK(p[0] == confused_pair{2, 1, 9});
  CHECK(p[1] == confused_pair{0, 2, 7});  // ties keep row-major order
  CHECK(p[2] == confused_pair{1, 0, 7});
  CHECK(most_confused(cm, 3, 100).size() == 5);  // the empty cell is left out
}

TEST_CASE("prediction and confidence are the softmax maximum", "[report]") {
  const std::array<float, 3> z{1.0f, 3.0f, 2.0f};
  const auto p = ctnn::top_class(std::span<const float>(z));
  CHECK(p.label == 1);
  const double e = std::exp(1.0) + std::exp(3.0) + std::exp(2.0);
  CHECK(p.confidence == Approx(std::exp(3.0) / e));
}

TEST_CASE("to_gray8 maps the smallest value to 0 and the largest to 255", "[report]") {
  const std::array<float, 4> v{-2.0f, 0.0f, 2.0f, 1.0f};
  const auto g = to_gray8<float>(v);
  CHECK(g == std::vector<std::uint8_t>{0, 128, 255, 191});
  const std::array<float, 3> flat{0.3f, 0.3f, 0.3f};
  CHECK(to_gray8<float>(flat) == std::vector<std::uint8_t>{128, 128, 128});
}

TEST_CASE("montage tiles channels with gaps and zoom", "[report]") {
  // 3 channels of 2x2, 2 per row, zoom 2, gap 1 -> 2 tiles wide, 2 rows.
  std::vector<float> maps{0, 1, 2, 3,  // channel 0
                          5, 5, 5, 5,  // channel 1: constant
                          3, 2, 1, 0};
  const auto img = montage<float>(maps, 3, 2, 2, 2, 2, 1);
  CHECK(img.width == 2 * 4 + 1);
  CHECK(img.height == 2 * 4 + 1);
  CHECK(img.at(0, 0) == 0);    // channel 0, value 0
  CHECK(img.at(1, 1) == 0);    // zoomed copy of the same value
  CHECK(img.at(3, 3) == 255);  // channel 0, value 3
  CHECK(img.at(4, 0) == 255);  // the gap is white
  CHECK(img.at(5, 0) == 128);  // channel 1 is constant: mid-grey
  CHECK(img.at(0, 5) == 255);  // channel 2 starts the second row: value 3 is its largest
  CHECK(img.at(8, 8) == 255);  // no fourth channel: white
  CHECK_THROWS(montage<float>(maps, 4, 2, 2, 2));
}

TEST_CASE("PNG files written through libpng read back pixel for pixel", "[report]") {
  gray_image img{5, 3, {}};
  for (std::size_t i = 0; i < 15; ++i)
    img.pixels.push_back(static_cast<std::uint8_t>(17 * i));
  const auto path = std::filesystem::temp_directory_path() / "ctnn_png_roundtrip.png";
  write_png(path, img);
  const auto back = read_png(path);
  CHECK(back.width == 5);
  CHECK(back.height == 3);
  CHECK(back.pixels == img.pixels);
  std::filesystem::remove(path);
  CHECK_THROWS_AS(read_png(path), report_error);
  CHECK_THROWS_AS(write_png(path, gray_image{}), report_error);
}
