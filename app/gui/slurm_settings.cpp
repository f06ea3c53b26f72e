#include "slurm_settings.h"

#include <QSettings>
#include <QStringList>

#include <algorithm>

namespace dc::app {

namespace {
std::string text(QSettings& s, const char* key) {
  return s.value(key).toString().toStdString();
}
}  // namespace

core::SlurmOptions load_slurm_options(QSettings& s) {
  core::SlurmOptions o;
  o.partition = text(s, "slurm/partition");
  o.account = text(s, "slurm/account");
  o.time_limit = text(s, "slurm/time_limit");
  o.gres = text(s, "slurm/gres");
  o.cpus_per_task = std::max(0, s.value("slurm/cpus_per_task", 0).toInt());
  o.memory = text(s, "slurm/memory");
  for (const QString& line : s.value("slurm/extra_lines").toStringList()) o.extra_lines.push_back(line.toStdString());
  o.ssh_host = text(s, "slurm/ssh_host");
  o.ssh_config = text(s, "slurm/ssh_config");
  o.shard_size = std::max(0, s.value("slurm/shard_size", 0).toInt());
  o.job_root = text(s, "slurm/job_root");
  o.cli_path = text(s, "slurm/cli_path");
  return o;
}

void save_slurm_options(QSettings& s, const core::SlurmOptions& o) {
  s.setValue("slurm/partition", QString::fromStdString(o.partition));
  s.setValue("slurm/account", QString::fromStdString(o.account));
  s.setValue("slurm/time_limit", QString::fromStdString(o.time_limit));
  s.setValue("slurm/gres", QString::fromStdString(o.gres));
  s.setValue("slurm/cpus_per_task", o.cpus_per_task);
  s.setValue("slurm/memory", QString::fromStdString(o.memory));
  QStringList lines;
  for (const auto& line : o.extra_lines) lines << QString::fromStdString(line);
  s.setValue("slurm/extra_lines", lines);
  s.setValue("slurm/ssh_host", QString::fromStdString(o.ssh_host));
  s.setValue("slurm/ssh_config", QString::fromStdString(o.ssh_config.string()));
  s.setValue("slurm/shard_size", o.shard_size);
  s.setValue("slurm/job_root", QString::fromStdString(o.job_root.string()));
  s.setValue("slurm/cli_path", QString::fromStdString(o.cli_path.string()));
}

bool load_slurm_executor_chosen(QSettings& s) {
  return s.value("passes/executor", "local").toString() == "slurm";
}

void save_slurm_executor_chosen(QSettings& s, bool slurm) {
  s.setValue("passes/executor", slurm ? "slurm" : "local");
}

}  // namespace dc::app
