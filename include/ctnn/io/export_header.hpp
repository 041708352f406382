// SPDX-License-Identifier: BSL-1.0
// ctnn::export_header: a trained model written as a C++ header of constant arrays, so that a
// program runs it with no weights file and no heap (ctnn::constant_model).
#pragma once

#include <ctnn/core/constant_model.hpp>
#include <ctnn/core/model.hpp>
#include <ctnn/io/detail/format.hpp>
#include <ctnn/io/error.hpp>
#include <ctnn/io/fingerprint.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace ctnn {

/// What export_header writes besides the values.
struct header_options {
  /// The namespace that holds the arrays, e.g. "my_app::weights"; each part an identifier.
  std::string namespace_name = "ctnn_weights";
  /// How the including program spells the network type, e.g. "my_app::net" or
  /// "ctnn::network<ctnn::input<4>, ctnn::dense<3>>".  The header declares `using network =
  /// <this>;`, types its arrays by it, and refuses to compile (static_assert) when that type
  /// does not lay out parameters, state and outputs as the exported one did.  Required: a
  /// type's spelling cannot be recovered from the type itself.
  std::string network;
  /// Headers the generated one includes first, as written after #include: "\"net.hpp\"" or
  /// "<my/net.hpp>"; they must declare `network`.  <ctnn/core/constant_model.hpp> and
  /// <ctnn/layers.hpp> are always included.
  std::vector<std::string> includes;
};

namespace detail::header {

// The building blocks of a generated header, public in detail so that other exporters (a
// quantised model's) write the same way: exact literals, arrays, guard, namespace, atomic write.

/// A C++ literal of v that reads back as exactly v: a hexadecimal floating literal for
/// float ("-0x1.8p+1f"), double ("0x1.8p+1") and long double ("0x1.8p+1L"), decimal for
/// integers ("-3", "255u" for unsigned types).  v must be finite.
template <class U>
std::string literal(U v) {
  static_assert(std::is_arithmetic_v<U> && !std::is_same_v<U, bool>);
  char buf[64];
  if constexpr (std::is_floating_point_v<U>) {
    const bool negative = std::signbit(v);
    // to_chars in hex is exact (the shortest digits that read back as v) and ignores locales.
    const auto r = std::to_chars(buf, buf + sizeof buf, negative ? -v : v, std::chars_format::hex);
    std::string s = (negative ? "-0x" : "0x") + std::string(buf, r.ptr);
    if constexpr (std::is_same_v<U, float>)
      s += 'f';
    else if constexpr (std::is_same_v<U, long double>)
      s += 'L';
    return s;
  } else {
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    std::string s(buf, r.ptr);
    if constexpr (std::is_unsigned_v<U>)
      s += 'u';
    else if (std::is_same_v<U, std::int64_t> && v == std::numeric_limits<U>::min())
      s = "(-9223372036854775807 - 1)";  // the literal 9223372036854775808 has no signed type
    return s;
  }
}

/// The C++ name of an element type for declarations ("float", "std::int8_t", ...).
template <class U>
constexpr char const* type_name() {
  if constexpr (std::is_same_v<U, float>)
    return "float";
  else if constexpr (std::is_same_v<U, double>)
    return "double";
  else if constexpr (std::is_same_v<U, long double>)
    return "long double";
  else if constexpr (std::is_same_v<U, std::int8_t>)
    return "std::int8_t";
  else if constexpr (std::is_same_v<U, std::uint8_t>)
    return "std::uint8_t";
  else if constexpr (std::is_same_v<U, std::int16_t>)
    return "std::int16_t";
  else if constexpr (std::is_same_v<U, std::int32_t>)
    return "std::int32_t";
  else if constexpr (std::is_same_v<U, std::uint32_t>)
    return "std::uint32_t";
  else if constexpr (std::is_same_v<U, std::int64_t>)
    return "std::int64_t";
  else if constexpr (std::is_same_v<U, std::uint64_t>)
    return "std::uint64_t";
  else
    static_assert(std::is_same_v<U, float>, "no C++ spelling for this element type");
}

/// Appends `inline constexpr std::array<Type, Extent> name = {v0, v1, ...};` with `per_line`
/// values a line; `extent` is written as given (e.g. "network::parameter_count", so that the
/// array is typed by the network) and must equal values.size().
template <class U>
void array(std::string& out, std::string_view name, std::string_view extent,
           std::span<const U> values, std::size_t per_line = 6) {
  out += "inline constexpr std::array<";
  out += type_name<U>();
  out += ", ";
  out += extent;
  out += "> ";
  out += name;
  out += " = {";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += i % per_line == 0 ? "\n    " : " ";
    out += literal(values[i]);
    out += ',';
  }
  out += values.empty() ? "};\n" : "\n};\n";
}

