// Sample building: the nearest frame of every other sensor, but never one farther than the maximum skew (default
// one period of that sensor), so a camera that stopped does not show a stale image as if in sync.
#include "dc/core/data/sample_builder.h"

#include <QTest>

using namespace dc::core;

namespace {
constexpr TimestampNs kT0 = 1'900'000'000'000'000'000;
constexpr std::int64_t kMs = 1'000'000;

// Lidar at 10 Hz for 10 sweeps; a camera at 10 Hz, 3 ms after each sweep, that stops after its 4th frame.
std::vector<Frame> frames_with_a_stopped_camera() {
  std::vector<Frame> f;
  for (int i = 0; i < 10; ++i) {
    f.push_back({"lidar", i, kT0 + i * 100 * kMs, "", 0, 0});
    if (i < 4) f.push_back({"cam", i, kT0 + i * 100 * kMs + 3 * kMs, "", 0, 0});
  }
  return f;
}
}  // namespace

class TestSampleBuilder : public QObject {
  Q_OBJECT
private slots:
  void stoppedCameraIsNotInSync() {
    const auto samples = build_samples(frames_with_a_stopped_camera(), "lidar");
    QCOMPARE(samples.size(), std::size_t(10));
    for (int i = 0; i < 4; ++i) {
      const auto* m = samples[static_cast<std::size_t>(i)].member("cam");
      QVERIFY(m);
      QCOMPARE(m->frame_index, std::int64_t(i));
      QCOMPARE(m->skew_ns, 3 * kMs);
    }
    // Sweep 4 is 97 ms after the camera's last frame: within one period (100 ms), still taken.
    QCOMPARE(samples[4].member("cam")->skew_ns, -97 * kMs);
    // Sweeps 5..9 are 197 ms and more after it: no camera frame.
    for (std::size_t i = 5; i < 10; ++i) QVERIFY(samples[i].member("cam") == nullptr);
  }

  void explicitLimit() {
    const auto samples = build_samples(frames_with_a_stopped_camera(), "lidar", 50 * kMs);
    QVERIFY(samples[3].member("cam"));
    QVERIFY(samples[4].member("cam") == nullptr);  // 97 ms > 50 ms
  }

  void keysAreLidarFramesAndPositionsAreTimeOrder() {
    // Lidar frames numbered 10, 11, 12 but written out of order.
    std::vector<Frame> f = {{"lidar", 12, kT0 + 200 * kMs, "", 0, 0},
                            {"lidar", 10, kT0, "", 0, 0},
                            {"lidar", 11, kT0 + 100 * kMs, "", 0, 0}};
    const auto samples = build_samples(f, "lidar");
    QCOMPARE(samples.size(), std::size_t(3));
    for (std::size_t k = 0; k < 3; ++k) {
      QCOMPARE(samples[k].index, std::int64_t(k));
      QCOMPARE(samples[k].key(), std::int64_t(10 + k));
    }
  }
};

QTEST_APPLESS_MAIN(TestSampleBuilder)
#include "tst_sample_builder.moc"
