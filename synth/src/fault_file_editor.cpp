#include "fault_file_editor.h"

#include <filesystem>
#include <set>
#include <stdexcept>
#include <system_error>

namespace dc::core::generator {

namespace fs = std::filesystem;

namespace {
void check(const std::error_code& ec, const std::string& what, const fs::path& file) {
  if (ec) throw std::runtime_error("cannot " + what + " " + file.string() + ": " + ec.message());
}
}  // namespace

void FaultFileEditor::apply() const {
  freeze();
  truncate();
  drop();
}

void FaultFileEditor::freeze() const {
  for (const auto& s : plan_.specs()) {
    if (s.kind != FaultKind::Frozen) continue;
    const fs::path source = writer_.data_file(s.sensor, s.first - 1);
    for (int f = s.first; f <= s.last; ++f) {
      std::error_code ec;
      fs::copy_file(source, writer_.data_file(s.sensor, f), fs::copy_options::overwrite_existing, ec);
      check(ec, "copy to", writer_.data_file(s.sensor, f));
    }
  }
}

void FaultFileEditor::truncate() const {
  const auto& specs = plan_.specs();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const FaultSpec& s = specs[i];
    if (s.kind != FaultKind::Truncate) continue;
    const fs::path file = writer_.data_file(s.sensor, s.first);
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(file, ec);
    check(ec, "read the size of", file);
    // About half; a lidar sweep ends mid-point (8 bytes past a 16-byte boundary), as a cut-off copy would.
    std::uintmax_t cut = size / 2;
    if (s.sensor == "velodyne_points" && size >= 16) cut = cut - cut % 16 + 8;
    fs::resize_file(file, cut, ec);
    check(ec, "truncate", file);
    plan_.note(i, "file", fs::relative(file, writer_.drive_dir()).generic_string());
    plan_.note(i, "original_bytes", size);
    plan_.note(i, "truncated_bytes", cut);
  }
}

void FaultFileEditor::drop() const {
  std::set<std::string> sensors;
  for (const auto& s : plan_.specs())
    if (s.kind == FaultKind::Drop) sensors.insert(s.sensor);
  for (const auto& sensor : sensors) {
    // Ascending, so a file only ever moves onto a number already vacated.
    for (int f = 0; f < frames_; ++f) {
      const fs::path file = writer_.data_file(sensor, f);
      std::error_code ec;
      const int to = plan_.drive_frame(sensor, f);
      if (to < 0) {
        fs::remove(file, ec);
        check(ec, "remove", file);
      } else if (to != f) {
        fs::rename(file, writer_.data_file(sensor, to), ec);
        check(ec, "rename", file);
      }
    }
  }
}

}  // namespace dc::core::generator
