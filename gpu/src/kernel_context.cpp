#include "dc/gpu/kernel_context.h"

#include <thread>

#include "context_impl.h"

namespace dc::gpu {

KernelContext::Impl::~Impl() {
  if (cuda) detail::destroy_cuda_state(cuda);
}

detail::ThreadPool& KernelContext::Impl::threads() {
  unsigned want = cpu_threads ? cpu_threads : std::thread::hardware_concurrency();
  if (want == 0) want = 1;
  if (!pool || pool->size() != want) pool = std::make_unique<detail::ThreadPool>(want);
  return *pool;
}

detail::Scratch* KernelContext::Impl::task_scratches(std::size_t tasks) {
  if (task_scratch.size() < tasks) task_scratch.resize(tasks);
  return task_scratch.data();
}

KernelContext::KernelContext(BackendPreference preference, unsigned cpu_threads) : impl_(std::make_unique<Impl>()) {
  impl_->preference = preference;
  impl_->cpu_threads = cpu_threads;
}

KernelContext::~KernelContext() = default;
KernelContext::KernelContext(KernelContext&&) noexcept = default;
KernelContext& KernelContext::operator=(KernelContext&&) noexcept = default;

void KernelContext::set_preference(BackendPreference preference) {
  impl_->preference = preference;
}
BackendPreference KernelContext::preference() const {
  return impl_->preference;
}
Backend KernelContext::backend() const {
  return resolve_backend(impl_->preference);
}

void KernelContext::set_cpu_threads(unsigned threads) {
  impl_->cpu_threads = threads;
}
unsigned KernelContext::cpu_threads() const {
  const unsigned hw = std::thread::hardware_concurrency();
  return impl_->cpu_threads ? impl_->cpu_threads : (hw ? hw : 1);
}

void KernelContext::set_profiling(bool on) {
  impl_->profiling = on;
}
bool KernelContext::profiling() const {
  return impl_->profiling;
}

const KernelStats& KernelContext::last_stats() const {
  return impl_->stats;
}
const std::string& KernelContext::last_error() const {
  return impl_->last_error;
}

KernelContext::Impl& KernelContext::impl() {
  return *impl_;
}

}  // namespace dc::gpu
