#include "dc/widgets/sample_cache.h"


#include <QMetaObject>
#include <algorithm>
#include <climits>

namespace dc::widgets {

SampleCache::SampleCache(QObject* parent) : QObject(parent) {
  qRegisterMetaType<std::shared_ptr<const SampleData>>("std::shared_ptr<const dc::core::LoadedSample>");
  pool_.setMaxThreadCount(2);
}

SampleCache::~SampleCache() {
  for (auto& [sample, loading] : in_flight_) loading.cancel->store(true);
  pool_.clear();
  pool_.waitForDone();
}

void SampleCache::set_session(std::shared_ptr<const dc::core::DriveSession> session) {
  for (auto& [sample, loading] : in_flight_) loading.cancel->store(true);
  in_flight_.clear();  // results of the old generation are dropped on arrival
  pool_.clear();
  ++generation_;
  session_ = std::move(session);
  loader_ = session_ ? std::make_shared<const dc::core::SampleLoader>(session_, options_) : nullptr;
  entries_.clear();
  wanted_.clear();
  wanted_rank_.clear();
  skipped_.clear();
  latest_request_ = -1;
  bytes_ = peak_bytes_ = 0;
  mean_sample_bytes_ = 0.0;
}

void SampleCache::set_load_options(dc::core::SampleLoadOptions options) {
  options_ = std::move(options);
  set_session(session_);
}

void SampleCache::clear() {
  set_session(session_);
}

void SampleCache::set_budget_bytes(std::size_t bytes) {
  budget_ = bytes;
  make_room(0, -1);
}

void SampleCache::set_prefetch(int ahead, int behind) {
  ahead_ = std::max(0, ahead);
  behind_ = std::max(0, behind);
}

void SampleCache::set_max_threads(int threads) {
  pool_.setMaxThreadCount(std::max(1, threads));
}

std::vector<int> SampleCache::cached_samples() const {
  std::vector<int> out;
  out.reserve(entries_.size());
  for (const auto& [sample, entry] : entries_) out.push_back(sample);
  std::sort(out.begin(), out.end());
  return out;
}

std::shared_ptr<const SampleData> SampleCache::get(int sample) {
  auto it = entries_.find(sample);
  if (it == entries_.end()) return nullptr;
  it->second.last_use = ++use_clock_;
  return it->second.data;
}

int SampleCache::rank(int sample) const {
  auto it = wanted_rank_.find(sample);
  return it == wanted_rank_.end() ? INT_MAX : it->second;
}

void SampleCache::update_window(int center) {
  wanted_.clear();
  wanted_rank_.clear();
  skipped_.clear();
  const int n = session_ ? session_->sample_count() : 0;
  // Prefetching more than the budget holds would only evict what was just loaded.
  int limit = 1 + ahead_ + behind_;
  if (mean_sample_bytes_ > 0.0)
    limit = std::min(limit, std::max(1, static_cast<int>(static_cast<double>(budget_) / mean_sample_bytes_)));
  auto add = [&](int s) {
    if (s < 0 || s >= n || static_cast<int>(wanted_.size()) >= limit) return;
    wanted_rank_[s] = static_cast<int>(wanted_.size());
    wanted_.push_back(s);
  };
  add(center);
  // Interleave so that a tight budget keeps one behind for stepping back.
  for (int k = 1; k <= std::max(ahead_, behind_); ++k) {
    if (k <= ahead_) add(center + k);
    if (k <= behind_ && k <= 1) add(center - k);
  }
  for (int k = 2; k <= behind_; ++k) add(center - k);
}

void SampleCache::request(int sample) {
  if (!session_ || sample < 0 || sample >= session_->sample_count()) {
    std::shared_ptr<const SampleData> data = loader_ ? std::make_shared<SampleData>(loader_->load(sample)) : [&] {
      auto d = std::make_shared<SampleData>();
      d->sample = sample;
      d->error = "no drive is open";
      return d;
    }();
    emit sample_ready(sample, data);
    return;
  }
  latest_request_ = sample;
  update_window(sample);
  for (auto& [s, loading] : in_flight_)
    if (!wanted_rank_.count(s)) loading.cancel->store(true);
  if (auto hit = get(sample)) emit sample_ready(sample, hit);
  schedule();
}

void SampleCache::schedule() {
  if (!session_) return;
  for (int s : wanted_) {
    if (static_cast<int>(in_flight_.size()) >= pool_.maxThreadCount()) break;
    if (entries_.count(s) || in_flight_.count(s) || skipped_.count(s)) continue;
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    in_flight_[s] = {cancel};
    const auto loader = loader_;
    const auto generation = generation_;
    pool_.start([this, loader, generation, s, cancel] {
      std::shared_ptr<const SampleData> data = std::make_shared<SampleData>(loader->load(s, cancel.get()));
      const bool cancelled = cancel->load();
      QMetaObject::invokeMethod(
          this, [this, generation, s, data, cancelled] { on_loaded(generation, s, data, cancelled); },
          Qt::QueuedConnection);
    });
  }
}

void SampleCache::on_loaded(std::uint64_t generation, int sample, std::shared_ptr<const SampleData> data,
                            bool cancelled) {
  if (generation != generation_) return;
  in_flight_.erase(sample);
  if (!cancelled && data) {
    const std::size_t size = data->byte_size();
    mean_sample_bytes_ = mean_sample_bytes_ == 0.0 ? static_cast<double>(size)
                                                   : 0.8 * mean_sample_bytes_ + 0.2 * static_cast<double>(size);
    const bool requested = sample == latest_request_;
    // What does not fit is not loaded again until the window moves: a sample larger than the whole budget is
    // answered once, uncached, instead of being reloaded (and answered) forever.
    if (!insert(sample, data)) skipped_.insert(sample);
    if (requested) emit sample_ready(sample, data);
  }
  schedule();
  if (in_flight_.empty()) emit idle();
}

bool SampleCache::make_room(std::size_t bytes, int incoming_rank) {
  while (bytes_ + bytes > budget_) {
    // Victim: outside the window and least recently used first, then the farthest in the window.
    auto victim = entries_.end();
    int victim_rank = -1;
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      const int r = rank(it->first);
      if (incoming_rank >= 0 && r <= incoming_rank) continue;
      if (victim == entries_.end() || r > victim_rank ||
          (r == victim_rank && it->second.last_use < victim->second.last_use)) {
        victim = it;
        victim_rank = r;
      }
    }
    if (victim == entries_.end()) return false;
    evict(victim->first);
  }
  return true;
}

bool SampleCache::insert(int sample, std::shared_ptr<const SampleData> data) {
  const std::size_t size = data->byte_size();
  if (size > budget_ || !make_room(size, rank(sample))) return false;
  entries_[sample] = {std::move(data), size, ++use_clock_};
  bytes_ += size;
  peak_bytes_ = std::max(peak_bytes_, bytes_);
  return true;
}

void SampleCache::evict(int sample) {
  auto it = entries_.find(sample);
  if (it == entries_.end()) return;
  bytes_ -= it->second.bytes;
  entries_.erase(it);
}

}  // namespace dc::widgets
