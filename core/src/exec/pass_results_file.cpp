#include "dc/core/exec/pass_results_file.h"

#include "catalog/calibration_json.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace dc::core {

// ordered_json keeps the writer's key order, so the file reads top-down with "counts" and "complete" last.
using ojson = nlohmann::ordered_json;

namespace {

constexpr const char* kFormat = "drivecurator-pass-results";
constexpr int kFormatVersion = 1;

// A problem at a named place inside the file ("labels[3].center"); the caller prefixes the file name.
struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw FieldError(where.empty() ? what : where + ": " + what);
}

std::string at(const std::string& where, const char* key) { return where.empty() ? key : where + "." + key; }
std::string item(const char* list, std::size_t i) { return std::string(list) + "[" + std::to_string(i) + "]"; }

// ---- writing -------------------------------------------------------------------------------------------------

// JSON has no NaN or infinity; nlohmann would write null for both and lose the sign of an infinity.
ojson number_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

ojson optional_id(const std::optional<std::int64_t>& id) { return id ? ojson(*id) : ojson(nullptr); }

// Embedded JSON text becomes a JSON value in the file, so a reader sees structure, not an escaped string.
ojson embedded(const std::string& text, const std::string& where) {
  ojson value;
  try {
    value = ojson::parse(text);
  } catch (const std::exception& e) {
    fail(where, std::string("is not JSON text: ") + e.what());
  }
  if (!value.is_object() && !value.is_array()) fail(where, "must be a JSON object or array, got " + text);
  return value;
}

ojson finding_json(const Finding& f, const std::string& where) {
  return {{"id", f.id},
          {"check", f.check},
          {"severity", to_string(f.severity)},
          {"start_ns", f.start_ns},
          {"end_ns", f.end_ns},
          {"sample_key", f.sample_key},
          {"sensor", f.sensor},
          {"message", f.message},
          {"details", embedded(f.details_json, at(where, "details_json"))},
          {"review", to_string(f.review)}};
}

ojson label_json(const BoxLabel& b) {
  ojson bbox = ojson::array();
  for (double v : b.bbox2d) bbox.push_back(number_value(v));
  return {{"id", b.id},
          {"frame_index", b.frame_index},
          {"timestamp_ns", b.timestamp_ns},
          {"center", {number_value(b.center.x()), number_value(b.center.y()), number_value(b.center.z())}},
          {"length", number_value(b.length)},
          {"width", number_value(b.width)},
          {"height", number_value(b.height)},
          {"yaw", number_value(b.yaw)},
          {"category", b.category},
          {"track_id", b.track_id},
          {"score", number_value(b.score)},
          {"source", to_string(b.source)},
          {"source_name", b.source_name},
          {"review", to_string(b.review)},
          {"revision", b.revision},
          {"deleted", b.deleted},
          {"run_id", optional_id(b.run_id)},
          {"truncated", number_value(b.truncated)},
          {"truncation_state", b.truncation_state},
          {"occlusion", b.occlusion},
          {"alpha", number_value(b.alpha)},
          {"bbox2d", bbox}};
}

// The catalog's own calibration form goes under "data"; the columns the catalog keeps beside it go beside it here.
ojson calibration_json(const Calibration& c, const std::string& where) {
  return {{"valid_from_ns", c.valid_from_ns},
          {"valid_to_ns", c.valid_to_ns},
          {"source", to_string(c.source)},
          {"run_id", optional_id(c.run_id)},
          {"data", embedded(calibration_to_json(c), at(where, "data"))}};
}

ojson metric_json(const SampleMetric& m) {
  return {{"name", m.name},
          {"sensor", m.sensor},
          {"sample_key", m.sample_key},
          {"timestamp_ns", m.timestamp_ns},
          {"value", number_value(m.value)}};
}

