#pragma once
#include "dc/core/data/drive_session.h"
#include "dc/core/data/sample_loader.h"
#include "dc/widgets/sample_data.h"

#include <QObject>
#include <QThreadPool>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <unordered_map>
#include <vector>

namespace dc::widgets {

// Loads and decodes samples off the GUI thread, keeps them within a byte budget (least recently used first out,
// never what is closest to the playhead), and prefetches around the last requested sample.
// All methods are for the GUI thread; signals are emitted on it.
class SampleCache : public QObject {
  Q_OBJECT
public:
  static constexpr std::size_t kDefaultBudgetBytes = std::size_t{512} << 20;

  explicit SampleCache(QObject* parent = nullptr);
  ~SampleCache() override;  // cancels and waits for running loads

  // Drops everything cached or pending; null closes.
  void set_session(std::shared_ptr<const dc::core::DriveSession> session);
  const std::shared_ptr<const dc::core::DriveSession>& session() const { return session_; }
  // What the loader derives (e.g. calibrations overriding the drive's for the camera overlays). Drops everything
  // cached or pending, like a new session: cached samples were derived with the old options.
  void set_load_options(dc::core::SampleLoadOptions options);
  const dc::core::SampleLoadOptions& load_options() const { return options_; }

  void set_budget_bytes(std::size_t bytes);  // evicts down to it at once
  std::size_t budget_bytes() const { return budget_; }
  void set_prefetch(int ahead, int behind);  // samples loaded after / before the requested one
  int prefetch_ahead() const { return ahead_; }
  int prefetch_behind() const { return behind_; }
  void set_max_threads(int threads);  // concurrent loads (default 2)

  std::size_t bytes() const { return bytes_; }            // held by the cache now
  std::size_t peak_bytes() const { return peak_bytes_; }  // most ever held since the session was set
  int cached_count() const { return static_cast<int>(entries_.size()); }
  bool contains(int sample) const { return entries_.count(sample) != 0; }
  int loading_count() const { return static_cast<int>(in_flight_.size()); }
  std::vector<int> cached_samples() const;            // ascending
  std::shared_ptr<const SampleData> get(int sample);  // cached or null; never loads


public slots:
  // Answers with sample_ready: at once (before returning) when cached, else when loaded. A newer request makes an
  // older one stale: it is not answered, and it is cancelled unless it falls in the new prefetch window.
  void request(int sample);
  void clear();

signals:
  void sample_ready(int sample, std::shared_ptr<const dc::widgets::SampleData> data);
  void idle();  // nothing left loading

private:
  struct Entry {
    std::shared_ptr<const SampleData> data;
    std::size_t bytes = 0;
    std::uint64_t last_use = 0;
  };
  struct Loading {
    std::shared_ptr<std::atomic<bool>> cancel;
  };

  void update_window(int center);
  int rank(int sample) const;  // position in the wanted window, INT_MAX outside it
  bool make_room(std::size_t bytes, int incoming_rank);
  bool insert(int sample, std::shared_ptr<const SampleData> data);
  void evict(int sample);
  void schedule();
  void on_loaded(std::uint64_t generation, int sample, std::shared_ptr<const SampleData> data, bool cancelled);

  std::shared_ptr<const dc::core::DriveSession> session_;
  std::shared_ptr<const dc::core::SampleLoader> loader_;  // core does the loading; the cache adds threads and memory
  dc::core::SampleLoadOptions options_;
  std::uint64_t generation_ = 0;
  std::unordered_map<int, Entry> entries_;
  std::unordered_map<int, Loading> in_flight_;
  std::vector<int> wanted_;  // priority order: requested, ahead..., behind...
  std::unordered_map<int, int> wanted_rank_;
  std::set<int> skipped_;  // loads that did not fit (prefetches, or one sample over the budget); retried when the
                           // window moves, so an oversized sample is shown uncached once per request
  int latest_request_ = -1;
  std::size_t budget_ = kDefaultBudgetBytes;
  std::size_t bytes_ = 0;
  std::size_t peak_bytes_ = 0;
  double mean_sample_bytes_ = 0.0;
  std::uint64_t use_clock_ = 0;
  int ahead_ = 8;
  int behind_ = 2;
  QThreadPool pool_;
};

}  // namespace dc::widgets
