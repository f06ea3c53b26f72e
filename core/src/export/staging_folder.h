#pragma once
#include <filesystem>

namespace dc::core {

// `.NAME.partial-XXXXXX` beside the target: the export is written there and renamed into place by commit(), so a
// reader never sees a half-written dataset under the final name. Removed on destruction unless committed. The
// exporting process holds an flock on its staging folder, which the kernel drops when the process dies, so a new
// export to the same target removes the staging folders of killed exports (unlocked) and leaves running ones.
class StagingFolder {
public:
  // Throws std::invalid_argument when the target exists and is not an empty folder.
  explicit StagingFolder(const std::filesystem::path& target);
  ~StagingFolder();
  StagingFolder(const StagingFolder&) = delete;
  StagingFolder& operator=(const StagingFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }
  void commit();  // renames onto the target (an empty target folder is replaced)
  int swept() const { return swept_; }  // staging folders of killed exports removed when this one was made

private:
  std::filesystem::path target_;
  std::filesystem::path path_;
  bool committed_ = false;
  int lock_fd_ = -1;
  int swept_ = 0;
};

}  // namespace dc::core
