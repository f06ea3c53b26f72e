// McapFileReader on files written by the project's MCAP writer: every layout gives back what was written;
// random access decodes a chunk once; truncated, bit-flipped and unknown-record files are read as far as they
// can be, with the damage reported; a file that is not MCAP throws.
#include "dc/core/io/parse_error.h"
#include "io/readers/mcap/mcap_chunk_prefetcher.h"
#include "io/readers/mcap/mcap_file_reader.h"
#include "mcap_writer.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <thread>

using namespace dc::core;
using dc::core::generator::McapWriter;
using dc::core::generator::McapWriterCompression;
using dc::core::generator::McapWriterOptions;
namespace fs = std::filesystem;

Q_DECLARE_METATYPE(McapWriterCompression)

namespace {

struct Msg {
  std::uint16_t channel = 0;
  std::uint64_t log_time = 0, publish_time = 0;
  std::uint32_t sequence = 0;
  std::vector<std::uint8_t> data;
  std::uint64_t file_offset = 0;  // where the writer was when it was added (its record, when unchunked)
};

// Deterministic messages on channels 1..3: times mostly rising, some stepping back, some repeated.
std::vector<Msg> make_messages(int n, std::uint32_t seed, std::size_t max_size) {
  std::mt19937 rng(seed);
  std::vector<Msg> out;
  std::uint64_t t = 1'700'000'000'000'000'000ull;
  for (int i = 0; i < n; ++i) {
    Msg m;
    m.channel = static_cast<std::uint16_t>(1 + rng() % 3);
    t += rng() % 1000;
    m.log_time = (i % 5 == 3) ? t - rng() % 3000 : t;
    if (i % 17 == 16) m.log_time = out.back().log_time;
    m.publish_time = m.log_time + 7;
    m.sequence = static_cast<std::uint32_t>(i);
    m.data.resize(rng() % (max_size + 1));
    for (auto& b : m.data) b = static_cast<std::uint8_t>(rng());
    out.push_back(std::move(m));
  }
  return out;
}

const std::vector<std::uint8_t> kSchemaA = {'i', 'n', 't', '3', '2', ' ', 'a'};
const std::vector<std::uint8_t> kAttachment = {10, 20, 30, 40, 50};

struct Written {
  std::vector<McapWriter::ChunkPlace> chunks;
  std::uint64_t data_end = 0, summary_start = 0, size = 0;
};

// Two schemas, three channels (the third schemaless), the messages, and one attachment and one metadata record
// halfway through.
Written write_file(const fs::path& path, const McapWriterOptions& options, std::vector<Msg>& msgs) {
  McapWriter w(path, options);
  const auto a = w.add_schema("pkg/A", "ros2msg", kSchemaA);
  const auto b = w.add_schema("pkg/B", "jsonschema", std::vector<std::uint8_t>{'{', '}'});
  w.add_channel(a, "/a", "cdr", {{"offered_qos_profiles", "x"}});
  w.add_channel(b, "/b", "json");
  w.add_channel(0, "/c", "raw");
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    if (i == msgs.size() / 2) {
      w.add_attachment("calib.yaml", "text/yaml", 5, 6, kAttachment);
      w.add_metadata("drive", {{"car", "test"}, {"site", "lab"}});
    }
    msgs[i].file_offset = w.bytes_written();
    w.add_message(msgs[i].channel, msgs[i].log_time, msgs[i].publish_time, msgs[i].sequence, msgs[i].data);
  }
  w.close();
  return {w.chunks(), w.data_end_offset(), w.summary_start(), fs::file_size(path)};
}

// Indexes of `msgs` in the order the reader must list them: by log_time, equal times in write order.
std::vector<std::size_t> log_time_order(const std::vector<Msg>& msgs, const std::vector<bool>& keep = {}) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < msgs.size(); ++i)
    if (keep.empty() || keep[i]) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return msgs[x].log_time < msgs[y].log_time; });
  return order;
}