ojson evaluation_json(const Evaluation& e, const std::string& where) {
  return {{"id", e.id},
          {"run_id", optional_id(e.run_id)},
          {"drive_id", e.drive_id},
          {"created_ns", e.created_ns},
          {"predicted", e.predicted},
          {"reference", e.reference},
          {"parameters", embedded(e.parameters_json, at(where, "parameters_json"))},
          {"summary", embedded(e.summary_json, at(where, "summary_json"))},
          {"curves", embedded(e.curves_json, at(where, "curves_json"))}};
}

template <typename T, typename F>
ojson list_json(const std::vector<T>& items, const char* name, F&& one) {
  ojson list = ojson::array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    if constexpr (std::is_invocable_v<F, const T&, const std::string&>)
      list.push_back(one(items[i], item(name, i)));
    else
      list.push_back(one(items[i]));
  }
  return list;
}

ojson file_json(const PassResultsFile& f) {
  const PassResult& r = f.result;
  ojson j;
  j["format"] = kFormat;
  j["format_version"] = kFormatVersion;
  j["pass"] = f.pass;
  j["pass_version"] = f.pass_version;
  j["parameters"] = embedded(f.parameters_json, "parameters_json");
  j["run_id"] = f.run_id;
  j["drive_id"] = f.drive_id;
  j["drive_name"] = f.drive_name;
  j["drive_root"] = f.drive_root;
  j["first_sample"] = f.first_sample;
  j["end_sample"] = f.end_sample;
  j["host"] = f.host;
  j["device"] = f.device;
  j["started_ns"] = f.started_ns;
  j["finished_ns"] = f.finished_ns;
  j["findings"] = list_json(r.findings, "findings", finding_json);
  j["labels"] = list_json(r.labels, "labels", label_json);
  j["calibrations"] = list_json(r.calibrations, "calibrations", calibration_json);
  j["metrics"] = list_json(r.metrics, "metrics", metric_json);
  j["evaluations"] = list_json(r.evaluations, "evaluations", evaluation_json);
  // Last: a reader checks both, so a file that lost items but still parses is not taken as complete.
  j["counts"] = {{"findings", r.findings.size()},
                 {"labels", r.labels.size()},
                 {"calibrations", r.calibrations.size()},
                 {"metrics", r.metrics.size()},
                 {"evaluations", r.evaluations.size()}};
  j["complete"] = true;
  return j;
}

std::string compact(const ojson& v) { return v.dump(-1, ' ', false, ojson::error_handler_t::replace); }

// One top-level field, and one list item, per line: small, and still readable with grep and less on a cluster node.
// replace: one bad byte in a message must not cost a cluster task all its results.
std::string file_text(const ojson& j) {
  std::string out = "{";
  const char* separator = "\n";
  for (const auto& [key, value] : j.items()) {
    out += separator;
    separator = ",\n";
    out += " " + compact(ojson(key)) + ": ";
    if (!value.is_array() || value.empty()) {
      out += compact(value);
      continue;
    }
    const char* item_separator = "[\n  ";
    for (const auto& element : value) {
      out += item_separator + compact(element);
      item_separator = ",\n  ";
    }
    out += "\n ]";
  }
  return out + "\n}\n";
}

std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("cannot write: " + errno_text());
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

// ---- reading -------------------------------------------------------------------------------------------------

const ojson& field(const ojson& obj, const std::string& where, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end()) fail(at(where, key), "missing");
  return *it;
}

[[noreturn]] void wrong_type(const std::string& where, const char* expected, const ojson& v) {
  fail(where, std::string("expected ") + expected + ", got " + v.type_name() + " " + v.dump().substr(0, 40));
}

std::string text_field(const ojson& obj, const std::string& where, const char* key) {
  const ojson& v = field(obj, where, key);
  if (!v.is_string()) wrong_type(at(where, key), "a string", v);
  return v.get<std::string>();
}

std::int64_t integer_value(const ojson& v, const std::string& where) {
  if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      fail(where, "integer out of range: " + v.dump());
    return static_cast<std::int64_t>(v.get<std::uint64_t>());
  }
  if (!v.is_number_integer()) wrong_type(where, "an integer", v);
  return v.get<std::int64_t>();
}

