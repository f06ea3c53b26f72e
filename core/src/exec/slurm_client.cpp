#include "exec/slurm_client.h"

#include "io/readers/text_util.h"

#include <sstream>
#include <stdexcept>

namespace dc::core {

namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.emplace_back();
  return parts;
}

// "123_4" of job 123 -> 4; anything else (other jobs, steps "123_4.batch", pending ranges "123_[5-9]") -> none.
std::optional<int> task_of(const std::string& id, const std::string& job_id) {
  if (id.rfind(job_id + "_", 0) != 0) return std::nullopt;
  const std::string rest = id.substr(job_id.size() + 1);
  if (rest.empty() || rest.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoi(rest);
}

// "CANCELLED by 0" -> "CANCELLED"
std::string state_word(const std::string& text) {
  const std::string t = trim(text);
  return t.substr(0, t.find(' '));
}

std::string first_line(const std::string& text) {
  const std::string t = trim(text);
  return t.substr(0, t.find('\n'));
}

}  // namespace

double parse_slurm_duration(const std::string& text) {
  const std::string t = trim(text);
  if (t.empty() || t.find_first_not_of("0123456789:-.") != std::string::npos) return 0;
  double days = 0;
  std::string clock = t;
  if (const auto dash = t.find('-'); dash != std::string::npos) {
    days = std::stod(t.substr(0, dash));
    clock = t.substr(dash + 1);
  }
  double seconds = 0;
  for (const auto& field : split(clock, ':')) seconds = seconds * 60 + (field.empty() ? 0 : std::stod(field));
  return days * 86400 + seconds;
}

std::vector<int> parse_task_range(const std::string& text, int task_count) {
  std::vector<int> tasks;
  const std::string list = text.substr(0, text.find('%'));
  for (const auto& item : split(list, ',')) {
    if (item.empty() || item.find_first_not_of("0123456789-") != std::string::npos) continue;
    const auto dash = item.find('-');
    const int from = std::stoi(item.substr(0, dash));
    const int to = dash == std::string::npos ? from : std::stoi(item.substr(dash + 1));
    for (int i = from; i <= to && i < task_count; ++i) tasks.push_back(i);
  }
  return tasks;
}

std::map<int, SlurmTaskStatus> parse_squeue(const std::string& out, const std::string& job_id) {
  std::map<int, SlurmTaskStatus> tasks;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    const auto f = split(trim(line), '|');
    if (f.size() < 4) continue;
    const auto task = task_of(f[0], job_id);
    if (!task) continue;
    tasks[*task] = {state_word(f[1]), f[2] == "(null)" ? "" : f[2], "", parse_slurm_duration(f[3])};
  }
  return tasks;
}

std::map<int, SlurmTaskStatus> parse_sacct(const std::string& out, const std::string& job_id) {
  std::map<int, SlurmTaskStatus> tasks;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    const auto f = split(trim(line), '|');
    if (f.size() < 5) continue;
    const auto task = task_of(f[0], job_id);
    if (!task) continue;
    tasks[*task] = {state_word(f[1]), f[3] == "None assigned" ? "" : f[3], f[2],
                    f[4].empty() ? 0 : std::stod(f[4])};
  }
  return tasks;
}

std::map<int, SlurmTaskStatus> parse_scontrol(const std::string& out, const std::string& job_id, int task_count) {
  std::map<int, SlurmTaskStatus> tasks;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::map<std::string, std::string> field;
    std::istringstream words(line);
    for (std::string word; words >> word;)
      if (const auto eq = word.find('='); eq != std::string::npos) field[word.substr(0, eq)] = word.substr(eq + 1);
    if (field["ArrayJobId"] != job_id) continue;
    SlurmTaskStatus status{field["JobState"], field["NodeList"] == "(null)" ? "" : field["NodeList"],
                           field["ExitCode"], parse_slurm_duration(field["RunTime"])};
    for (int task : parse_task_range(field["ArrayTaskId"], task_count)) tasks[task] = status;
  }
  return tasks;
}

ProcessOutcome SlurmClient::run(const std::string& program, const std::vector<std::string>& arguments) const {
  std::vector<std::string> argv = prefix_;
  // Behind ssh the remote shell joins and re-parses the words: quote each so it arrives literally.
  const bool remote = !prefix_.empty();
  argv.push_back(remote ? shell_quote(program) : program);
  for (const auto& a : arguments) argv.push_back(remote ? shell_quote(a) : a);
  return run_process(argv, std::chrono::seconds(60));
}

std::string SlurmClient::submit(const std::vector<std::string>& sbatch_arguments) const {
  std::vector<std::string> arguments = {"--parsable"};
  arguments.insert(arguments.end(), sbatch_arguments.begin(), sbatch_arguments.end());
  const ProcessOutcome r = run("sbatch", arguments);
  const std::string id = first_line(r.out).substr(0, first_line(r.out).find(';'));  // "123" or "123;cluster"
  if (!r.ok() || id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
    throw std::runtime_error("sbatch failed" + (r.timed_out ? std::string(" (no answer in 60 s)") : "") + ": " +
                             trim(r.err.empty() ? r.out : r.err));
  return id;
}

std::map<int, SlurmTaskStatus> SlurmClient::status(const std::string& job_id, int task_count) const {
  const ProcessOutcome queue =
      run("squeue", {"--noheader", "--array", "--jobs=" + job_id, "--format=%i|%T|%N|%M"});
  // squeue answers an error for a job it has forgotten; that is not a failure to reach the scheduler.
  if (!queue.ok() && queue.err.find("Invalid job id") == std::string::npos)
    throw std::runtime_error("squeue failed: " + trim(queue.err));
  std::map<int, SlurmTaskStatus> tasks = queue.ok() ? parse_squeue(queue.out, job_id) : std::map<int, SlurmTaskStatus>{};
  if (static_cast<int>(tasks.size()) >= task_count) return tasks;

  std::map<int, SlurmTaskStatus> ended;
  const ProcessOutcome accounting =
      run("sacct", {"--noheader", "--parsable2", "--allocations", "--jobs=" + job_id,
                    "--format=JobID,State,ExitCode,NodeList,ElapsedRaw"});
  if (accounting.ok()) ended = parse_sacct(accounting.out, job_id);
  if (ended.size() + tasks.size() < static_cast<std::size_t>(task_count)) {
    // Accounting off (or behind): the controller keeps finished jobs for MinJobAge.
    const ProcessOutcome control = run("scontrol", {"--oneliner", "show", "job", job_id});
    if (control.ok())
      for (auto& [task, s] : parse_scontrol(control.out, job_id, task_count)) ended.emplace(task, s);
  }
  for (auto& [task, s] : ended) tasks.emplace(task, s);  // squeue's view of a live task wins
  return tasks;
}

void SlurmClient::cancel(const std::string& job_id, std::optional<int> task) const {
  const ProcessOutcome r = run("scancel", {task ? job_id + "_" + std::to_string(*task) : job_id});
  if (!r.ok()) throw std::runtime_error("scancel failed: " + trim(r.err));
}

}  // namespace dc::core
