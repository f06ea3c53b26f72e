#pragma once
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace dc::core {

enum class LogLevel { Debug, Info, Warning, Error };

struct LogOptions {
  bool to_stderr = false;           // the CLI logs to stderr too
  LogLevel stderr_level = LogLevel::Warning;  // --verbose: Debug, --quiet: Error
  bool to_file = true;              // rotating file under log_folder()
};

// Sets up the process-wide logger: a rotating file ($XDG_STATE_HOME/drivecurator/drivecurator.log, 5 MiB x 3),
// optionally stderr, and an in-memory ring of recent lines for the GUI's log view. Safe to call again.
void init_logging(const LogOptions& options = {});
std::filesystem::path log_folder();
std::filesystem::path log_file();

void log(LogLevel level, const std::string& message);
inline void log_debug(const std::string& m) { log(LogLevel::Debug, m); }
inline void log_info(const std::string& m) { log(LogLevel::Info, m); }
inline void log_warning(const std::string& m) { log(LogLevel::Warning, m); }
inline void log_error(const std::string& m) { log(LogLevel::Error, m); }

// The most recent formatted log lines (oldest first), at most `count`.
std::vector<std::string> recent_log_lines(std::size_t count = 1000);

}  // namespace dc::core