// "" when the reader lists exactly msgs[order[i]] (channel, times, sequence, bytes), else the first difference.
std::string compare(const McapFileReader& reader, const std::vector<Msg>& msgs, const std::vector<std::size_t>& order) {
  const auto& refs = reader.messages();
  if (refs.size() != order.size())
    return "reader lists " + std::to_string(refs.size()) + " messages, expected " + std::to_string(order.size());
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const Msg& want = msgs[order[i]];
    const std::string at = "message " + std::to_string(i) + " (written as " + std::to_string(order[i]) + "): ";
    if (refs[i].channel_id != want.channel || refs[i].log_time != want.log_time) return at + "channel/log_time differ";
    McapMessage got;
    try {
      got = reader.read_message(refs[i]);
    } catch (const ParseError& e) {
      return at + e.what();
    }
    if (got.channel_id != want.channel || got.log_time != want.log_time || got.publish_time != want.publish_time ||
        got.sequence != want.sequence)
      return at + "header fields differ";
    if (!std::equal(got.data.begin(), got.data.end(), want.data.begin(), want.data.end())) return at + "data differ";
    if (refs[i].header_read && (refs[i].sequence != want.sequence || refs[i].publish_time != want.publish_time ||
                                refs[i].data_size != want.data.size()))
      return at + "indexed header fields differ";
  }
  return {};
}

std::unique_ptr<McapFileReader> open_reader(const fs::path& p, bool use_summary = true) {
  McapReadOptions o;
  o.use_summary = use_summary;
  return McapFileReader::open(p, o);
}

bool any_problem(const McapFileReader& r, std::initializer_list<std::string> parts) {
  for (const auto& p : r.problems())
    if (std::all_of(parts.begin(), parts.end(), [&](const std::string& s) { return p.find(s) != std::string::npos; }))
      return true;
  return false;
}

QByteArray joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return QByteArray::fromStdString(s);
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Every message of the chunks that end at or before `cut` (a chunk cut anywhere is lost whole).
std::vector<bool> in_whole_chunks(std::size_t n, const std::vector<McapWriter::ChunkPlace>& chunks, std::uint64_t cut) {
  std::vector<bool> keep(n, false);
  for (const auto& c : chunks)
    if (c.offset + c.length <= cut)
      for (std::size_t i = 0; i < c.message_count; ++i) keep[c.first_message + i] = true;
  return keep;
}

McapWriterOptions options(McapWriterCompression compression, bool summary, bool chunked, bool indexes,
                          std::uint64_t chunk_size = 16 * 1024) {
  McapWriterOptions o;
  o.compression = compression;
  o.summary = summary;
  o.chunked = chunked;
  o.message_indexes = indexes;
  o.chunk_size = chunk_size;
  o.profile = "ros2";
  return o;
}

}  // namespace

class TstMcapFile : public QObject {
  Q_OBJECT