/// A C++ string literal holding s (quotes, backslashes and control characters escaped).
inline std::string string_literal(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o",
                    static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + '"';
}

/// Whether s is a C++ identifier (letters, digits, '_', not starting with a digit).
inline bool is_identifier(std::string_view s) noexcept {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9'))
    return false;
  for (const char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

/// Whether s is a namespace name, one or more identifiers joined by "::".
inline bool is_namespace_name(std::string_view s) {
  for (;;) {
    const auto at = s.find("::");
    if (!is_identifier(s.substr(0, at)))
      return false;
    if (at == std::string_view::npos)
      return true;
    s.remove_prefix(at + 2);
  }
}

/// The include guard of a header in namespace ns: "CTNN_GENERATED_" + ns upper-cased, "::"
/// as "_", + suffix (e.g. "_WEIGHTS_HPP").
inline std::string guard(std::string_view ns, std::string_view suffix) {
  std::string g = "CTNN_GENERATED_";
  for (const char c : ns)
    g += c == ':' ? '_' : (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return g + std::string(suffix);
}

/// Opens a generated header: a comment (each line of `about` prefixed), the guard, the
/// includes (as written after #include), and `namespace ns {`.
inline void begin(std::string& out, std::string_view about, std::string_view guard_name,
                  std::vector<std::string> const& includes, std::string_view ns) {
  // Generated lines are long: a format check of the including project leaves them alone.
  out += "// clang-format off\n// Generated by ctnn; do not edit.\n";
  std::string_view rest = about;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    out += "// ";
    out += rest.substr(0, nl);
    out += '\n';
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  }
  out += "#ifndef ";
  out += guard_name;
  out += "\n#define ";
  out += guard_name;
  out += "\n\n";
  for (auto const& inc : includes)
    out += "#include " + inc + "\n";
  out += "\nnamespace ";
  out += ns;
  out += " {\n\n";
}

/// Closes what begin opened.
inline void end(std::string& out, std::string_view guard_name, std::string_view ns) {
  out += "\n}  // namespace ";
  out += ns;
  out += "\n\n#endif  // ";
  out += guard_name;
  out += "\n// clang-format on\n";
}

/// Checks the options a header is written with; throws weights_error naming the path.
inline void check_options(std::filesystem::path const& path, std::string_view ns,
                          std::vector<std::string> const& includes) {
  if (!is_namespace_name(ns))
    throw weights_error(path.string() + ": not written: the namespace '" + std::string(ns) +
                        "' is not identifiers joined by '::'");
  for (auto const& inc : includes) {
    const bool quoted = inc.size() > 2 && inc.front() == '"' && inc.back() == '"';
    const bool angled = inc.size() > 2 && inc.front() == '<' && inc.back() == '>';
    if ((!quoted && !angled) || inc.find('\n') != std::string::npos)
      throw weights_error(path.string() + ": not written: the include '" + inc +
                          "' is not \"file\" or <file>");
  }
}

/// Writes text to path atomically (a temporary file beside it, renamed over it): a failed
/// write leaves the previous file.  Throws weights_error naming the path.
inline void write(std::filesystem::path const& path, std::string const& text) {
  detail::write_atomically(path, std::vector<std::uint8_t>(text.begin(), text.end()),
                           file_kind::header);
}

/// Whether a network spelling could be pasted into `using network = ...;` without ending the
/// declaration: no ';', braces, comment or line break.
inline bool is_type_spelling(std::string_view s) noexcept {
  if (s.find_first_not_of(" \t") == std::string_view::npos)
    return false;
  return s.find_first_of(";{}\n\r#") == std::string_view::npos &&
         s.find("//") == std::string_view::npos && s.find("/*") == std::string_view::npos;
}

template <std::size_t N>
std::string size_list(std::array<std::size_t, N> const& a) {
  std::string s;
  for (std::size_t i = 0; i < N; ++i)
    s += (i == 0 ? "" : ", ") + std::to_string(a[i]);
  return s;
}

}  // namespace detail::header

/// Writes m's parameters, state and normalization to the C++ header `path` as constant arrays:
///
///   namespace <options.namespace_name> {
///   using network = <options.network>;
///   using value_type = float;
///   inline constexpr char fingerprint[] = "float | input 1x28x28 | ...";
///   inline constexpr std::array<float, network::parameter_count> parameters = {0x1.8p-3f, ...};
///   inline constexpr std::array<float, network::state_count> state = {...};
///   inline constexpr ctnn::normalization<network::input_shape, float> normalization = {...};
///   inline constexpr ctnn::constant_model<network, float> model{parameters, state, normalization};
///   }
///
/// Values are hexadecimal floating literals, so the header's model is bit-identical to m; a
/// program that includes it calls ctnn::predict(model, sample) with no file and no heap.  The
/// header checks with static_assert that `network` lays out parameters, state and layer
/// outputs as Net does.  Written atomically (a failed export leaves the previous file); throws
/// weights_error naming the path for an unwritable path, bad options, or a model holding NaN,
/// infinite values or a non-positive normalization deviation.
template <class Net, class T>
void export_header(std::filesystem::path const& path, model<Net, T> const& m,
                   header_options const& options) {
  namespace h = detail::header;
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "ctnn::export_header writes float or double models");
  h::check_options(path, options.namespace_name, options.includes);
  if (!h::is_type_spelling(options.network))
    throw weights_error(path.string() +
                        ": not written: header_options::network must spell the network type as "
                        "the including program names it (e.g. \"my_app::net\"), got '" +
                        options.network + "'");
  if (const std::string p = detail::weights_problem(m); !p.empty())
    throw weights_error(path.string() + ": not written: " + p + "; the previous file is unchanged");

  const std::string ns = options.namespace_name;
  const std::string fp = fingerprint<Net, T>();
  const std::string g = h::guard(ns, "_HPP");
  std::vector<std::string> includes = {"<ctnn/core/constant_model.hpp>", "<ctnn/layers.hpp>",
                                       "<array>"};
  includes.insert(includes.end(), options.includes.begin(), options.includes.end());

  std::string out;
  h::begin(out,
           "The parameters, state and normalization of a ctnn model as constant arrays.\n"
           "Network: " +
               fp,
           g, includes, ns);
  const std::string type = h::type_name<T>();
  out += "using network = " + options.network + ";\n";
  out += "using value_type = " + type + ";\n";
  out += "inline constexpr char fingerprint[] = " + h::string_literal(fp) + ";\n\n";
  // The spelled type must be the exported network, layer by layer: same parameter and state
  // offsets and the same output sizes (a different type would read the arrays wrongly).
  using chain = typename Net::chain_type;
  out += "static_assert(network::parameter_offsets == std::array<std::size_t, " +
         std::to_string(chain::param_offsets.size()) + ">{" + h::size_list(chain::param_offsets) +
         "},\n" + "              \"" + ns +
         "::network is not the network these weights were exported from (parameters)\");\n";
  out += "static_assert(network::state_offsets == std::array<std::size_t, " +
         std::to_string(chain::state_offsets.size()) + ">{" + h::size_list(chain::state_offsets) +
         "},\n" + "              \"" + ns +
         "::network is not the network these weights were exported from (state)\");\n";
  out += "static_assert(network::chain_type::output_offsets == std::array<std::size_t, " +
         std::to_string(chain::output_offsets.size()) + ">{" + h::size_list(chain::output_offsets) +
         "},\n" + "              \"" + ns +
         "::network is not the network these weights were exported from (layer outputs)\");\n\n";
  h::array(out, "parameters", "network::parameter_count", std::span<const T>(m.parameters));
  h::array(out, "state", "network::state_count", std::span<const T>(m.state));
  const std::string norm = "ctnn::normalization<network::input_shape, " + type + ">";
  h::array(out, "normalization_mean", norm + "::groups", std::span<const T>(m.normalization.mean));
  h::array(out, "normalization_stddev", norm + "::groups",
           std::span<const T>(m.normalization.stddev));
  out +=
      "inline constexpr " + norm + " normalization{normalization_mean, normalization_stddev};\n\n";
  out += "/// The model: ctnn::predict(model, sample), ctnn::classify(model, sample).\n";
  out += "inline constexpr ctnn::constant_model<network, " + type +
         "> model{parameters, state, normalization};\n";
  h::end(out, g, ns);
  h::write(path, out);
}

}  // namespace ctnn
