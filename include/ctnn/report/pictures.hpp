// SPDX-License-Identifier: BSL-1.0
// The pictures of a report: misclassified test images, the filters of the first layer that
// has some, and every layer's outputs (feature maps) for one test image.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/core/predict.hpp>
#include <ctnn/core/run.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/report/analysis.hpp>
#include <ctnn/report/confusion.hpp>
#include <ctnn/report/page.hpp>
#include <ctnn/report/png.hpp>
#include <ctnn/train/fit.hpp>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace ctnn::report {

namespace detail {
/// How a sample of shape In is drawn: planes (channels) of rows x cols; a vector is one row.
template <class In>
struct picture_geometry {
  static constexpr std::size_t rank = rank_v<In>;
  static constexpr std::size_t planes = rank == 3 ? In::dims[0] : 1;
  static constexpr std::size_t rows = rank >= 2 ? In::dims[rank - 2] : 1;
  static constexpr std::size_t cols = In::dims[rank - 1];
};

template <class Net, std::size_t I>
concept has_filters = requires {
  typename Net::template layer_t<I>::template filter_shape_t<
      typename Net::template layer_input_t<I>>;
};

/// One layer's output for the feature-map pictures: channels maps of rows x cols values (an
/// output of rank 3), or else its values as one row of cells.
template <class T>
struct layer_output_picture {
  std::size_t index;
  std::string name, shape;
  bool maps;
  std::size_t channels, rows, cols;
  std::span<const T> values;
};

/// Writes images/feature_I.png for one layer and returns its HTML.
template <class T>
std::string feature_map_figure(std::filesystem::path const& dir, layer_output_picture<T> const& l) {
  const std::string file = "feature_" + std::to_string(l.index) + ".png";
  gray_image img;
  if (l.maps) {
    img = montage<T>(l.values, l.channels, l.rows, l.cols, 8, std::max<std::size_t>(1, 56 / l.rows),
                     2);
  } else {
    const std::size_t n = l.values.size();
    const gray_image row = montage<T>(l.values, 1, 1, n, 1, std::max<std::size_t>(1, 400 / n));
    img = {row.width, 24, {}};  // a vector: one row of cells, 24 pixels tall
    for (std::size_t r = 0; r < 24; ++r)
      img.pixels.insert(img.pixels.end(), row.pixels.begin(),
                        row.pixels.begin() + static_cast<std::ptrdiff_t>(row.width));
  }
  write_png(dir / "images" / file, img);
  return "<h3>layer " + std::to_string(l.index) + ": " + html_escape(l.name) + " &rarr; " +
         l.shape + "</h3><img class=\"px\" src=\"images/" + file + "\" alt=\"layer " +
         std::to_string(l.index) + "\">";
}
}  // namespace detail

/// The index of Net's first layer that declares filters (filter_shape_t, e.g. conv2d), or
/// Net::layer_count when none does.
template <class Net>
inline constexpr std::size_t first_filter_layer_v = [] {
  std::size_t found = Net::layer_count;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((found == Net::layer_count && detail::has_filters<Net, I> ? void(found = I) : void()), ...);
  }
  (std::make_index_sequence<Net::layer_count>{});
  return found;
}();

/// A misclassified section and how many samples were misclassified in all.
struct misclassified_result {
  section part;
  std::size_t misclassified = 0;
};

/// The `shown` misclassified samples of `test` the model was surest about, drawn as PNG
/// (images/misclassified_K.png) with their true and predicted classes and the confidence.
template <class Net, class T, class In>
misclassified_result misclassified_section(std::filesystem::path const& dir, model<Net, T> const& m,
                                           dataset<In, class_label> const& test, std::size_t shown,
                                           std::vector<std::string> const& names = {}) {
  using g = detail::picture_geometry<In>;
  struct miss {
    std::size_t index, truth;
    classification<T> p;
  };
  std::vector<miss> misses;
  // One sample at a time: the test images' shape may be another of the network's size.
  auto ws = make_workspace<Net, T, 1>();
  for (std::size_t i = 0; i < test.size(); ++i) {
    const auto y = predict(m, *ws, test.input(i));  // eval phase, normalised as m expects
    const auto p = top_class(std::span<const T>(y));
    if (p.label != test.label(i))
      misses.push_back({i, test.label(i), p});
  }
  std::stable_sort(misses.begin(), misses.end(),
                   [](auto const& a, auto const& b) { return a.p.confidence > b.p.confidence; });
  shown = std::min(misses.size(), shown);
  std::ostringstream html;
  html << "<p>" << misses.size() << " of " << test.size() << " test images are misclassified; the "
       << shown << " the network was surest about are shown.</p><div class=\"grid\">";
  for (std::size_t k = 0; k < shown; ++k) {
    const std::string file = "misclassified_" + std::to_string(k) + ".png";
    write_png(dir / "images" / file,
              montage<float>(std::span<const float>(test.input(misses[k].index)), g::planes,
                             g::rows, g::cols, g::planes, 3));
    html << "<figure><img class=\"px\" src=\"images/" << file << "\" alt=\"test image "
         << misses[k].index << "\"><figcaption>#" << misses[k].index << "<br>true "
         << html_escape(class_name(names, misses[k].truth)) << ", predicted "
         << html_escape(class_name(names, misses[k].p.label)) << "<br>"
         << fixed(100 * static_cast<double>(misses[k].p.confidence), 1)
         << " %</figcaption></figure>";
  }
  html << "</div>";
  return {{"Misclassified test images", html.str()}, misses.size()};
}

