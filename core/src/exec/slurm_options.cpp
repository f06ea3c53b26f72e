#include "dc/core/exec/slurm_options.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

namespace dc::core {

namespace fs = std::filesystem;

std::string SlurmOptions::to_json() const {
  return nlohmann::json{{"partition", partition},
                        {"account", account},
                        {"time", time_limit},
                        {"gres", gres},
                        {"cpus_per_task", cpus_per_task},
                        {"mem", memory},
                        {"extra_lines", extra_lines},
                        {"ssh", ssh_host},
                        {"ssh_config", ssh_config.string()},
                        {"shard_size", shard_size},
                        {"job_root", job_root.string()},
                        {"cli", cli_path.string()}}
      .dump();
}

SlurmOptions SlurmOptions::from_json(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text);
  SlurmOptions o;
  o.partition = j.value("partition", "");
  o.account = j.value("account", "");
  o.time_limit = j.value("time", "");
  o.gres = j.value("gres", "");
  o.cpus_per_task = j.value("cpus_per_task", 0);
  o.memory = j.value("mem", "");
  o.extra_lines = j.value("extra_lines", std::vector<std::string>{});
  o.ssh_host = j.value("ssh", "");
  o.ssh_config = j.value("ssh_config", "");
  o.shard_size = j.value("shard_size", 0);
  o.job_root = j.value("job_root", "");
  o.cli_path = j.value("cli", "");
  return o;
}

std::vector<std::string> SlurmOptions::command_prefix() const {
  if (ssh_host.empty()) return {};
  std::vector<std::string> prefix = {"ssh", "-o", "BatchMode=yes"};
  if (!ssh_config.empty()) {
    prefix.push_back("-F");
    prefix.push_back(ssh_config.string());
  }
  prefix.push_back("--");
  prefix.push_back(ssh_host);
  return prefix;
}

fs::path default_cli_path() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path dir = self.parent_path();
    for (const fs::path& candidate : {dir / "drivecurator-cli", dir.parent_path() / "cli" / "drivecurator-cli"})
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "drivecurator-cli";
}

}  // namespace dc::core
