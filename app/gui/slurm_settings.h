#pragma once
#include "dc/core/exec/slurm_options.h"

class QSettings;

namespace dc::app {

// SlurmOptions and the launch dialog's executor choice <-> QSettings ("slurm/...", "passes/executor"), so the
// cluster fields of the last submission are offered again, also after a restart.
core::SlurmOptions load_slurm_options(QSettings& settings);
void save_slurm_options(QSettings& settings, const core::SlurmOptions& options);
bool load_slurm_executor_chosen(QSettings& settings);
void save_slurm_executor_chosen(QSettings& settings, bool slurm);

}  // namespace dc::app
