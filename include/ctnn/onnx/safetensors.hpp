// SPDX-License-Identifier: BSL-1.0
// ctnn::save_safetensors and ctnn::load_safetensors: a model's weights under PyTorch
// state_dict names, in the safetensors format.  Needs neither libonnx nor protobuf.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/io/detail/format.hpp>
#include <ctnn/io/fingerprint.hpp>
#include <ctnn/onnx/detail/layers.hpp>
#include <ctnn/onnx/error.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ctnn {

/// How a model's tensors are named in a safetensors file.  By default they carry the
/// state_dict names of a PyTorch nn.Sequential with one module per ctnn layer ("0.weight",
/// "9.running_var"; a residual holds `branch` and `skip`: "2.branch.0.weight", "2.skip.weight").
struct safetensors_options {
  /// Put before every name, e.g. "features." for a Sequential held as `self.features`.
  std::string prefix{};
  /// Maps ctnn's name (after the prefix) to the file's, when the PyTorch module names its
  /// layers otherwise (e.g. "0.weight" -> "conv1.weight").
  std::function<std::string(std::string const&)> rename{};
  /// Tensors of the file that the network lacks are an error unless this is set (batch-norm
  /// counters, num_batches_tracked, are always ignored).
  bool allow_unused = false;
};

namespace detail::safetensors {

static_assert(std::endian::native == std::endian::little,
              "ctnn's safetensors reader copies little-endian data");

// The few JSON values a safetensors header holds: objects, arrays, strings, numbers.
struct json {
  enum class kind { null, boolean, number, string, array, object } type = kind::null;
  std::string text;               // a string's value, or a number's characters
  std::vector<json> items;        // an array's elements, or an object's values
  std::vector<std::string> keys;  // an object's members: keys[i] holds items[i]

  const json* find(std::string const& key) const {
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key)
        return &items[i];
    return nullptr;
  }
};

class json_parser {
public:
  json_parser(std::string_view text, std::string file_name) : s(text), name(std::move(file_name)) {}

  json document() {
    json v = value(0);
    space();
    if (at != s.size())
      fail("unexpected characters after the header's JSON object");
    return v;
  }

private:
  std::string_view s;
  std::string name;
  std::size_t at = 0;

  [[noreturn]] void fail(std::string const& what) const {
    throw onnx::onnx_error(name + ": not a safetensors file: header JSON at byte " +
                           std::to_string(at) + ": " + what);
  }
  void space() {
    while (at < s.size() && (s[at] == ' ' || s[at] == '\t' || s[at] == '\n' || s[at] == '\r'))
      ++at;
  }
  char peek() {
    space();
    if (at >= s.size())
      fail("ends early");
    return s[at];
  }
  void expect(char c) {
    if (peek() != c)
      fail(std::string("expected '") + c + "'");
    ++at;
  }
  json value(int depth) {
    if (depth > 16)
      fail("nested too deeply");
    json v;
    const char c = peek();
    if (c == '{') {
      v.type = json::kind::object;
      ++at;
      if (peek() == '}') {
        ++at;
        return v;
      }
      for (;;) {
        if (peek() != '"')
          fail("expected a key");
        std::string key = string();
        expect(':');
        v.items.push_back(value(depth + 1));
        v.keys.push_back(std::move(key));
        if (peek() == ',') {
          ++at;
          continue;
        }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.type = json::kind::array;
      ++at;
      if (peek() == ']') {
        ++at;
        return v;
      }
      for (;;) {
        v.items.push_back(value(depth + 1));
        if (peek() == ',') {
          ++at;
          continue;
        }
        expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.type = json::kind::string;
      v.text = string();
      return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      v.type = json::kind::number;
      const std::size_t b = at;
      while (at < s.size() && std::strchr("+-.eE0123456789", s[at]) != nullptr)
        ++at;
      v.text = std::string(s.substr(b, at - b));
      return v;
    }
    for (char const* word : {"true", "false", "null"})
      if (s.substr(at, std::strlen(word)) == word) {
        at += std::strlen(word);
        v.type = word[0] == 'n' ? json::kind::null : json::kind::boolean;
        v.text = word;
        return v;
      }
    fail("unexpected character");
  }
  std::string string() {
    ++at;  // the opening quote
    std::string out;
    while (at < s.size() && s[at] != '"') {
      char c = s[at++];
      if (static_cast<unsigned char>(c) < 0x20)
        fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at >= s.size())
        break;
      c = s[at++];
      switch (c) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        if (at + 4 > s.size())
          fail("short \\u escape");
        const unsigned long u = std::stoul(std::string(s.substr(at, 4)), nullptr, 16);
        at += 4;
        // Names are ASCII in practice; other code points are kept as UTF-8 (BMP only).
        if (u < 0x80) {
          out += static_cast<char>(u);
        } else if (u < 0x800) {
          out += static_cast<char>(0xC0 | (u >> 6));
          out += static_cast<char>(0x80 | (u & 0x3F));
        } else {
          out += static_cast<char>(0xE0 | (u >> 12));
          out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (u & 0x3F));
        }
        break;
      }
      default:
        out += c;  // \" \\ \/
      }
    }
    if (at >= s.size())
      fail("unterminated string");
    ++at;  // the closing quote
    return out;
  }
};

