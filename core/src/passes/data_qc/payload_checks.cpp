#include "passes/data_qc/payload_checks.h"

#include "dc/core/data/drive_session.h"
#include "passes/data_qc/frame_runs.h"

#include <set>

namespace dc::core::data_qc {

namespace {

// GNSS/IMU records are parsed at ingest: a file that gave no pose could not be parsed.
std::vector<FrameRecord> gnss_records(const DriveSession& session, const std::string& sensor) {
  std::set<TimestampNs> posed;
  for (const auto& p : session.poses()) posed.insert(p.timestamp_ns);
  std::vector<FrameRecord> records;
  for (const auto& f : session.frames(sensor)) {
    FrameRecord r;
    r.frame = &f;
    r.missing = f.file.empty();
    if (!r.missing && !posed.count(f.timestamp_ns)) r.load_error = f.file + ": record could not be parsed; no pose";
    records.push_back(std::move(r));
  }
  return records;
}

void check_sensor(const std::string& sensor, const std::vector<FrameRecord>& records, FindingWriter& out) {
  std::vector<Flag> missing, unreadable;
  for (std::size_t p = 0; p < records.size(); ++p) {
    if (records[p].missing)
      missing.push_back({p, records[p].frame, nullptr});
    else if (!records[p].load_error.empty())
      unreadable.push_back({p, records[p].frame, records[p].load_error});
  }
  if (!records.empty() && missing.size() == records.size()) {
    out.add("payload-absent", Severity::Info, sensor, records.front().frame->timestamp_ns,
            records.back().frame->timestamp_ns, -1,
            sensor + ": none of the " + std::to_string(records.size()) +
                " frames has a payload file (data folder not delivered?); its payload checks were skipped",
            {{"frames_without_payload", records.size()}});
    return;
  }
  for (const auto& run : consecutive_runs(missing)) {
    const auto frames = frames_of(run);
    out.add_run("payload-missing", Severity::Error, sensor, frames,
                sensor + (run.size() == 1 ? ": the payload file of " : ": the payload files of ") +
                    out.frames_label(frames) + (run.size() == 1 ? " is" : " are") + " missing",
                {{"missing", run.size()}});
  }
  for (const auto& run : consecutive_runs(unreadable)) {
    const auto frames = frames_of(run);
    out.add_run("payload-unreadable", Severity::Error, sensor, frames,
                sensor + ": " + out.frames_label(frames) + " cannot be read: " + run[0].value.get<std::string>() +
                    (run.size() > 1 ? " (and " + std::to_string(run.size() - 1) + " more)" : ""),
                {{"errors", values_of(run)}});
  }
}

}  // namespace

void check_payloads(const DriveSession& session, const ScanRecords& scanned, FindingWriter& out) {
  for (const auto& name : session.sensor_names()) {
    if (auto it = scanned.find(name); it != scanned.end()) {
      check_sensor(name, it->second, out);
      continue;
    }
    const Sensor* sensor = session.sensor(name);
    if (sensor && sensor->kind == SensorKind::GnssImu) check_sensor(name, gnss_records(session, name), out);
  }
}

}  // namespace dc::core::data_qc