/// The filters of Net's first layer that declares them (filter_shape_t: [Out][C][K][K] at the
/// start of its parameters), as images/filters.png, each scaled to its own range.
template <class Net, class T>
section filters_section(std::filesystem::path const& dir, model<Net, T> const& m) {
  constexpr std::size_t at = first_filter_layer_v<Net>;
  if constexpr (at == Net::layer_count) {
    return {"Filters", "<p>This network has no layer with filters (no convolution).</p>"};
  } else {
    using layer = typename Net::template layer_t<at>;
    using filters =
        typename layer::template filter_shape_t<typename Net::template layer_input_t<at>>;
    constexpr std::size_t out = dim_v<filters, 0>, channels = dim_v<filters, 1>,
                          kh = dim_v<filters, 2>, kw = dim_v<filters, 3>;
    const std::span<const T> w(m.parameters.data() + Net::parameter_offsets[at], size_v<filters>);
    write_png(dir / "images" / "filters.png",
              montage<T>(w, out * channels, kh, kw,
                         channels > 1 ? channels : std::min<std::size_t>(out, 8),
                         std::max<std::size_t>(1, 48 / kh), 2));
    return {"Filters of layer " + std::to_string(at),
            "<p>Layer " + std::to_string(at) + " " + html_escape(layer::name()) + ": " +
                std::to_string(out) + " filters of " + to_string(shape<channels, kh, kw>{}) +
                (channels > 1 ? " (one row per filter, one tile per input channel)" : "") +
                ", each scaled to its own range (black = most negative, white = most "
                "positive).</p><img class=\"px\" src=\"images/filters.png\" alt=\"filters\">"};
  }
}

/// Every layer's output for test sample `sample` (eval phase), as images/feature_I.png.
template <class Net, class T, class In>
section feature_maps_section(std::filesystem::path const& dir, model<Net, T> const& m,
                             dataset<In, class_label> const& test, std::size_t sample,
                             std::vector<std::string> const& names = {}) {
  using g = detail::picture_geometry<In>;
  auto ws = make_workspace<Net, T, 1>();
  const auto y = predict(m, *ws, test.input(sample));  // layer_output reads ws afterwards
  const auto p = top_class(std::span<const T>(y));
  write_png(dir / "images" / "feature_input.png",
            montage<float>(std::span<const float>(test.input(sample)), g::planes, g::rows, g::cols,
                           g::planes, 4));
  std::string html = "<p>Test image " + std::to_string(sample) + ", label " +
                     html_escape(class_name(names, test.label(sample))) + ", predicted " +
                     html_escape(class_name(names, p.label)) + " (" +
                     fixed(100 * static_cast<double>(p.confidence), 1) +
                     " %). Each map is scaled to its own range.</p><div class=\"maps\"><figure>"
                     "<img class=\"px\" src=\"images/feature_input.png\" alt=\"input\">"
                     "<figcaption>input</figcaption></figure></div>";
  // Per layer only what its type says (name, shape, where its output is); the drawing is one
  // function for every layer and network.
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          using out = typename Net::template layer_output_t<I>;
          using shown = detail::picture_geometry<out>;
          html += detail::feature_map_figure<T>(
              dir, {I, Net::template layer_t<I>::name(), to_string(out{}), rank_v<out> == 3,
                    shown::planes, shown::rows, shown::cols, layer_output<I>(*ws)});
        }(),
        ...);
  }
  (std::make_index_sequence<Net::layer_count>{});
  return {"Feature maps", html};
}

}  // namespace ctnn::report
