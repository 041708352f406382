// SPDX-License-Identifier: BSL-1.0
// Grey PNG files through libpng's simplified API (no setjmp/longjmp error handling needed).
#pragma once

#include <ctnn/report/analysis.hpp>

#include <png.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace ctnn::report {

/// A report could not be written (or read back).
struct report_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline void write_png(std::filesystem::path const& path, gray_image const& img) {
  if (img.pixels.size() != img.width * img.height || img.width == 0)
    throw report_error(path.string() + ": empty or inconsistent image");
  png_image p{};
  p.version = PNG_IMAGE_VERSION;
  p.width = static_cast<png_uint_32>(img.width);
  p.height = static_cast<png_uint_32>(img.height);
  p.format = PNG_FORMAT_GRAY;
  if (!png_image_write_to_file(&p, path.string().c_str(), 0, img.pixels.data(),
                               static_cast<png_int_32>(img.width), nullptr))
    throw report_error(path.string() + ": cannot write PNG (" + p.message + ")");
}

inline gray_image read_png(std::filesystem::path const& path) {
  png_image p{};
  p.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&p, path.string().c_str()))
    throw report_error(path.string() + ": not a readable PNG (" + p.message + ")");
  p.format = PNG_FORMAT_GRAY;
  gray_image img;
  img.width = p.width;
  img.height = p.height;
  img.pixels.resize(PNG_IMAGE_SIZE(p));
  if (!png_image_finish_read(&p, nullptr, img.pixels.data(), 0, nullptr))
    throw report_error(path.string() + ": corrupt PNG (" + p.message + ")");
  return img;
}

}  // namespace ctnn::report
