#include "export/export_file_writer.h"

#include "export/sha256.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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

void ExportFileWriter::place(const fs::path& source, const std::string& rel) {
  const fs::path target = root_ / rel;
  placed_source_ = source;
  std::error_code ec;
  if (placement_ == PayloadPlacement::LinkOrCopy) {
    fs::create_hard_link(source, target, ec);
    if (!ec) {
      ++linked;
      payload_bytes += fs::file_size(target, ec);
      return;
    }
  }
  copy_file_contents(source, target);
  ++copied;
  payload_bytes += fs::file_size(target, ec);
}

void ExportFileWriter::write(const std::string& rel, const std::string& bytes) {
  const fs::path file = root_ / rel;
  placed_source_.reset();
  Descriptor out{::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)};
  if (out.fd < 0) throw std::runtime_error("cannot create " + file.string() + ": " + std::strerror(errno));
  for (std::size_t off = 0; off < bytes.size();) {
    const ssize_t w = ::write(out.fd, bytes.data() + off, bytes.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
    off += static_cast<std::size_t>(w);
  }
  ++written;
}

void ExportFileWriter::make_folders(const std::string& rel) {
  std::error_code ec;
  fs::create_directories(root_ / rel, ec);
  if (ec) throw std::runtime_error("cannot create " + (root_ / rel).string() + ": " + ec.message());
}

ExportFileWriter::ExportFileWriter(const fs::path& root, PayloadPlacement placement, const Progress& progress,
                                   double total_files, ChecksumCache* checksums)
    : checksums_(checksums), root_(root), placement_(placement), progress_(progress), total_(total_files) {
  const unsigned n = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  for (unsigned i = 0; i < n; ++i) workers_.emplace_back([this] { hash_worker(); });
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

void ExportFileWriter::hash_worker() {
  for (;;) {
    std::size_t index = 0;
    fs::path file;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      index = queue_.front();
      queue_.pop_front();
      file = root_ / files_[index]["path"].get<std::string>();
    }
    std::string hash;
    std::exception_ptr failure;
    try {
      hash = Sha256::of_file(file);
    } catch (...) {
      failure = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      hashes_[index] = std::move(hash);
      if (failure && !failure_) failure_ = failure;
    }
    wake_.notify_all();
  }
}

void ExportFileWriter::done(const std::string& rel, const nlohmann::json& source, const nlohmann::json& drive,
                            const nlohmann::json& timestamp_ns) {
  // A placed file has its source's bytes: a hash the cache knows for that source is the file's.
  std::optional<ChecksumCache::Key> key;
  if (placed_source_ && checksums_) key = ChecksumCache::key_of(*placed_source_);
  placed_source_.reset();
  const std::optional<std::string> known = key ? checksums_->find(*key) : std::nullopt;
  {
    std::lock_guard lock(mutex_);
    files_.push_back({{"path", rel}, {"sha256", ""}, {"source", source}, {"drive", drive},
                      {"timestamp_ns", timestamp_ns}});
    const std::size_t index = files_.size() - 1;
    if (known) {
      hashes_[index] = *known;
    } else {
      queue_.push_back(index);
      if (key) learn_[index] = *key;
    }
  }
  wake_.notify_one();
  progress_(++done_, total_, rel);
  if (progress_.cancelled()) throw Cancelled();
}

const nlohmann::json& ExportFileWriter::files() {
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return hashes_.size() == files_.size() || failure_; });
  if (failure_) std::rethrow_exception(failure_);
  for (auto& [index, hash] : hashes_) files_[index]["sha256"] = hash;
  for (const auto& [index, key] : learn_) checksums_->insert(key, hashes_[index]);
  learn_.clear();
  return files_;
}

}  // namespace dc::core
