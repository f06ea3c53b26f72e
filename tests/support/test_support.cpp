#include "test_support.h"

#include <algorithm>
#include <cmath>

#include <QProcess>
#include <QStringList>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace dc::test {

namespace fs = std::filesystem;

fs::path shared_data_dir() { return fs::path(DC_SHARED_DATA_DIR); }

fs::path resources_dir() { return fs::path(DC_RESOURCES_DIR); }

fs::path fresh_work_dir(const std::string& name) {
  fs::path dir = fs::path(DC_TEST_WORK_DIR) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

CommandResult run_program(const QString& program, const QStringList& args, const QProcessEnvironment& environment,
                          const QString& working_dir, int timeout_ms) {
  CommandResult result;
  QProcess process;
  process.setProcessEnvironment(environment);
  if (!working_dir.isEmpty()) process.setWorkingDirectory(working_dir);
  process.start(program, args);
  if (!process.waitForStarted(10000)) {
    result.err = "failed to start " + program.toStdString();
    return result;
  }
  process.closeWriteChannel();
  if (!process.waitForFinished(timeout_ms)) {
    process.kill();
    process.waitForFinished(5000);
    result.err = "timed out: " + program.toStdString();
    return result;
  }
  result.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
  result.out = process.readAllStandardOutput().toStdString();
  result.err = process.readAllStandardError().toStdString();
  return result;
}

CommandResult run_program(const std::string& program, const std::vector<std::string>& args) {
  QStringList qargs;
  for (const auto& a : args) qargs << QString::fromStdString(a);
  return run_program(QString::fromStdString(program), qargs, QProcessEnvironment::systemEnvironment());
}

CommandResult run_cli(const std::vector<std::string>& args) { return run_program(DC_CLI_PATH, args); }

CommandResult run_cli_on(const std::string& catalog, const std::vector<std::string>& args) {
  std::vector<std::string> full = {"--catalog", catalog};
  full.insert(full.end(), args.begin(), args.end());
  return run_cli(full);
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
}

void copy_tree(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

bool box_contains(const dc::core::BoxLabel& box, const Eigen::Vector3d& p_lidar) {
  const Eigen::Vector3d d = p_lidar - box.center;
  const double c = std::cos(box.yaw), s = std::sin(box.yaw);
  const double along = c * d.x() + s * d.y();
  const double across = -s * d.x() + c * d.y();
  constexpr double kEps = 1e-9;
  return std::abs(along) <= box.length / 2 + kEps && std::abs(across) <= box.width / 2 + kEps &&
         std::abs(d.z()) <= box.height / 2 + kEps;
}

std::vector<const dc::core::Frame*> frames_of(const dc::core::Drive& d, const std::string& sensor) {
  std::vector<const dc::core::Frame*> out;
  for (const auto& f : d.frames)
    if (f.sensor == sensor) out.push_back(&f);
  std::sort(out.begin(), out.end(),
            [](const dc::core::Frame* a, const dc::core::Frame* b) { return a->index < b->index; });
  return out;
}

}  // namespace dc::test
