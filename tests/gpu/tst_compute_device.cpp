#include <QtTest>

#include <cstdlib>
#include <vector>

#include "dc/gpu/compute_device.h"
#include "dc/gpu/kernel_context.h"
#include "dc/gpu/voxel_downsample.h"

using namespace dc::gpu;

namespace {

struct EnvGuard {
  explicit EnvGuard(const char* value) {
    if (value)
      setenv("DC_COMPUTE_BACKEND", value, 1);
    else
      unsetenv("DC_COMPUTE_BACKEND");
  }
  ~EnvGuard() { unsetenv("DC_COMPUTE_BACKEND"); }
};

Backend cuda_if_present() {
  return cuda_device_available() ? Backend::Cuda : Backend::Cpu;
}

}  // namespace

class TestComputeDevice : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    unsetenv("DC_COMPUTE_BACKEND");
    set_preferred_backend(BackendPreference::Auto);
  }

  void activeDeviceDescribesTheBackend() {
    const DeviceInfo d = active_device();
    QVERIFY(!d.name.empty());
    QCOMPARE(d.backend, cuda_if_present());
    if (d.backend == Backend::Cpu) QVERIFY(d.name.rfind("CPU (", 0) == 0);
    if (!built_with_cuda()) QVERIFY(!cuda_device_available());
    QCOMPARE(QString(backend_name(Backend::Cuda)), QString("CUDA"));
  }

  void settingSelectsTheBackend() {
    set_preferred_backend(BackendPreference::Cpu);
    QCOMPARE(preferred_backend(), BackendPreference::Cpu);
    QCOMPARE(resolve_backend(), Backend::Cpu);
    QCOMPARE(active_device().backend, Backend::Cpu);
    set_preferred_backend(BackendPreference::Cuda);
    QCOMPARE(resolve_backend(), cuda_if_present());  // no device: the CPU
  }

  void environmentOverridesTheSetting() {
    set_preferred_backend(BackendPreference::Cuda);
    {
      EnvGuard env("cpu");
      QCOMPARE(resolve_backend(), Backend::Cpu);
      QCOMPARE(active_device().backend, Backend::Cpu);
    }
    set_preferred_backend(BackendPreference::Cpu);
    {
      EnvGuard env("CUDA");
      QCOMPARE(resolve_backend(), cuda_if_present());
    }
    {
      EnvGuard env("something-else");  // ignored
      QCOMPARE(resolve_backend(), Backend::Cpu);
    }
  }

  void contextPreferenceWins() {
    EnvGuard env("cuda");
    KernelContext ctx(BackendPreference::Cpu);
    QCOMPARE(ctx.backend(), Backend::Cpu);
    QCOMPARE(resolve_backend(BackendPreference::Cpu), Backend::Cpu);
    ctx.set_preference(BackendPreference::Auto);
    QCOMPARE(ctx.backend(), cuda_if_present());
  }

  void kernelsFallBackToCpuWithoutDevice() {
    if (cuda_device_available()) QSKIP("a CUDA device is present");
    KernelContext ctx(BackendPreference::Cuda);
    QCOMPARE(ctx.backend(), Backend::Cpu);
    const std::vector<float> pts{0, 0, 0, 0, 0.05f, 0, 0, 0, 3, 0, 0, 0};
    VoxelResult r;
    voxel_downsample(ctx, pts, {}, r);
    QCOMPARE(r.backend, Backend::Cpu);
    QCOMPARE(r.voxel_count, std::size_t{2});
    QVERIFY(ctx.last_error().empty());
  }

  void statsAndThreadSettings() {
    KernelContext ctx(BackendPreference::Cpu, 3);
    QCOMPARE(ctx.cpu_threads(), 3u);
    std::vector<float> pts;
    for (int i = 0; i < 50000; ++i) pts.insert(pts.end(), {float(i % 100), float(i / 100), 0.5f, 0});
    VoxelResult a, b;
    voxel_downsample(ctx, pts, {}, a);
    const KernelStats s = ctx.last_stats();
    QCOMPARE(s.backend, Backend::Cpu);
    QVERIFY(s.total_ms > 0);
    QVERIFY(s.min_device_bytes >= pts.size() * 4);
    ctx.set_cpu_threads(0);
    QVERIFY(ctx.cpu_threads() >= 1);
    voxel_downsample(ctx, pts, {}, b);  // reuses the context's buffers
    QVERIFY(a.centroids == b.centroids && a.counts == b.counts);
    ctx.set_profiling(true);
    QVERIFY(ctx.profiling());
  }

  void cleanupTestCase() { set_preferred_backend(BackendPreference::Auto); }
};

QTEST_APPLESS_MAIN(TestComputeDevice)
#include "tst_compute_device.moc"
