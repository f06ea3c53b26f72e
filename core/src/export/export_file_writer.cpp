#include "export/export_file_writer.h"

#include "export/sha256.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace dc::core {

namespace fs = std::filesystem;

namespace {

// Closes a descriptor on every path out of copy_file_contents.
struct Descriptor {
  int fd = -1;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

[[noreturn]] void copy_failed(const fs::path& from, const fs::path& to, const char* what, int error) {
  throw std::runtime_error("cannot copy " + from.string() + " to " + to.string() + ": " + what + ": " +
                           std::strerror(error));
}

}  // namespace

void copy_file_contents(const fs::path& from, const fs::path& to) {
  Descriptor in{::open(from.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) copy_failed(from, to, "open", errno);
  struct stat st {};
  if (::fstat(in.fd, &st) != 0) copy_failed(from, to, "stat", errno);
  if (!S_ISREG(st.st_mode)) throw std::runtime_error("cannot copy " + from.string() + ": not a regular file");
  Descriptor out{::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 0644)};
  if (out.fd < 0) copy_failed(from, to, "create", errno);
  if (::ioctl(out.fd, FICLONE, in.fd) == 0) return;  // shares the blocks (btrfs, xfs): instant and no space

  off_t left = st.st_size;
  bool kernel_copy = true;
  while (left > 0 && kernel_copy) {
    const ssize_t n = ::copy_file_range(in.fd, nullptr, out.fd, nullptr, static_cast<std::size_t>(left), 0);
    if (n > 0) {
      left -= n;
    } else if (n == 0) {
      break;  // the source shrank
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP) {
      kernel_copy = false;
    } else {
      copy_failed(from, to, "copy_file_range", errno);
    }
  }
  if (left > 0 && !kernel_copy) {
    std::vector<char> buffer(1 << 20);
    for (;;) {
      const ssize_t n = ::read(in.fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) copy_failed(from, to, "read", errno);
      if (n == 0) break;
      for (ssize_t off = 0; off < n;) {
        const ssize_t w = ::write(out.fd, buffer.data() + off, static_cast<std::size_t>(n - off));
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) copy_failed(from, to, "write", errno);
        off += w;
      }
    }
  }
  if (::close(out.fd) != 0) {
    out.fd = -1;
    copy_failed(from, to, "close", errno);
  }
  out.fd = -1;
}

void ExportFileWriter::place(const fs::path& source) { pending_ = Job{0, source, std::nullopt}; }

void ExportFileWriter::write(std::string bytes) { pending_ = Job{0, std::nullopt, std::move(bytes)}; }

void ExportFileWriter::write_unlisted(const std::string& rel, const std::string& bytes) {
  write_bytes(root_ / rel, bytes);
  std::lock_guard lock(mutex_);
  ++written;
}

void ExportFileWriter::write_bytes(const fs::path& file, const std::string& bytes) {
  Descriptor out{::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)};
  if (out.fd < 0) throw std::runtime_error("cannot create " + file.string() + ": " + std::strerror(errno));
  for (std::size_t off = 0; off < bytes.size();) {
    const ssize_t w = ::write(out.fd, bytes.data() + off, bytes.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
    off += static_cast<std::size_t>(w);
  }
  if (::close(out.fd) != 0) {
    out.fd = -1;
    throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
  }
  out.fd = -1;
}

// On a worker thread.
void ExportFileWriter::place_now(const fs::path& source, const fs::path& target) {
  std::error_code ec;
  bool was_linked = false;
  if (placement_ == PayloadPlacement::LinkOrCopy) {
    fs::create_hard_link(source, target, ec);
    was_linked = !ec;
  }
  if (!was_linked) copy_file_contents(source, target);
  const std::uint64_t size = fs::file_size(target, ec);
  std::lock_guard lock(mutex_);
  ++(was_linked ? linked : copied);
  payload_bytes += ec ? 0 : size;
}

void ExportFileWriter::make_folders(const std::string& rel) {
  std::error_code ec;
  fs::create_directories(root_ / rel, ec);
  if (ec) throw std::runtime_error("cannot create " + (root_ / rel).string() + ": " + ec.message());
}

