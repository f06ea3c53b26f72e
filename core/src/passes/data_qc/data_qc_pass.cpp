#include "passes/data_qc/data_qc_pass.h"

#include "dc/core/data/drive_session.h"
#include "passes/data_qc/finding_writer.h"
#include "passes/data_qc/image_checks.h"
#include "passes/data_qc/lidar_checks.h"
#include "passes/data_qc/payload_checks.h"
#include "passes/data_qc/payload_scanner.h"
#include "passes/data_qc/pose_checks.h"
#include "passes/data_qc/qc_settings.h"
#include "passes/data_qc/timing_checks.h"

#include <stdexcept>

namespace dc::core {

std::string DataQcPass::summary() const {
  return "data quality: frame rates, gaps, duplicate timestamps, sync skew, lidar and camera health, GNSS jumps, "
         "unreadable files";
}

std::vector<ParamSpec> DataQcPass::parameters() const {
  return data_qc::QcSettings::schema();
}

PassResult DataQcPass::run(const PassContext& context) const {
  using namespace data_qc;
  const QcSettings settings = QcSettings::from(context.parameters);
  if (!(settings.lidar_min_elevation_deg < settings.lidar_max_elevation_deg))
    throw std::invalid_argument("lidar_min_elevation_deg must be below lidar_max_elevation_deg");
  const DriveSession& session = context.session;
  if (context.progress.cancelled()) throw Cancelled();

  // The payload scan is nearly all of the cost; the drive-level checks below only read its measurements.
  const ScanRecords scanned = PayloadScanner(session, settings, context.progress, context.threads).scan();

  FindingWriter out(session);
  check_payloads(session, scanned, out);
  check_timing(session, settings, out);
  check_clock_offset(session, settings, out);
  check_sync(session, settings, out);
  check_poses(session, settings, out);
  for (const auto& [sensor, records] : scanned) {
    const Sensor* s = session.sensor(sensor);
    if (s && s->kind == SensorKind::Lidar) check_lidar(sensor, records, settings, out);
    if (s && s->kind == SensorKind::Camera) check_images(sensor, records, settings, out);
  }
  PassResult result;
  result.findings = out.take();
  return result;
}

}  // namespace dc::core