std::int64_t integer_field(const ojson& obj, const std::string& where, const char* key) {
  return integer_value(field(obj, where, key), at(where, key));
}

int int_field(const ojson& obj, const std::string& where, const char* key) {
  const std::int64_t v = integer_field(obj, where, key);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    fail(at(where, key), "integer out of range: " + std::to_string(v));
  return static_cast<int>(v);
}

std::optional<std::int64_t> optional_id_field(const ojson& obj, const std::string& where, const char* key) {
  const ojson& v = field(obj, where, key);
  if (v.is_null()) return std::nullopt;
  if (!v.is_number_integer()) wrong_type(at(where, key), "an integer or null", v);
  return integer_value(v, at(where, key));
}

double number_of(const ojson& v, const std::string& where) {
  if (v.is_number()) return v.get<double>();
  if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();  // what other JSON writers make of NaN
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  wrong_type(where, "a number (or \"NaN\", \"Infinity\", \"-Infinity\")", v);
}

double number_field(const ojson& obj, const std::string& where, const char* key) {
  return number_of(field(obj, where, key), at(where, key));
}

const ojson& numbers_field(const ojson& obj, const std::string& where, const char* key, std::size_t count) {
  const ojson& v = field(obj, where, key);
  if (!v.is_array() || v.size() != count) wrong_type(at(where, key), (std::to_string(count) + " numbers").c_str(), v);
  return v;
}

bool flag_field(const ojson& obj, const std::string& where, const char* key) {
  const ojson& v = field(obj, where, key);
  if (!v.is_boolean()) wrong_type(at(where, key), "true or false", v);
  return v.get<bool>();
}

std::string embedded_field(const ojson& obj, const std::string& where, const char* key) {
  const ojson& v = field(obj, where, key);
  if (!v.is_object() && !v.is_array()) wrong_type(at(where, key), "a JSON object", v);
  return v.dump();
}

// The model's *_from_string functions throw std::invalid_argument; name the field in the message.
template <typename F>
auto enum_field(const ojson& obj, const std::string& where, const char* key, F&& from_string) {
  const std::string text = text_field(obj, where, key);
  try {
    return from_string(text);
  } catch (const std::exception& e) {
    fail(at(where, key), "unknown value \"" + text + "\" (" + e.what() + ")");
  }
}

void require_object(const ojson& v, const std::string& where) {
  if (!v.is_object()) wrong_type(where, "an object", v);
}

Finding finding_of(const ojson& j, const std::string& w) {
  require_object(j, w);
  Finding f;
  f.id = integer_field(j, w, "id");
  f.check = text_field(j, w, "check");
  f.severity = enum_field(j, w, "severity", severity_from_string);
  f.start_ns = integer_field(j, w, "start_ns");
  f.end_ns = integer_field(j, w, "end_ns");
  f.sample_key = integer_field(j, w, "sample_key");
  f.sensor = text_field(j, w, "sensor");
  f.message = text_field(j, w, "message");
  f.details_json = embedded_field(j, w, "details");
  f.review = enum_field(j, w, "review", review_state_from_string);
  return f;
}