 private slots:
  void written_messages_read_back_data() {
    QTest::addColumn<McapWriterCompression>("compression");
    QTest::addColumn<bool>("summary");
    QTest::addColumn<bool>("chunked");
    QTest::addColumn<bool>("indexes");
    const std::pair<McapWriterCompression, const char*> compressions[] = {{McapWriterCompression::none, "none"},
                                                                          {McapWriterCompression::zstd, "zstd"},
                                                                          {McapWriterCompression::lz4, "lz4"}};
    for (const auto& [c, name] : compressions)
      for (bool summary : {true, false}) {
        const std::string base = std::string(name) + (summary ? " summary" : " no-summary");
        QTest::newRow((base + " unchunked").c_str()) << c << summary << false << false;
        QTest::newRow((base + " chunked").c_str()) << c << summary << true << true;
        QTest::newRow((base + " chunked no-message-index").c_str()) << c << summary << true << false;
      }
  }
  void written_messages_read_back() {
    QFETCH(McapWriterCompression, compression);
    QFETCH(bool, summary);
    QFETCH(bool, chunked);
    QFETCH(bool, indexes);
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "drive.mcap";
    auto msgs = make_messages(400, 7, 2000);
    const Written written = write_file(path, options(compression, summary, chunked, indexes), msgs);
    if (chunked) QVERIFY(written.chunks.size() > 5);

    std::vector<McapMessageRef> first_refs;
    for (bool use_summary : {true, false}) {
      const auto reader = open_reader(path, use_summary);
      QVERIFY2(reader->problems().empty(), joined(reader->problems()).constData());
      QCOMPARE(reader->indexed_from_summary(), use_summary && summary && chunked);
      const std::string diff = compare(*reader, msgs, log_time_order(msgs));
      QVERIFY2(diff.empty(), diff.c_str());
      if (first_refs.empty())
        first_refs = reader->messages();
      else
        QVERIFY(reader->messages() == first_refs);  // summary indexes and linear scan agree

      QCOMPARE(reader->header().profile, std::string("ros2"));
      QCOMPARE(reader->header().library, std::string("drivecurator"));
      QCOMPARE(reader->schemas().size(), std::size_t(2));
      QCOMPARE(reader->schemas().at(1).name, std::string("pkg/A"));
      QCOMPARE(reader->schemas().at(1).encoding, std::string("ros2msg"));
      QCOMPARE(reader->schemas().at(1).data, kSchemaA);
      QCOMPARE(reader->schemas().at(2).name, std::string("pkg/B"));
      QCOMPARE(reader->channels().size(), std::size_t(3));
      QCOMPARE(reader->channels().at(1).topic, std::string("/a"));
      QCOMPARE(reader->channels().at(1).schema_id, std::uint16_t(1));
      QCOMPARE(reader->channels().at(1).message_encoding, std::string("cdr"));
      QCOMPARE(reader->channels().at(1).metadata.at("offered_qos_profiles"), std::string("x"));
      QCOMPARE(reader->channels().at(3).schema_id, std::uint16_t(0));

      QCOMPARE(reader->attachments().size(), std::size_t(1));
      const McapAttachment a = reader->read_attachment(reader->attachments()[0]);
      QCOMPARE(a.name, std::string("calib.yaml"));
      QCOMPARE(a.media_type, std::string("text/yaml"));
      QCOMPARE(a.log_time, std::uint64_t(5));
      QCOMPARE(a.create_time, std::uint64_t(6));
      QCOMPARE(a.data, kAttachment);
      QCOMPARE(reader->metadata().size(), std::size_t(1));
      const McapMetadata m = reader->read_metadata(reader->metadata()[0]);
      QCOMPARE(m.name, std::string("drive"));
      QCOMPARE(m.metadata, (std::map<std::string, std::string>{{"car", "test"}, {"site", "lab"}}));

      QCOMPARE(reader->statistics().has_value(), summary);
      if (summary) QCOMPARE(reader->statistics()->message_count, std::uint64_t(msgs.size()));
      QCOMPARE(reader->chunks().size(), written.chunks.size());
      for (std::size_t i = 0; i < written.chunks.size(); ++i) {
        QCOMPARE(reader->chunks()[i].offset, written.chunks[i].offset);
        QCOMPARE(reader->chunks()[i].length, written.chunks[i].length);
        QCOMPARE(reader->chunks()[i].message_index, indexes);
      }
    }
  }

