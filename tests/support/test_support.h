#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/drive.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <Eigen/Core>
#include <filesystem>
#include <string>
#include <vector>

namespace dc::test {

// ../shared/data next to the project root (real KITTI samples).
std::filesystem::path shared_data_dir();
// A fresh, empty folder under the build tree for one test: <build>/tests/work/<name>.
std::filesystem::path fresh_work_dir(const std::string& name);
// Project resources (baselines, sample configs).
std::filesystem::path resources_dir();

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs drivecurator-cli with an argument vector (no shell) and captures stdout and stderr.
CommandResult run_cli(const std::vector<std::string>& args);
// The same against a catalog file: `--catalog CATALOG` goes first.
CommandResult run_cli_on(const std::string& catalog, const std::vector<std::string>& args);
// Runs any program with an argument vector.
CommandResult run_program(const std::string& program, const std::vector<std::string>& args);
// The same with a given environment, working folder and time limit (killed when it runs out: err says so).
CommandResult run_program(const QString& program, const QStringList& args, const QProcessEnvironment& environment,
                          const QString& working_dir = {}, int timeout_ms = 600000);

std::string read_text(const std::filesystem::path& file);
void write_text(const std::filesystem::path& file, const std::string& text);
// Copies a folder tree (used to make a damaged copy of real data).
void copy_tree(const std::filesystem::path& from, const std::filesystem::path& to);

// Brute-force reference for "is this lidar point inside this box" (faces inclusive, 1e-9 m slack for rounding),
// written independently of the product's dc::gpu::points_in_boxes so tests can check against it.
bool box_contains(const dc::core::BoxLabel& box, const Eigen::Vector3d& p_lidar);

// The frames of one sensor of a drive, by index (pointers into d.frames).
std::vector<const dc::core::Frame*> frames_of(const dc::core::Drive& d, const std::string& sensor);

}  // namespace dc::test
