// The MCAP container reader against the MCAP project's conformance suite (../shared/data/mcap-conformance): every
// file's records, as the reader lists them, equal the records of the .json beside it; the message list built
// from the summary's indexes equals the one from a forced linear scan; the reader's messages, schemas, channels,
// attachments and metadata equal those of the .json.
#include "dc/core/io/parse_error.h"
#include "io/readers/mcap/mcap_file_reader.h"
#include "io/readers/mcap/mcap_record_list.h"
#include "test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace dc::core;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path conformance_dir() {
  return fs::path(DC_SHARED_DATA_DIR) / "mcap-conformance";
}

std::vector<fs::path> conformance_files() {
  std::vector<fs::path> files;
  if (!fs::is_directory(conformance_dir())) return files;
  for (const auto& e : fs::recursive_directory_iterator(conformance_dir()))
    if (e.is_regular_file() && e.path().extension() == ".mcap") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

json load_json(const fs::path& mcap) {
  fs::path p = mcap;
  p.replace_extension(".json");
  std::ifstream in(p);
  if (!in) throw std::runtime_error("no " + p.string());
  return json::parse(in);
}

// The conformance JSON's form of one field value: numbers as decimal strings, bytes as arrays of decimal strings,
// maps as objects of strings.
json to_json(const McapFieldValue& v) {
  struct Visitor {
    json operator()(std::uint64_t n) const { return std::to_string(n); }
    json operator()(const std::string& s) const { return s; }
    json operator()(const std::vector<std::uint8_t>& b) const {
      json a = json::array();
      for (std::uint8_t x : b) a.push_back(std::to_string(x));
      return a;
    }
    json operator()(const std::map<std::string, std::string>& m) const {
      json o = json::object();
      for (const auto& [k, val] : m) o[k] = val;
      return o;
    }
    json operator()(const std::map<std::uint64_t, std::uint64_t>& m) const {
      json o = json::object();
      for (const auto& [k, val] : m) o[std::to_string(k)] = std::to_string(val);
      return o;
    }
  };
  return std::visit(Visitor{}, v);
}

// Fields sorted by name, so the comparison does not depend on the order either side lists them in.
json sorted_fields(json fields) {
  std::sort(fields.begin(), fields.end(), [](const json& a, const json& b) { return a[0] < b[0]; });
  return fields;
}

json record_to_json(const McapRecordFields& r) {
  json fields = json::array();
  for (const auto& [name, value] : r.fields) fields.push_back(json::array({name, to_json(value)}));
  return json{{"type", r.type}, {"fields", sorted_fields(fields)}};
}

std::string field_string(const json& record, const std::string& name) {
  for (const auto& f : record["fields"])
    if (f[0] == name) return f[1].get<std::string>();
  throw std::runtime_error("no field " + name);
}

std::uint64_t field_number(const json& record, const std::string& name) {
  return std::stoull(field_string(record, name));
}

std::vector<std::uint8_t> field_bytes(const json& record, const std::string& name) {
  for (const auto& f : record["fields"])
    if (f[0] == name) {
      std::vector<std::uint8_t> out;
      for (const auto& x : f[1]) out.push_back(static_cast<std::uint8_t>(std::stoul(x.get<std::string>())));
      return out;
    }
  throw std::runtime_error("no field " + name);
}

std::map<std::string, std::string> field_map(const json& record, const std::string& name) {
  for (const auto& f : record["fields"])
    if (f[0] == name) return f[1].get<std::map<std::string, std::string>>();
  throw std::runtime_error("no field " + name);
}

std::vector<json> records_of_type(const json& doc, const std::string& type) {
  std::vector<json> out;
  for (const auto& r : doc["records"])
    if (r["type"] == type) out.push_back(r);
  return out;
}

void add_file_rows() {
  QTest::addColumn<QString>("file");
  for (const auto& f : conformance_files())
    QTest::newRow(f.filename().string().c_str()) << QString::fromStdString(f.string());
}

QByteArray joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return QByteArray::fromStdString(s);
}

}  // namespace

class TstMcapConformance : public QObject {
  Q_OBJECT

 private slots:
  void suite_is_present() {
    // 13 files in the suite copy (see its README); a missing folder must fail, not skip every row.
    QCOMPARE(conformance_files().size(), std::size_t(13));
  }

  void records_match_json_data() { add_file_rows(); }
  void records_match_json() {
    QFETCH(QString, file);
    const fs::path path = file.toStdString();
    const json expected = load_json(path)["records"];
    const auto records = list_mcap_records(path);
    QCOMPARE(records.size(), expected.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
      json want = expected[i];
      want["fields"] = sorted_fields(want["fields"]);
      QCOMPARE(QString::fromStdString(record_to_json(records[i]).dump()), QString::fromStdString(want.dump()));
    }
  }