  void random_access_decodes_a_chunk_once() {
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "drive.mcap";
    auto msgs = make_messages(1000, 11, 200);
    const Written written = write_file(path, options(McapWriterCompression::zstd, true, true, true, 4096), msgs);
    QVERIFY(written.chunks.size() > 20);
    const auto order = log_time_order(msgs);

    const auto reader = open_reader(path);
    QVERIFY(reader->indexed_from_summary());
    QCOMPARE(reader->chunk_decodes(), std::uint64_t(0));  // indexing read no chunk
    const McapMessageRef ref = reader->messages()[499];
    QVERIFY(ref.chunk_offset != kMcapNotInChunk);
    const auto bytes = reader->read_message_bytes(ref);
    QCOMPARE(bytes, msgs[order[499]].data);
    QCOMPARE(reader->chunk_decodes(), std::uint64_t(1));
    QCOMPARE(reader->read_message_bytes(ref), msgs[order[499]].data);
    QCOMPARE(reader->chunk_decodes(), std::uint64_t(1));
    // Another message of the same chunk comes from the cache too; one of another chunk needs one more decode.
    std::size_t same = 0, other = 0;
    for (std::size_t i = 0; i < reader->messages().size(); ++i) {
      if (i != 499 && reader->messages()[i].chunk_offset == ref.chunk_offset && !same) same = i;
      if (reader->messages()[i].chunk_offset != ref.chunk_offset && !other) other = i;
    }
    QVERIFY(same && other);
    QCOMPARE(reader->read_message_bytes(reader->messages()[same]), msgs[order[same]].data);
    QCOMPARE(reader->chunk_decodes(), std::uint64_t(1));
    QCOMPARE(reader->read_message_bytes(reader->messages()[other]), msgs[order[other]].data);
    QCOMPARE(reader->chunk_decodes(), std::uint64_t(2));

    // A forced scan lists messages from the MessageIndex records and finds the channels in the summary's copies:
    // no decode either.
    const auto scanned = open_reader(path, false);
    QCOMPARE(scanned->chunk_decodes(), std::uint64_t(0));
    QVERIFY(scanned->messages() == reader->messages());
    // Without a summary, only the chunk holding the channel records is decoded (to learn the channels).
    write_file(path, options(McapWriterCompression::zstd, false, true, true, 4096), msgs);
    const auto no_summary = open_reader(path);
    QCOMPARE(no_summary->chunk_decodes(), std::uint64_t(1));
    QVERIFY(no_summary->messages() == reader->messages());
  }

