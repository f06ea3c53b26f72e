#include "progress_printer.h"

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace dc::app {

std::atomic<bool>& interrupt_flag() {
  static std::atomic<bool> flag{false};
  return flag;
}

namespace {
void on_interrupt(int) { interrupt_flag().store(true); }
}  // namespace

void install_interrupt_handler() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

ProgressPrinter::ProgressPrinter(std::string task, bool quiet, bool every_step)
    : task_(std::move(task)), quiet_(quiet), every_step_(every_step), tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()), last_(start_ - std::chrono::hours(1)) {}

ProgressPrinter::~ProgressPrinter() { finish(); }

dc::core::Progress ProgressPrinter::progress() {
  dc::core::Progress p;
  p.report = [this](double done, double total, const std::string& message) { print(done, total, message); };
  p.cancel = &interrupt_flag();
  return p;
}

void ProgressPrinter::print(double done, double total, const std::string& message) {
  if (quiet_) return;
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  bool last = total > 0 && done >= total;
  auto interval = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(2000);
  if (!last && !every_step_ && now - last_ < interval) return;
  last_ = now;
  double pct = total > 0 ? 100.0 * done / total : 0.0;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  if (tty_)
    std::fprintf(stderr, "\r\033[K%s [%5.1f%%] %.0f/%.0f %.1fs %s", task_.c_str(), pct, done, total, elapsed,
                 message.c_str());
  else
    std::fprintf(stderr, "%s [%5.1f%%] %.0f/%.0f %.1fs %s\n", task_.c_str(), pct, done, total, elapsed,
                 message.c_str());
  std::fflush(stderr);
  printed_ = true;
}

void ProgressPrinter::finish() {
  std::lock_guard lock(mutex_);
  if (printed_ && tty_) std::fputc('\n', stderr);
  printed_ = false;
}

}  // namespace dc::app
