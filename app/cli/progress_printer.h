#pragma once
#include "dc/core/util/progress.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

namespace dc::app {

// Prints progress of long work on stderr: an updating line on a terminal, a line every few seconds otherwise, or a
// line per step with every_step (-v: a log of each file an export writes).
class ProgressPrinter {
public:
  explicit ProgressPrinter(std::string task, bool quiet = false, bool every_step = false);
  ~ProgressPrinter();
  dc::core::Progress progress();
  void finish();

private:
  void print(double done, double total, const std::string& message);
  std::string task_;
  bool quiet_;
  bool every_step_;
  bool tty_;
  bool printed_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_, last_;
};

// Ctrl-C sets this flag so long work stops cleanly (the catalog keeps what was committed).
std::atomic<bool>& interrupt_flag();
void install_interrupt_handler();

}  // namespace dc::app