  void concurrent_reads_decode_each_chunk_once() {
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "drive.mcap";
    auto msgs = make_messages(1000, 5, 300);
    const Written written = write_file(path, options(McapWriterCompression::lz4, true, true, true, 4096), msgs);
    const auto order = log_time_order(msgs);
    const auto reader = open_reader(path);
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        std::vector<std::size_t> idx(reader->messages().size());
        std::iota(idx.begin(), idx.end(), 0);
        std::shuffle(idx.begin(), idx.end(), std::mt19937(t));
        for (std::size_t i : idx) {
          const McapMessage m = reader->read_message(reader->messages()[i]);
          const auto& want = msgs[order[i]].data;
          if (!std::equal(m.data.begin(), m.data.end(), want.begin(), want.end())) ++wrong;
        }
      });
    for (auto& th : threads) th.join();
    QCOMPARE(wrong.load(), 0);
    QCOMPARE(reader->chunk_decodes(), std::uint64_t(written.chunks.size()));
  }

  void message_heads_of_uncompressed_chunks_are_read_in_place() {
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "drive.mcap";
    for (const auto compression : {McapWriterCompression::none, McapWriterCompression::zstd}) {
      auto msgs = make_messages(600, 13, 400);
      write_file(path, options(compression, true, true, true, 4096), msgs);
      const auto order = log_time_order(msgs);
      const auto reader = open_reader(path);
      for (std::size_t i = 0; i < reader->messages().size(); ++i) {
        const auto& want = msgs[order[i]].data;
        const McapMessageHead head = reader->read_message_head(reader->messages()[i], 16);
        QCOMPARE(head.data_size, std::uint64_t(want.size()));
        QCOMPARE(head.message.log_time, msgs[order[i]].log_time);
        QCOMPARE(head.message.sequence, msgs[order[i]].sequence);
        // At least the 16 bytes asked for, exactly those bytes of the data.
        QVERIFY(head.message.data.size() >= std::min<std::size_t>(16, want.size()));
        QVERIFY(std::equal(head.message.data.begin(), head.message.data.end(), want.begin()));
        const McapMessageHead whole =
            reader->read_message_head(reader->messages()[i], std::numeric_limits<std::size_t>::max());
        QVERIFY(std::equal(whole.message.data.begin(), whole.message.data.end(), want.begin(), want.end()));
      }
      if (compression == McapWriterCompression::none) {
        // Uncompressed: no chunk was decoded or kept, and the heads are only what was asked for.
        QCOMPARE(reader->chunk_decodes(), std::uint64_t(0));
        QVERIFY(reader->read_message_head(reader->messages()[0], 16).message.data.size() <= 16);
      } else {
        QVERIFY(reader->chunk_decodes() > 0);  // compressed: decoded through the cache, whole data given
      }
    }
  }

  void message_heads_of_a_damaged_uncompressed_chunk_throw() {
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "drive.mcap";
    auto msgs = make_messages(300, 9, 1500);
    const Written w = write_file(path, options(McapWriterCompression::none, true, true, true, 8192), msgs);
    const auto& bad = w.chunks[1];
    std::string bytes = read_bytes(path);
    bytes[bad.offset + bad.length - 30] ^= 0x20;  // in the records, after every message's head
    write_bytes(path, bytes);
    const auto reader = open_reader(path);
    const std::string where = "Chunk record at byte " + std::to_string(bad.offset);
    int thrown = 0, read = 0;
    for (int pass = 0; pass < 2; ++pass)  // the second pass finds the failed check remembered
      for (const auto& ref : reader->messages()) {
        try {
          reader->read_message_head(ref, 8);
          ++read;
          QVERIFY(ref.chunk_offset != bad.offset);
        } catch (const ParseError& e) {
          QVERIFY2(std::string(e.what()).find(where + ": uncompressed CRC mismatch") != std::string::npos, e.what());
          QCOMPARE(ref.chunk_offset, bad.offset);
          ++thrown;
        }
      }
    QCOMPARE(thrown, 2 * int(bad.message_count));
    QCOMPARE(read, 2 * int(msgs.size() - bad.message_count));
    QVERIFY(any_problem(*reader, {where, "CRC mismatch"}));
  }

  void prefetched_chunks_are_decoded_once() {
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "drive.mcap";
    auto msgs = make_messages(2000, 21, 600);
    const Written written = write_file(path, options(McapWriterCompression::zstd, true, true, true, 4096), msgs);
    const auto order = log_time_order(msgs);
    // Workers ahead of a reader walking every message in log time order, with a window of one chunk, a few, all.
    for (const std::size_t window : {std::size_t(0), std::size_t(20'000), std::size_t(1) << 30}) {
      for (const unsigned threads : {1u, 3u}) {
        const auto reader = open_reader(path);
        std::vector<std::uint64_t> chunk_order;
        std::map<std::uint64_t, std::size_t> index;
        for (const auto& ref : reader->messages())
          if (index.emplace(ref.chunk_offset, chunk_order.size()).second) chunk_order.push_back(ref.chunk_offset);
        int wrong = 0;
        {
          McapChunkPrefetcher prefetcher(*reader, chunk_order, window, threads);
          for (std::size_t i = 0; i < reader->messages().size(); ++i) {
            const auto& ref = reader->messages()[i];
            prefetcher.reached(index.at(ref.chunk_offset));
            const McapMessage m = reader->read_message(ref);
            const auto& want = msgs[order[i]].data;
            if (!std::equal(m.data.begin(), m.data.end(), want.begin(), want.end())) ++wrong;
          }
        }
        QCOMPARE(wrong, 0);
        // Chunks the walk returns to are still cached (the window keeps the prefetched ones within the cache).
        QCOMPARE(reader->chunk_decodes(), std::uint64_t(written.chunks.size()));
      }
    }
  }

  void truncated_file_reads_what_is_before_the_cut() {
    QTemporaryDir dir;
    const fs::path full = fs::path(dir.path().toStdString()) / "full.mcap";
    const fs::path cut_path = fs::path(dir.path().toStdString()) / "cut.mcap";
    auto msgs = make_messages(300, 3, 1500);
    const Written w = write_file(full, options(McapWriterCompression::zstd, true, true, true, 8192), msgs);
    QVERIFY(w.chunks.size() > 5);
    const std::string bytes = read_bytes(full);
    const auto& c = w.chunks[2];
    QVERIFY(c.end > c.offset + c.length + 3);
    const std::vector<std::pair<std::uint64_t, const char*>> cuts = {
        {8, "after the magic"},
        {9, "inside the Header's record header"},
        {20, "inside the Header"},
        {c.offset, "at a chunk"},
        {c.offset + c.length / 2, "mid-chunk"},
        {c.offset + c.length + 3, "inside a chunk's message index"},
        {c.end, "after a chunk's message indexes"},
        {w.data_end + 2, "inside DataEnd"},
        {w.summary_start, "at the summary"},
        {w.summary_start + 7, "mid-summary"},
        {w.size - 37 + 5, "inside the Footer"},
        {w.size - 4, "inside the end magic"},
    };
    for (const auto& [cut, what] : cuts) {
      write_bytes(cut_path, bytes.substr(0, cut));
      std::unique_ptr<McapFileReader> reader;
      try {
        reader = open_reader(cut_path);
      } catch (const std::exception& e) {
        QFAIL((std::string(what) + ": " + e.what()).c_str());
      }
      const std::string diff =
          compare(*reader, msgs, log_time_order(msgs, in_whole_chunks(msgs.size(), w.chunks, cut)));
      QVERIFY2(diff.empty(), (std::string(what) + ": " + diff).c_str());
      QVERIFY2(any_problem(*reader, {"truncated at byte " + std::to_string(cut), cut_path.string()}),
               (std::string(what) + ":\n" + joined(reader->problems()).toStdString()).c_str());
    }

    // Unchunked: every message whose record ends before the cut.
    auto plain = make_messages(100, 4, 500);
    write_file(full, options(McapWriterCompression::none, false, false, false), plain);
    const std::string plain_bytes = read_bytes(full);
    for (std::uint64_t cut : {plain[60].file_offset, plain[60].file_offset + 5, plain[60].file_offset + 30}) {
      write_bytes(cut_path, plain_bytes.substr(0, cut));
      const auto reader = open_reader(cut_path);
      std::vector<bool> keep(plain.size(), false);
      for (std::size_t i = 0; i < 60; ++i) keep[i] = true;
      const std::string diff = compare(*reader, plain, log_time_order(plain, keep));
      QVERIFY2(diff.empty(), diff.c_str());
      QVERIFY(any_problem(*reader, {"truncated at byte " + std::to_string(cut), "60 messages"}));
    }
  }

  void flipped_byte_in_a_chunk_loses_only_that_chunk() {
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "drive.mcap";
    const std::pair<McapWriterCompression, std::uint64_t> cases[] = {
        // Chunk record prefix (9) + fixed fields (40) + the compression name: then the records.
        {McapWriterCompression::none, 49},
        {McapWriterCompression::zstd, 53},
        {McapWriterCompression::lz4, 52}};
    for (const auto& [compression, records_at] : cases) {
      for (bool indexed : {false, true}) {
        auto msgs = make_messages(300, 9, 1500);
        const Written w = write_file(path, options(compression, indexed, true, indexed, 8192), msgs);
        const auto& bad = w.chunks[1];
        std::string bytes = read_bytes(path);
        bytes[bad.offset + records_at + (bad.length - records_at) / 2] ^= 0x20;
        write_bytes(path, bytes);
        const std::string where = "Chunk record at byte " + std::to_string(bad.offset);
        std::vector<bool> keep(msgs.size(), true);
        for (std::size_t i = 0; i < bad.message_count; ++i) keep[bad.first_message + i] = false;

        if (!indexed) {
          // The scan decodes every chunk: the damage is found at open, that chunk's messages are left out.
          const auto reader = open_reader(path);
          QVERIFY2(any_problem(*reader, {where, path.string()}), joined(reader->problems()).constData());
          if (compression == McapWriterCompression::none)
            QVERIFY(any_problem(*reader, {where, "uncompressed CRC mismatch", "its messages skipped"}));
          QVERIFY(any_problem(*reader, {"data section CRC mismatch"}));
          const std::string diff = compare(*reader, msgs, log_time_order(msgs, keep));
          QVERIFY2(diff.empty(), diff.c_str());
          continue;
        }
        // Indexed: nothing is decoded at open; reading a message of the damaged chunk throws and is reported.
        const auto reader = open_reader(path);
        QVERIFY2(reader->problems().empty(), joined(reader->problems()).constData());
        QCOMPARE(reader->messages().size(), msgs.size());
        const auto order = log_time_order(msgs);
        int thrown = 0;
        for (std::size_t i = 0; i < reader->messages().size(); ++i) {
          const auto& ref = reader->messages()[i];
          if (ref.chunk_offset == bad.offset) {
            try {
              reader->read_message(ref);
              QFAIL("a message of the damaged chunk was read");
            } catch (const ParseError& e) {
              QVERIFY2(std::string(e.what()).find(where) != std::string::npos, e.what());
              ++thrown;
            }
          } else {
            QCOMPARE(reader->read_message_bytes(ref), msgs[order[i]].data);
          }
        }
        QCOMPARE(thrown, int(bad.message_count));
        QVERIFY(any_problem(*reader, {where, path.string()}));
        if (compression == McapWriterCompression::none) QVERIFY(any_problem(*reader, {where, "CRC mismatch"}));
        // A forced scan checks the data section CRC.
        QVERIFY(any_problem(*open_reader(path, false), {"data section CRC mismatch"}));
      }
    }
  }

  void unknown_opcodes_are_skipped() {
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "drive.mcap";
    const std::vector<std::uint8_t> junk = {1, 2, 3, 4};
    auto msgs = make_messages(40, 2, 300);
    struct Case {
      bool chunked, summary, top_level;
    };
    for (const Case c : {Case{false, false, true}, Case{true, false, false}, Case{true, true, true}}) {
      std::uint64_t unknown_at = 0;
      {
        McapWriterOptions o = options(McapWriterCompression::zstd, c.summary, c.chunked, c.summary, 2048);
        McapWriter w(path, o);
        const auto s = w.add_schema("pkg/A", "ros2msg", kSchemaA);
        for (int k = 1; k <= 3; ++k) w.add_channel(s, "/t" + std::to_string(k), "cdr");
        for (std::size_t i = 0; i < msgs.size(); ++i) {
          if (i == 20) {
            unknown_at = w.add_raw_record(0x99, junk, c.top_level);
            w.add_raw_record(0x80, {}, c.top_level);
          }
          w.add_message(msgs[i].channel, msgs[i].log_time, msgs[i].publish_time, msgs[i].sequence, msgs[i].data);
        }
        w.close();
      }
      const auto scanned = open_reader(path, false);
      std::string diff = compare(*scanned, msgs, log_time_order(msgs));
      QVERIFY2(diff.empty(), diff.c_str());
      if (c.top_level)
        QVERIFY2(any_problem(*scanned, {"unknown opcode 0x99 at byte " + std::to_string(unknown_at) + " skipped"}),
                 joined(scanned->problems()).constData());
      else
        QVERIFY2(any_problem(*scanned, {"unknown opcode 0x99", "of the records of the Chunk at byte"}),
                 joined(scanned->problems()).constData());
      QVERIFY(any_problem(*scanned, {"unknown opcode 0x80"}));
      if (c.summary) {
        // Indexed from the summary: the data section is not read, nothing to report.
        const auto indexed = open_reader(path);
        QVERIFY(indexed->indexed_from_summary());
        QVERIFY(indexed->problems().empty());
        diff = compare(*indexed, msgs, log_time_order(msgs));
        QVERIFY2(diff.empty(), diff.c_str());
      }
    }
  }

  void broken_summary_falls_back_to_a_scan() {
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "drive.mcap";
    auto msgs = make_messages(200, 8, 500);
    const Written w = write_file(path, options(McapWriterCompression::lz4, true, true, true, 4096), msgs);
    std::string bytes = read_bytes(path);
    bytes[w.summary_start + 20] ^= 0x01;
    write_bytes(path, bytes);
    const auto reader = open_reader(path);
    QVERIFY(!reader->indexed_from_summary());
    QVERIFY2(any_problem(*reader, {"summary CRC mismatch", "linear scan"}), joined(reader->problems()).constData());
    const std::string diff = compare(*reader, msgs, log_time_order(msgs));
    QVERIFY2(diff.empty(), diff.c_str());
  }

  void not_mcap_throws_parse_error() {
    QTemporaryDir dir;
    const fs::path base = dir.path().toStdString();
    const std::vector<std::pair<std::string, std::string>> files = {
        {"text.mcap", "this is not an MCAP file at all, just text\n"},
        {"short.mcap", std::string("\x89MCA", 4)},
        {"empty.mcap", ""},
        {"badmagic.mcap", std::string("\x89MCAP1\r\n", 8) + std::string(64, '\0')},
    };
    for (const auto& [name, content] : files) {
      write_bytes(base / name, content);
      try {
        open_reader(base / name);
        QFAIL(("no ParseError for " + name).c_str());
      } catch (const ParseError& e) {
        QVERIFY2(std::string(e.what()).find((base / name).string()) != std::string::npos, e.what());
      }
    }
    QVERIFY_THROWS_EXCEPTION(ParseError, open_reader(base / "missing.mcap"));
    QVERIFY_THROWS_EXCEPTION(ParseError, open_reader(base));  // a folder

    // The magic alone is MCAP, cut short: reported, not thrown.
    write_bytes(base / "magic.mcap", std::string("\x89MCAP0\r\n", 8));
    const auto reader = open_reader(base / "magic.mcap");
    QVERIFY(reader->messages().empty());
    QVERIFY(any_problem(*reader, {"truncated at byte 8"}));
  }

  void messages_in_matches_brute_force() {
    QTemporaryDir dir;
    const fs::path path = fs::path(dir.path().toStdString()) / "drive.mcap";
    auto msgs = make_messages(1000, 21, 50);
    write_file(path, options(McapWriterCompression::zstd, true, true, true, 4096), msgs);
    const auto reader = open_reader(path);
    const auto [lo, hi] = std::minmax_element(msgs.begin(), msgs.end(),
                                              [](const Msg& a, const Msg& b) { return a.log_time < b.log_time; });
    const std::uint64_t t_min = lo->log_time - 10, t_max = hi->log_time + 10;
    std::mt19937_64 rng(3);
    for (int k = 0; k < 500; ++k) {
      const auto channel = static_cast<std::uint16_t>(rng() % 5);  // 0 and 4 have no messages
      std::uint64_t t0 = t_min + rng() % (t_max - t_min), t1 = t_min + rng() % (t_max - t_min);
      if (k % 10 == 0) t1 = t0;
      if (k % 7 == 0) t0 = msgs[rng() % msgs.size()].log_time;  // bounds on existing (and repeated) times
      if (k % 11 == 0) t1 = msgs[rng() % msgs.size()].log_time;
      std::vector<McapMessageRef> want;
      for (const auto& m : reader->messages())
        if (m.channel_id == channel && m.log_time >= t0 && m.log_time < t1) want.push_back(m);
      QVERIFY(reader->messages_in(channel, t0, t1) == want);
    }
    for (std::uint16_t channel = 1; channel <= 3; ++channel) {
      const auto n = std::count_if(msgs.begin(), msgs.end(), [&](const Msg& m) { return m.channel == channel; });
      QCOMPARE(reader->messages_in(channel, 0, UINT64_MAX).size(), std::size_t(n));
    }
  }
};

QTEST_APPLESS_MAIN(TstMcapFile)
#include "tst_mcap_file.moc"