inline std::string quoted(std::string const& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

template <class T>
std::string joined(T const* v, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(v[i]));
    s += i ? "," : "";
    s += buf;
  }
  return s;
}

inline std::string file_name(safetensors_options const& o, std::string const& ours) {
  return o.prefix + (o.rename ? o.rename(ours) : ours);
}

inline std::uint64_t to_u64(json const& v, std::string const& file, std::string const& what) {
  if (v.type != json::kind::number || v.text.empty() || v.text.size() > 15 ||
      v.text.find_first_not_of("0123456789") != std::string::npos)
    throw onnx::onnx_error(file + ": " + what + ": expected a non-negative integer");
  return std::stoull(v.text);
}

}  // namespace detail::safetensors

/// The state_dict names of Net's tensors, in order (parameters and batch-norm statistics).
template <network_type Net>
std::vector<std::string> state_dict_names() {
  std::vector<std::string> names;
  float* none = nullptr;
  onnx::detail::for_each_tensor<typename Net::chain_type>(
      "", none, none, [&](onnx::detail::tensor_slot<float> const& t) { names.push_back(t.name); });
  return names;
}

/// Writes m's parameters and batch-norm statistics as a safetensors file (F32 for a float
/// model, F64 for double), atomically: a failed write leaves the previous file.  The metadata
/// holds the network's fingerprint and m.normalization ("ctnn.normalization.mean"/"stddev").
template <class Net, class T>
void save_safetensors(std::filesystem::path const& path, model<Net, T> const& m,
                      safetensors_options const& options = {}) {
  namespace st = detail::safetensors;
  std::string header = "{";
  std::vector<std::uint8_t> data;
  auto* params = const_cast<T*>(m.parameters.data());  // only read
  auto* state = const_cast<T*>(m.state.data());
  onnx::detail::for_each_tensor<typename Net::chain_type>(
      "", params, state, [&](onnx::detail::tensor_slot<T> const& t) {
        const std::size_t begin = data.size(), bytes = t.count * sizeof(T);
        data.resize(begin + bytes);
        std::memcpy(data.data() + begin, t.data, bytes);
        std::string shape;
        for (auto d : t.dims)
          shape += onnx::detail::cat(shape.empty() ? "" : ",", std::to_string(d));
        header += st::quoted(st::file_name(options, t.name)) + ":{\"dtype\":\"" +
                  (sizeof(T) == 4 ? "F32" : "F64") + "\",\"shape\":[" + shape +
                  "],\"data_offsets\":[" + std::to_string(begin) + "," +
                  std::to_string(begin + bytes) + "]},";
      });
  header += onnx::detail::cat("\"__metadata__\":{\"format\":\"pt\",\"ctnn.fingerprint\":",
                              st::quoted(fingerprint<Net, T>())) +
            ",\"ctnn.normalization.mean\":\"" +
            st::joined(m.normalization.mean.data(), m.normalization.mean.size()) +
            "\",\"ctnn.normalization.stddev\":\"" +
            st::joined(m.normalization.stddev.data(), m.normalization.stddev.size()) + "\"}}";
  header.append((8 - header.size() % 8) % 8, ' ');  // the data starts 8-byte aligned
  std::vector<std::uint8_t> out(8 + header.size() + data.size());
  const std::uint64_t n = header.size();
  std::memcpy(out.data(), &n, 8);
  std::memcpy(out.data() + 8, header.data(), header.size());
  if (!data.empty())
    std::memcpy(out.data() + 8 + header.size(), data.data(), data.size());
  ctnn::detail::write_atomically(path, out, ctnn::detail::file_kind::weights);
}

