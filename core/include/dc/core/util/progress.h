#pragma once
#include <atomic>
#include <functional>
#include <string>

namespace dc::core {

// Progress reporting and cooperative cancellation for long work (CLI prints it, GUI shows a bar).
struct Progress {
  // done / total in units of work; message says what is being done. May be called from worker threads.
  std::function<void(double done, double total, const std::string& message)> report;
  const std::atomic<bool>* cancel = nullptr;

  void operator()(double done, double total, const std::string& message) const {
    if (report) report(done, total, message);
  }
  bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
};

// Thrown by long work when Progress::cancelled() became true.
struct Cancelled : std::exception {
  const char* what() const noexcept override { return "cancelled"; }
};

}  // namespace dc::core
