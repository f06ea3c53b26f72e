// The export's file writer: placed payloads are hard links (or copies of their own) with the source's bytes, written
// files hold the given bytes, and every listed file's sha256 is the one `sha256sum` computes. A payload that cannot
// be placed (its source is gone) surfaces as an error naming it, however the work is spread over threads.
#include "export/export_file_writer.h"
#include "test_support.h"

#include <QTest>

#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>

namespace fs = std::filesystem;
using dc::core::ExportFileWriter;
using dc::core::PayloadPlacement;

namespace {

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

// sha256sum's digest of a file: the reference, independent of the exporter's hashing.
std::string sha256sum(const fs::path& file) {
  const std::string command = "sha256sum '" + file.string() + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {};
  char digest[65] = {};
  const std::size_t n = std::fread(digest, 1, 64, pipe);
  ::pclose(pipe);
  return std::string(digest, n);
}

ino_t inode_of(const fs::path& file) {
  struct stat st {};
  return ::stat(file.c_str(), &st) == 0 ? st.st_ino : 0;
}

}  // namespace

class TestExportFileWriter : public QObject {
  Q_OBJECT
  fs::path work_, sources_;

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("export_file_writer");
    sources_ = work_ / "sources";
    fs::create_directories(sources_);
    for (int i = 0; i < 40; ++i)
      write_text(sources_ / ("payload" + std::to_string(i) + ".bin"),
                 std::string(1000 + 997 * i, static_cast<char>('a' + i % 26)));
  }

  void placesWritesAndHashes_data() {
    QTest::addColumn<bool>("copy");
    QTest::newRow("hard links") << false;
    QTest::newRow("copies") << true;
  }
  void placesWritesAndHashes() {
    QFETCH(bool, copy);
    const fs::path root = work_ / (copy ? "copies" : "links");
    fs::remove_all(root);
    fs::create_directories(root);
    // Progress: two steps per file, filed and on disk. Never more than the filed files' steps (a file is on disk
    // only once filed), never back, and full (160 of 160) only after take_files().
    std::vector<double> reported;
    int filed = 0;
    bool taken = false;
    dc::core::Progress progress;
    progress.report = [&](double done, double total, const std::string&) {
      QCOMPARE(total, 160.0);
      QVERIFY(done <= 2.0 * filed);
      QVERIFY(reported.empty() || done >= reported.back());
      QVERIFY(done < total || taken);
      reported.push_back(done);
    };
    std::map<std::string, std::string> texts;
    nlohmann::json files;
    int linked = 0, copied = 0, written = 0;
    {
      ExportFileWriter out(root, copy ? PayloadPlacement::Copy : PayloadPlacement::LinkOrCopy, progress, 80);
      out.make_folders("data");
      for (int i = 0; i < 40; ++i) {
        const std::string placed = "data/p" + std::to_string(i) + ".bin";
        out.place(sources_ / ("payload" + std::to_string(i) + ".bin"));
        ++filed;
        out.done(placed, "source " + std::to_string(i), "drive", i);
        const std::string rel = "data/t" + std::to_string(i) + ".txt";
        texts[rel] = "text of file " + std::to_string(i) + "\n";
        out.write(texts[rel]);
        ++filed;
        out.done(rel, nullptr, "drive", nullptr);
      }
      taken = true;  // from here the workers may report the last files on disk
      files = out.take_files();
      linked = out.linked;
      copied = out.copied;
      written = out.written;
    }
    QCOMPARE(files.size(), std::size_t(80));
    QCOMPARE(reported.front(), 0.0);
    QCOMPARE(reported.back(), 160.0);
    QCOMPARE(linked, copy ? 0 : 40);
    QCOMPARE(copied, copy ? 40 : 0);
    QCOMPARE(written, 40);
    for (std::size_t k = 0; k < files.size(); ++k) {
      const auto& f = files[k];
      const fs::path file = root / f["path"].get<std::string>();
      QCOMPARE(f["sha256"].get<std::string>(), sha256sum(file));  // listed in filing order, each with its hash
      if (k % 2 == 0) {
        const int i = static_cast<int>(k / 2);
        const fs::path source = sources_ / ("payload" + std::to_string(i) + ".bin");
        QCOMPARE(f["source"].get<std::string>(), "source " + std::to_string(i));
        QCOMPARE(f["timestamp_ns"].get<int>(), i);
        QCOMPARE(dc::test::read_text(file), dc::test::read_text(source));
        QCOMPARE(inode_of(file) == inode_of(source), !copy);
      } else {
        QCOMPARE(dc::test::read_text(file), texts.at(f["path"].get<std::string>()));
      }
    }
  }

  void missingSourceIsNamed() {
    const fs::path root = work_ / "missing";
    fs::remove_all(root);
    fs::create_directories(root);
    dc::core::Progress progress;
    for (const auto placement : {PayloadPlacement::LinkOrCopy, PayloadPlacement::Copy}) {
      fs::remove_all(root / "a.bin");
      ExportFileWriter out(root, placement, progress, 2);
      out.place(sources_ / "no-such-payload.bin");
      out.done("a.bin", nullptr, nullptr, nullptr);
      std::string error;
      try {
        out.take_files();
      } catch (const std::runtime_error& e) {
        error = e.what();
      }
      QVERIFY2(error.find("no-such-payload.bin") != std::string::npos, error.c_str());
    }
  }

  void doneWithoutAFileIsRefused() {
    const fs::path root = work_ / "nothing";
    fs::create_directories(root);
    dc::core::Progress progress;
    ExportFileWriter out(root, PayloadPlacement::LinkOrCopy, progress, 1);
    QVERIFY_THROWS_EXCEPTION(std::logic_error, out.done("x.txt", nullptr, nullptr, nullptr));
  }

  // All files filed, the workers still busy (hashing a 512 MB payload takes a good fraction of a second): a cancel
  // now stops the wait for them.
  void cancelStopsTheWaitForWorkers() {
    const fs::path root = work_ / "cancel_wait";
    fs::remove_all(root);
    fs::create_directories(root);
    const fs::path big = work_ / "big.bin";
    fs::remove(big);
    { std::ofstream(big, std::ios::binary); }
    fs::resize_file(big, std::uintmax_t(512) << 20);  // sparse: no disk space, but every byte is hashed
    std::atomic<bool> cancel{false};
    dc::core::Progress progress;
    progress.cancel = &cancel;
    {
      ExportFileWriter out(root, PayloadPlacement::LinkOrCopy, progress, 1);
      out.place(big);
      out.done("big.bin", nullptr, nullptr, nullptr);
      cancel = true;
      QVERIFY_THROWS_EXCEPTION(dc::core::Cancelled, out.take_files());
    }
    fs::remove(big);
  }

  void cancelStopsAtTheNextFile() {
    const fs::path root = work_ / "cancel";
    fs::remove_all(root);
    fs::create_directories(root);
    std::atomic<bool> cancel{false};
    dc::core::Progress progress;
    progress.cancel = &cancel;
    ExportFileWriter out(root, PayloadPlacement::LinkOrCopy, progress, 3);
    out.write("a");
    out.done("a.txt", nullptr, nullptr, nullptr);
    cancel = true;
    out.write("b");
    QVERIFY_THROWS_EXCEPTION(dc::core::Cancelled, out.done("b.txt", nullptr, nullptr, nullptr));
  }
};

QTEST_GUILESS_MAIN(TestExportFileWriter)
#include "tst_export_file_writer.moc"