/// Reads a safetensors file (e.g. a PyTorch state_dict) into m: every tensor of the network
/// under its state_dict name (see safetensors_options), F32 or F64, of the same shape.  A
/// missing tensor, another shape or dtype, a tensor the network lacks (unless
/// options.allow_unused), a truncated or corrupt file: onnx_error naming the file, the
/// tensor and both sides; m is changed only when the whole file is read.  m.normalization
/// comes from the metadata ctnn writes, and is the identity otherwise.
template <class Net, class T>
void load_safetensors(std::filesystem::path const& path, model<Net, T>& m,
                      safetensors_options const& options = {}) {
  namespace st = detail::safetensors;
  const std::string name = path.string();
  const std::uint64_t most =
      (std::uint64_t{16} << 20) + 8 * sizeof(double) * (Net::parameter_count + Net::state_count);
  std::vector<std::uint8_t> bytes;
  try {
    bytes = ctnn::detail::read_file(path, most, ctnn::detail::file_kind::weights);
  } catch (weights_error const& e) {
    throw onnx::onnx_error(e.what());
  }
  auto fail = [&](std::string const& what) { throw onnx::onnx_error(name + ": " + what); };
  if (bytes.size() < 8)
    fail(onnx::detail::cat("not a safetensors file (", std::to_string(bytes.size()), " bytes)"));
  std::uint64_t n;
  std::memcpy(&n, bytes.data(), 8);
  if (n > bytes.size() - 8 || n > (std::uint64_t{100} << 20))
    fail(onnx::detail::cat("not a safetensors file, or truncated (header of ", std::to_string(n)) +
         " bytes in a file of " + std::to_string(bytes.size()) + ")");
  const std::string_view text(reinterpret_cast<const char*>(bytes.data() + 8),
                              static_cast<std::size_t>(n));
  const st::json doc = st::json_parser(text, name).document();
  if (doc.type != st::json::kind::object)
    fail("not a safetensors file: the header is not a JSON object");
  const std::uint8_t* base = bytes.data() + 8 + n;
  const std::uint64_t data_size = bytes.size() - 8 - n;

  auto fresh = make_model<Net, T>(uninitialized);
  fresh->parameters.fill(T{0});
  fresh->state.fill(T{0});
  fresh->normalization = {};
  std::map<std::string, bool> read;
  onnx::detail::for_each_tensor<typename Net::chain_type>(
      "", fresh->parameters.data(), fresh->state.data(),
      [&](onnx::detail::tensor_slot<T> const& t) {
        const std::string key = st::file_name(options, t.name);
        const st::json* e = doc.find(key);
        if (e == nullptr)
          fail("tensor \"" + key + "\" (ctnn's " + t.name + ", shape " +
               onnx::detail::dims_string(t.dims) + ") is not in the file");
        read[key] = true;
        const st::json* dtype = e->find("dtype");
        const st::json* shape = e->find("shape");
        const st::json* offsets = e->find("data_offsets");
        if (dtype == nullptr || shape == nullptr || offsets == nullptr ||
            shape->type != st::json::kind::array || offsets->type != st::json::kind::array ||
            offsets->items.size() != 2)
          fail("tensor \"" + key + "\": its header entry lacks dtype, shape or data_offsets");
        std::vector<std::int64_t> dims;
        for (auto const& d : shape->items)
          dims.push_back(static_cast<std::int64_t>(st::to_u64(d, name, "shape of " + key)));
        if (dims != t.dims)
          fail("tensor \"" + key + "\" shape: ctnn expects " + onnx::detail::dims_string(t.dims) +
               ", the file has " + onnx::detail::dims_string(dims));
        const std::size_t width = dtype->text == "F32" ? 4 : dtype->text == "F64" ? 8 : 0;
        if (width == 0)
          fail("tensor \"" + key + "\" dtype: ctnn reads F32 or F64, the file has " + dtype->text);
        const std::uint64_t b = st::to_u64(offsets->items[0], name, "data_offsets of " + key);
        const std::uint64_t end = st::to_u64(offsets->items[1], name, "data_offsets of " + key);
        if (b > end || end > data_size || end - b != t.count * width)
          fail("tensor \"" + key + "\": data_offsets [" + std::to_string(b) + ", " +
               std::to_string(end) + ") do not hold " + std::to_string(t.count) + " " +
               dtype->text + " values within the " + std::to_string(data_size) +
               " data bytes (truncated or corrupt file)");
        for (std::size_t i = 0; i < t.count; ++i) {
          double v;
          if (width == 4) {
            float f;
            std::memcpy(&f, base + b + 4 * i, 4);
            v = f;
          } else {
            std::memcpy(&v, base + b + 8 * i, 8);
          }
          if (!std::isfinite(v))
            fail("tensor \"" + key + "\" holds a NaN or infinite value");
          t.data[i] = static_cast<T>(v);
        }
      });
  for (auto const& key : doc.keys) {
    if (key == "__metadata__" || read.count(key) != 0)
      continue;
    const bool counter = key.size() >= 20 && key.ends_with("num_batches_tracked");
    if (!counter && !options.allow_unused)
      fail("tensor \"" + key + "\" of the file is not part of the ctnn network (its tensors: " +
           std::to_string(read.size()) + ", e.g. \"" +
           (read.empty() ? std::string() : read.begin()->first) + "\")");
  }
  // The input normalisation ctnn writes into the metadata.
  if (const st::json* meta = doc.find("__metadata__"); meta != nullptr)
    for (auto const& [field, values] :
         {std::pair{"ctnn.normalization.mean", &fresh->normalization.mean},
          std::pair{"ctnn.normalization.stddev", &fresh->normalization.stddev}}) {
      const st::json* v = meta->find(field);
      if (v == nullptr)
        continue;
      std::vector<double> xs;
      std::size_t at = 0;
      while (at < v->text.size()) {
        const std::size_t comma = std::min(v->text.find(',', at), v->text.size());
        char* end = nullptr;
        const std::string item = v->text.substr(at, comma - at);
        xs.push_back(std::strtod(item.c_str(), &end));
        if (end == item.c_str() || !std::isfinite(xs.back()))
          fail(std::string("metadata ") + field + ": not a list of numbers");
        at = comma + 1;
      }
      if (xs.size() != values->size())
        fail(std::string("metadata ") + field + ": " + std::to_string(xs.size()) +
             " values, the ctnn input has " + std::to_string(values->size()) + " groups");
      for (std::size_t g = 0; g < xs.size(); ++g)
        (*values)[g] = static_cast<T>(xs[g]);
    }
  for (T d : fresh->normalization.stddev)
    if (!(d > T{0}))
      fail("metadata ctnn.normalization.stddev holds a value that is not positive");
  m = *fresh;
}

}  // namespace ctnn
