// SPDX-License-Identifier: BSL-1.0
// The page of a report: sections of HTML put together in one index.html, and the small text
// helpers every section uses.
#pragma once

#include <ctnn/report/png.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>

namespace ctnn::report {

/// One part of a report's page: a heading and the HTML under it.
struct section {
  std::string title;
  std::string html;
};

/// Text as HTML: the five characters that mean something there are escaped.
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
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// Text as a JSON string (quotes and backslashes escaped, control characters dropped).
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

/// v with `digits` digits after the point.
inline std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

/// Writes (replaces) a text file; throws report_error naming it when that fails.
inline void write_text(std::filesystem::path const& p, std::string const& text) {
  std::ofstream f(p, std::ios::trunc);
  f << text;
  f.close();
  if (!f)
    throw report_error(p.string() + ": cannot write");
}

/// Writes `path` (an index.html) as one page: a title, a headline paragraph (HTML) and the
/// sections in order.  The page needs nothing but the files beside it (it opens offline).
inline void write_page(std::filesystem::path const& path, std::string const& title,
                       std::string const& headline_html, std::span<const section> sections) {
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
       << html_escape(title)
       << "</title><style>body{font-family:sans-serif;margin:2em;max-width:1100px;color:#222}"
          "table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;"
          "padding:3px 8px;text-align:right}.cm td{min-width:3em}img.px{image-rendering:"
          "pixelated}.grid{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0;text-align:center;"
          "font-size:12px}.maps{display:flex}pre{background:#f6f6f6;padding:1em;overflow:auto}"
          ".kpi{font-size:1.3em}</style></head><body>\n<h1>"
       << html_escape(title) << "</h1><p class=\"kpi\">" << headline_html << "</p>\n";
  for (auto const& s : sections)
    html << "<h2>" << html_escape(s.title) << "</h2>" << s.html << "\n";
  html << "</body></html>\n";
  write_text(path, html.str());
}

}  // namespace ctnn::report