BoxLabel label_of(const ojson& j, const std::string& w) {
  require_object(j, w);
  BoxLabel b;
  b.id = integer_field(j, w, "id");
  b.frame_index = integer_field(j, w, "frame_index");
  b.timestamp_ns = integer_field(j, w, "timestamp_ns");
  const ojson& c = numbers_field(j, w, "center", 3);
  for (int k = 0; k < 3; ++k) b.center[k] = number_of(c[k], at(w, "center") + "[" + std::to_string(k) + "]");
  b.length = number_field(j, w, "length");
  b.width = number_field(j, w, "width");
  b.height = number_field(j, w, "height");
  b.yaw = number_field(j, w, "yaw");
  b.category = text_field(j, w, "category");
  b.track_id = text_field(j, w, "track_id");
  b.score = number_field(j, w, "score");
  b.source = enum_field(j, w, "source", label_source_from_string);
  b.source_name = text_field(j, w, "source_name");
  b.review = enum_field(j, w, "review", review_state_from_string);
  b.revision = int_field(j, w, "revision");
  b.deleted = flag_field(j, w, "deleted");
  b.run_id = optional_id_field(j, w, "run_id");
  b.truncated = number_field(j, w, "truncated");
  b.truncation_state = int_field(j, w, "truncation_state");
  b.occlusion = int_field(j, w, "occlusion");
  b.alpha = number_field(j, w, "alpha");
  const ojson& box = numbers_field(j, w, "bbox2d", 4);
  for (int k = 0; k < 4; ++k) b.bbox2d[k] = number_of(box[k], at(w, "bbox2d") + "[" + std::to_string(k) + "]");
  return b;
}

Calibration calibration_of(const ojson& j, const std::string& w) {
  require_object(j, w);
  const ojson& data = field(j, w, "data");
  require_object(data, at(w, "data"));
  Calibration c;
  try {
    c = calibration_from_json(data.dump());
  } catch (const std::exception& e) {
    fail(at(w, "data"), std::string("not a calibration: ") + e.what());
  }
  c.valid_from_ns = integer_field(j, w, "valid_from_ns");
  c.valid_to_ns = integer_field(j, w, "valid_to_ns");
  c.source = enum_field(j, w, "source", calibration_source_from_string);
  c.run_id = optional_id_field(j, w, "run_id");
  return c;
}

SampleMetric metric_of(const ojson& j, const std::string& w) {
  require_object(j, w);
  SampleMetric m;
  m.name = text_field(j, w, "name");
  m.sensor = text_field(j, w, "sensor");
  m.sample_key = integer_field(j, w, "sample_key");
  m.timestamp_ns = integer_field(j, w, "timestamp_ns");
  m.value = number_field(j, w, "value");
  return m;
}

Evaluation evaluation_of(const ojson& j, const std::string& w) {
  require_object(j, w);
  Evaluation e;
  e.id = integer_field(j, w, "id");
  e.run_id = optional_id_field(j, w, "run_id");
  e.drive_id = integer_field(j, w, "drive_id");
  e.created_ns = integer_field(j, w, "created_ns");
  e.predicted = text_field(j, w, "predicted");
  e.reference = text_field(j, w, "reference");
  e.parameters_json = embedded_field(j, w, "parameters");
  e.summary_json = embedded_field(j, w, "summary");
  e.curves_json = embedded_field(j, w, "curves");
  return e;
}

template <typename T>
std::vector<T> list_of(const ojson& j, const char* name, T (*one)(const ojson&, const std::string&)) {
  const ojson& list = field(j, "", name);
  std::vector<T> out;
  out.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) out.push_back(one(list[i], item(name, i)));
  return out;
}

// Checked before any item is read: a file that was not finished, or lost items, says so rather than failing on
// whatever field happens to come first.
void check_envelope(const ojson& j) {
  if (!j.is_object()) wrong_type("", "a pass results file (a JSON object)", j);
  const auto format = j.find("format");
  if (format == j.end()) fail("format", "missing: not a pass results file");
  if (!format->is_string() || format->get<std::string>() != kFormat)
    fail("format", std::string("expected \"") + kFormat + "\", got " + format->dump().substr(0, 60));
  const std::int64_t version = integer_field(j, "", "format_version");
  if (version != kFormatVersion)
    fail("format_version", std::to_string(version) + " is not supported (this reader reads " +
                               std::to_string(kFormatVersion) + ")");
  const auto complete = j.find("complete");
  if (complete == j.end()) fail("complete", "missing: the file was not finished (truncated?)");
  if (!complete->is_boolean() || !complete->get<bool>()) fail("complete", "expected true, got " + complete->dump());
  const ojson& counts = field(j, "", "counts");
  require_object(counts, "counts");
  for (const char* list : {"findings", "labels", "calibrations", "metrics", "evaluations"}) {
    const ojson& items = field(j, "", list);
    if (!items.is_array()) wrong_type(list, "an array", items);
    const std::int64_t expected = integer_field(counts, "counts", list);
    if (expected != static_cast<std::int64_t>(items.size()))
      fail(at("counts", list), "says " + std::to_string(expected) + " but the file has " +
                                   std::to_string(items.size()) + " " + list + " (truncated or damaged)");
  }
}

