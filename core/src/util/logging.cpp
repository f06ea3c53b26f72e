#include "dc/core/util/logging.h"

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "dc/gpu/compute_device.h"
#include <memory>
#include <mutex>

namespace dc::core {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kRingLines = 2000;
constexpr const char* kPattern = "%Y-%m-%d %H:%M:%S.%e [%l] %v";

spdlog::level::level_enum to_spd(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return spdlog::level::debug;
    case LogLevel::Info: return spdlog::level::info;
    case LogLevel::Warning: return spdlog::level::warn;
    case LogLevel::Error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

struct LoggerState {
  std::mutex mutex;
  std::shared_ptr<spdlog::logger> logger;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> ring;
};

LoggerState& state() {
  static LoggerState s;
  return s;
}

std::shared_ptr<spdlog::logger> logger() {
  LoggerState& s = state();
  {
    std::lock_guard lock(s.mutex);
    if (s.logger) return s.logger;
  }
  init_logging();
  std::lock_guard lock(s.mutex);
  return s.logger;
}

}  // namespace

fs::path log_folder() {
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return fs::path(xdg) / "drivecurator";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".local" / "state" / "drivecurator";
  return fs::temp_directory_path() / "drivecurator";
}

fs::path log_file() { return log_folder() / "drivecurator.log"; }

void init_logging(const LogOptions& options) {
  LoggerState& s = state();
  std::lock_guard lock(s.mutex);
  std::vector<spdlog::sink_ptr> sinks;
  s.ring = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(kRingLines);
  s.ring->set_level(spdlog::level::debug);
  s.ring->set_pattern(kPattern);
  sinks.push_back(s.ring);
  if (options.to_file) {
    std::error_code ec;
    fs::create_directories(log_folder(), ec);
    try {
      auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(log_file().string(), 5 * 1024 * 1024, 3);
      file->set_level(spdlog::level::debug);
      file->set_pattern(kPattern);
      sinks.push_back(file);
    } catch (const spdlog::spdlog_ex&) {
      // An unwritable state folder must not stop the program: stderr and the ring still work.
    }
  }
  if (options.to_stderr) {
    auto err = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    err->set_level(to_spd(options.stderr_level));
    err->set_pattern("%l: %v");
    sinks.push_back(err);
  }
  s.logger = std::make_shared<spdlog::logger>("drivecurator", sinks.begin(), sinks.end());
  s.logger->set_level(spdlog::level::debug);
  s.logger->flush_on(spdlog::level::warn);
  // CUDA failures that made a kernel fall back to the CPU are warnings in the log, not silence.
  dc::gpu::set_fallback_handler([](const std::string& message) { log_warning(message); });
}

void log(LogLevel level, const std::string& message) { logger()->log(to_spd(level), message); }

std::vector<std::string> recent_log_lines(std::size_t count) {
  logger();
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> ring;
  {
    std::lock_guard lock(state().mutex);
    ring = state().ring;
  }
  std::vector<std::string> lines = ring->last_formatted(count);
  for (auto& l : lines)
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
  return lines;
}

}  // namespace dc::core
