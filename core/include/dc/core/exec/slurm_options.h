#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace dc::core {

// How a pass is submitted to a Slurm cluster. Empty values leave the cluster's defaults.
struct SlurmOptions {
  std::string partition, account;
  std::string time_limit;                // sbatch --time, e.g. "30:00" or "1-00:00:00"
  std::string gres;                      // e.g. "gpu:1"
  int cpus_per_task = 0;
  std::string memory;                    // sbatch --mem, e.g. "16G"
  std::vector<std::string> extra_lines;  // more "#SBATCH ..." lines for the batch script, as given
  std::string ssh_host;                  // submit, poll and cancel through `ssh -o BatchMode=yes HOST`
  std::filesystem::path ssh_config;      // ssh -F FILE (a cluster's own ssh settings); empty: the user's
  int shard_size = 0;                    // samples per array task; 0: one task per drive
  std::filesystem::path job_root;        // where job folders go, on the filesystem the nodes share; empty: beside
                                         // the catalog, in "jobs"
  std::filesystem::path cli_path;        // drivecurator-cli as the nodes see it; empty: this installation's

  std::string to_json() const;
  static SlurmOptions from_json(const std::string& text);  // unknown keys ignored; throws on malformed JSON
  // The argument vector in front of every Slurm command: empty, or ssh with BatchMode and the host.
  std::vector<std::string> command_prefix() const;
};

// drivecurator-cli beside this program, in the build tree's app/cli, or on the PATH.
std::filesystem::path default_cli_path();

}  // namespace dc::core