ExportFileWriter::ExportFileWriter(const fs::path& root, PayloadPlacement placement, const Progress& progress,
                                   double total_files, ChecksumCache* checksums)
    : checksums_(checksums), root_(root), placement_(placement), progress_(progress), total_(2 * total_files) {
  progress_(0, total_, "exporting");
  const unsigned n = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  for (unsigned i = 0; i < n; ++i) workers_.emplace_back([this] { worker(); });
}

ExportFileWriter::~ExportFileWriter() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void ExportFileWriter::worker() {
  for (;;) {
    Job job;
    fs::path file;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      file = root_ / files_[job.index]["path"].get<std::string>();
    }
    std::string hash;
    std::exception_ptr failure;
    try {
      if (job.bytes) {
        write_bytes(file, *job.bytes);
        Sha256 sha;
        sha.update(job.bytes->data(), job.bytes->size());
        hash = sha.hex_digest();
      } else if (job.source) {
        place_now(*job.source, file);
        // A placed file has its source's bytes: a hash the cache knows for that source is the file's.
        std::optional<ChecksumCache::Key> key;
        if (checksums_) key = ChecksumCache::key_of(*job.source);
        std::optional<std::string> known;
        if (key) {
          std::lock_guard lock(mutex_);
          known = checksums_->find(*key);
          if (!known) learn_[job.index] = *key;
        }
        hash = known ? *known : Sha256::of_file(file);
      }
    } catch (...) {
      failure = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      if (job.bytes) {
        queued_bytes_ -= job.bytes->size();
        if (!failure) ++written;
      }
      hashes_[job.index] = std::move(hash);
      if (failure && !failure_) failure_ = failure;
    }
    wake_.notify_all();
  }
}

void ExportFileWriter::done(const std::string& rel, const nlohmann::json& source, const nlohmann::json& drive,
                            const nlohmann::json& timestamp_ns) {
  if (!pending_) throw std::logic_error("export: " + rel + " was neither placed nor written");
  double steps = 0;
  {
    std::unique_lock lock(mutex_);
    if (failure_) std::rethrow_exception(failure_);
    // Written bytes wait in memory for a worker: hold the exporter back while too many do.
    wake_.wait(lock, [this] { return queued_bytes_ < kMaxQueuedBytes || failure_; });
    if (failure_) std::rethrow_exception(failure_);
    files_.push_back({{"path", rel}, {"sha256", ""}, {"source", source}, {"drive", drive},
                      {"timestamp_ns", timestamp_ns}});
    pending_->index = files_.size() - 1;
    if (pending_->bytes) queued_bytes_ += pending_->bytes->size();
    queue_.push_back(std::move(*pending_));
    steps = static_cast<double>(files_.size() + hashes_.size());
  }
  pending_.reset();
  wake_.notify_one();
  progress_(steps, total_, rel);
  if (progress_.cancelled()) throw Cancelled();
}

nlohmann::json ExportFileWriter::take_files() {
  std::unique_lock lock(mutex_);
  // The workers may still be copying most of the payloads: progress follows them, and a cancel stops the export
  // here too.
  while (!wake_.wait_for(lock, std::chrono::milliseconds(50),
                         [this] { return hashes_.size() == files_.size() || failure_; })) {
    const std::size_t steps = files_.size() + hashes_.size(), to_go = files_.size() - hashes_.size();
    lock.unlock();
    progress_(static_cast<double>(steps), total_, "placing files: " + std::to_string(to_go) + " to go");
    if (progress_.cancelled()) throw Cancelled();
    lock.lock();
  }
  if (failure_) std::rethrow_exception(failure_);
  lock.unlock();  // the workers are idle: every filed file is on disk
  progress_(2.0 * static_cast<double>(files_.size()), total_, "files placed");
  for (auto& [index, hash] : hashes_) files_[index]["sha256"] = hash;
  for (const auto& [index, key] : learn_) checksums_->insert(key, hashes_[index]);
  learn_.clear();
  hashes_.clear();
  return std::move(files_);
}

}  // namespace dc::core