  void summary_index_equals_linear_scan_data() { add_file_rows(); }
  void summary_index_equals_linear_scan() {
    QFETCH(QString, file);
    const fs::path path = file.toStdString();
    const auto indexed = McapFileReader::open(path);
    McapReadOptions scan_only;
    scan_only.use_summary = false;
    const auto scanned = McapFileReader::open(path, scan_only);
    QVERIFY2(indexed->problems().empty(), joined(indexed->problems()).constData());
    QVERIFY2(scanned->problems().empty(), joined(scanned->problems()).constData());
    QVERIFY(!scanned->indexed_from_summary());
    // A file with chunk indexes is indexed from them, without the scan.
    const std::string name = path.filename().string();
    if (name.find("-chx") != std::string::npos) QVERIFY(indexed->indexed_from_summary());
    QVERIFY(indexed->messages() == scanned->messages());
    QVERIFY(indexed->schemas() == scanned->schemas());
    QVERIFY(indexed->channels() == scanned->channels());
    QVERIFY(indexed->attachments() == scanned->attachments());
    QVERIFY(indexed->metadata() == scanned->metadata());
  }

  void messages_match_json_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("use_summary");
    for (const auto& f : conformance_files()) {
      const std::string name = f.filename().string();
      QTest::newRow((name + " summary").c_str()) << QString::fromStdString(f.string()) << true;
      QTest::newRow((name + " scan").c_str()) << QString::fromStdString(f.string()) << false;
    }
  }
  void messages_match_json() {
    QFETCH(QString, file);
    QFETCH(bool, use_summary);
    const fs::path path = file.toStdString();
    const json doc = load_json(path);
    McapReadOptions options;
    options.use_summary = use_summary;
    const auto reader = McapFileReader::open(path, options);

    // Messages: the JSON lists them in file order; the reader sorts by log_time, equal times in file order.
    auto want = records_of_type(doc, "Message");
    std::stable_sort(want.begin(), want.end(), [](const json& a, const json& b) {
      return field_number(a, "log_time") < field_number(b, "log_time");
    });
    const auto& got = reader->messages();
    QCOMPARE(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      QCOMPARE(std::uint64_t(got[i].channel_id), field_number(want[i], "channel_id"));
      QCOMPARE(got[i].log_time, field_number(want[i], "log_time"));
      const McapMessage m = reader->read_message(got[i]);
      QCOMPARE(std::uint64_t(m.sequence), field_number(want[i], "sequence"));
      QCOMPARE(m.publish_time, field_number(want[i], "publish_time"));
      QCOMPARE(std::vector<std::uint8_t>(m.data.begin(), m.data.end()), field_bytes(want[i], "data"));
      if (got[i].header_read) {
        QCOMPARE(std::uint64_t(got[i].sequence), field_number(want[i], "sequence"));
        QCOMPARE(got[i].publish_time, field_number(want[i], "publish_time"));
        QCOMPARE(got[i].data_size, std::uint64_t(m.data.size()));
      }
    }
    for (std::uint16_t channel = 0; channel < 3; ++channel) {
      std::size_t n = 0;
      for (const auto& w : want) n += field_number(w, "channel_id") == channel;
      QCOMPARE(reader->messages_in(channel, 0, UINT64_MAX).size(), n);
    }

    for (const auto& s : records_of_type(doc, "Schema")) {
      const auto id = static_cast<std::uint16_t>(field_number(s, "id"));
      QVERIFY(reader->schemas().count(id));
      const McapSchema& schema = reader->schemas().at(id);
      QCOMPARE(schema.name, field_string(s, "name"));
      QCOMPARE(schema.encoding, field_string(s, "encoding"));
      QCOMPARE(schema.data, field_bytes(s, "data"));
    }
    for (const auto& c : records_of_type(doc, "Channel")) {
      const auto id = static_cast<std::uint16_t>(field_number(c, "id"));
      QVERIFY(reader->channels().count(id));
      const McapChannel& channel = reader->channels().at(id);
      QCOMPARE(std::uint64_t(channel.schema_id), field_number(c, "schema_id"));
      QCOMPARE(channel.topic, field_string(c, "topic"));
      QCOMPARE(channel.message_encoding, field_string(c, "message_encoding"));
      QCOMPARE(channel.metadata, field_map(c, "metadata"));
    }
    const auto attachments = records_of_type(doc, "Attachment");
    QCOMPARE(reader->attachments().size(), attachments.size());
    for (std::size_t i = 0; i < attachments.size(); ++i) {
      const McapAttachment a = reader->read_attachment(reader->attachments()[i]);
      QCOMPARE(a.name, field_string(attachments[i], "name"));
      QCOMPARE(a.media_type, field_string(attachments[i], "media_type"));
      QCOMPARE(a.log_time, field_number(attachments[i], "log_time"));
      QCOMPARE(a.create_time, field_number(attachments[i], "create_time"));
      QCOMPARE(a.data, field_bytes(attachments[i], "data"));
    }
    const auto metadata = records_of_type(doc, "Metadata");
    QCOMPARE(reader->metadata().size(), metadata.size());
    for (std::size_t i = 0; i < metadata.size(); ++i) {
      const McapMetadata m = reader->read_metadata(reader->metadata()[i]);
      QCOMPARE(m.name, field_string(metadata[i], "name"));
      QCOMPARE(m.metadata, field_map(metadata[i], "metadata"));
    }
    const auto header = records_of_type(doc, "Header");
    QCOMPARE(header.size(), std::size_t(1));
    QCOMPARE(reader->header().profile, field_string(header[0], "profile"));
    QCOMPARE(reader->header().library, field_string(header[0], "library"));
    QVERIFY2(reader->problems().empty(), joined(reader->problems()).constData());
  }
};

QTEST_APPLESS_MAIN(TstMcapConformance)
#include "tst_mcap_conformance.moc"