PassResultsFile file_of(const ojson& j) {
  check_envelope(j);
  PassResultsFile f;
  f.pass = text_field(j, "", "pass");
  f.pass_version = text_field(j, "", "pass_version");
  f.parameters_json = embedded_field(j, "", "parameters");
  f.run_id = integer_field(j, "", "run_id");
  f.drive_id = integer_field(j, "", "drive_id");
  f.drive_name = text_field(j, "", "drive_name");
  f.drive_root = text_field(j, "", "drive_root");
  f.first_sample = int_field(j, "", "first_sample");
  f.end_sample = int_field(j, "", "end_sample");
  f.host = text_field(j, "", "host");
  f.device = text_field(j, "", "device");
  f.started_ns = integer_field(j, "", "started_ns");
  f.finished_ns = integer_field(j, "", "finished_ns");
  f.result.findings = list_of(j, "findings", finding_of);
  f.result.labels = list_of(j, "labels", label_of);
  f.result.calibrations = list_of(j, "calibrations", calibration_of);
  f.result.metrics = list_of(j, "metrics", metric_of);
  f.result.evaluations = list_of(j, "evaluations", evaluation_of);
  return f;
}

}  // namespace

void write_pass_results_file(const std::filesystem::path& file, const PassResultsFile& contents) {
  const std::string name = file.string();
  std::string text;
  try {
    text = file_text(file_json(contents));
  } catch (const std::exception& e) {
    throw std::runtime_error(name + ": " + e.what());
  }

  const std::filesystem::path dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  std::random_device random;
  std::filesystem::path temp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    std::ostringstream temp_name;
    temp_name << "." << file.filename().string() << ".tmp." << ::getpid() << "." << std::hex << random();
    temp = dir / temp_name.str();
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) throw std::runtime_error(name + ": cannot create a temporary file in " + dir.string() + ": " + errno_text());

  try {
    write_all(fd, text);
    if (::fsync(fd) != 0) throw std::runtime_error("cannot flush: " + errno_text());
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0) throw std::runtime_error("cannot close: " + errno_text());
    if (::rename(temp.c_str(), file.c_str()) != 0) throw std::runtime_error("cannot rename into place: " + errno_text());
  } catch (const std::exception& e) {
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    throw std::runtime_error(name + ": " + e.what());
  }

  // Make the rename itself durable; some file systems cannot fsync a folder, and the file is complete either way.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

PassResultsFile read_pass_results_file(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(name + ": cannot open: " + errno_text());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw std::runtime_error(name + ": cannot read: " + errno_text());
  const std::string text = buffer.str();
  if (text.empty()) throw std::runtime_error(name + ": empty file (truncated?)");

  ojson j;
  try {
    j = ojson::parse(text);
  } catch (const ojson::parse_error& e) {
    // nlohmann reports the byte after the last one read; at or past the end means the text stopped early.
    if (e.byte >= text.size())
      throw std::runtime_error(name + ": truncated: the JSON ends early at byte " + std::to_string(text.size()) +
                               " (" + e.what() + ")");
    throw std::runtime_error(name + ": not valid JSON: " + e.what());
  }
  try {
    return file_of(j);
  } catch (const std::exception& e) {
    throw std::runtime_error(name + ": " + e.what());
  }
}

}  // namespace dc::core
