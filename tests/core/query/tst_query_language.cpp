// The sample query language: lexer and parser errors (with the column of the offending token), precedence, every
// term kind checked against the same filter computed in C++ from the catalog's samples, labels, findings and tags,
// values that try to break out of their SQL parameter, and the tag / collection calls the CLI builds on.
#include "test_support.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/catalog/catalog_error.h"
#include "dc/core/io/ingester.h"
#include "dc/core/query/query_compiler.h"
#include "dc/core/query/query_engine.h"
#include "dc/core/query/query_error.h"
#include "dc/core/query/query_parser.h"
#include "dc/synth/drive_generator.h"

#include <QTest>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>

using namespace dc::core;
namespace fs = std::filesystem;

namespace {

// One sample as the brute-force reference sees it, gathered through the repositories (not the query SQL).
struct RefFinding {
  Finding finding;
  std::string pass;  // the run's pass, "" without a run
};
struct RefSample {
  SampleRef ref;
  TimestampNs time = 0;
  std::string drive;
  std::vector<BoxLabel> labels;
  std::vector<RefFinding> findings;
  std::set<std::string> tags;

  int count(const std::string& cls = "", const std::string& source = "") const {
    return static_cast<int>(std::count_if(labels.begin(), labels.end(), [&](const BoxLabel& l) {
      return (cls.empty() || l.category == cls) && (source.empty() || to_string(l.source) == source);
    }));
  }
  bool finding(const std::string& name, const std::function<bool(Severity)>& severity = {}) const {
    return std::any_of(findings.begin(), findings.end(), [&](const RefFinding& f) {
      return (name.empty() || f.finding.check == name || f.pass == name) && (!severity || severity(f.finding.severity));
    });
  }
  bool review(ReviewState state) const {
    return std::any_of(labels.begin(), labels.end(), [&](const BoxLabel& l) { return l.review == state; }) ||
           std::any_of(findings.begin(), findings.end(), [&](const RefFinding& f) { return f.finding.review == state; });
  }
  bool tag(const std::string& t) const { return tags.count(t) > 0; }
};

std::int64_t table_rows(Catalog& catalog, const std::string& table) {
  // Counting through the public API: samples, tags and labels over all drives.
  std::int64_t n = 0;
  for (const auto& d : catalog.drives()) {
    if (table == "samples") n += static_cast<std::int64_t>(catalog.samples(d.id).size());
    if (table == "labels") n += static_cast<std::int64_t>(catalog.labels(d.id).size());
  }
  if (table == "tags") n = static_cast<std::int64_t>(catalog.tag_repository().tag_counts().size());
  return n;
}

}  // namespace

class TestQueryLanguage : public QObject {
  Q_OBJECT
  fs::path work_;
  std::unique_ptr<Catalog> catalog_;
  std::int64_t drive_a_ = 0, drive_b_ = 0;  // 2011_09_26 (10 samples), 2030_01_01 (8 samples)
  std::string name_a_, name_b_;
  std::map<std::int64_t, std::string> finding_pass_;  // finding id -> pass of its run

  std::vector<RefSample> reference() {
    std::vector<RefSample> out;
    for (const auto& d : catalog_->drives()) {
      const auto labels = catalog_->labels(d.id);
      const auto findings = catalog_->finding_repository().list(d.id);
      for (const auto& s : catalog_->samples(d.id)) {
        RefSample r;
        r.ref = {d.id, s.key()};
        r.time = s.timestamp_ns;
        r.drive = d.name;
        for (const auto& l : labels)
          if (l.frame_index == s.key()) r.labels.push_back(l);
        for (const auto& f : findings)
          if (f.sample_key == s.key() || (f.sample_key < 0 && f.start_ns <= s.timestamp_ns && s.timestamp_ns <= f.end_ns))
            r.findings.push_back({f, finding_pass_.count(f.id) ? finding_pass_[f.id] : ""});
        for (const auto& t : catalog_->tag_repository().tags_of(r.ref)) r.tags.insert(t);
        out.push_back(std::move(r));
      }
    }
    return out;
  }

  static std::vector<SampleRef> sorted(std::vector<SampleRef> v) {
    std::sort(v.begin(), v.end(), [](const SampleRef& a, const SampleRef& b) {
      return std::tie(a.drive_id, a.key) < std::tie(b.drive_id, b.key);
    });
    return v;
  }

  static QueryError error_of(const std::string& text) {
    try {
      QueryEngine::compile(text);
    } catch (const QueryError& e) {
      return e;
    }
    return QueryError("no error", text, 0);
  }

  RefSample& sample(std::vector<RefSample>& all, std::int64_t drive, std::int64_t key) {
    for (auto& s : all)
      if (s.ref.drive_id == drive && s.ref.key == key) return s;
    throw std::runtime_error("no such sample");
  }

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("query_language");
    std::vector<fs::path> dates;
    for (int i = 0; i < 2; ++i) {
      GeneratorOptions g;
      g.out = work_ / "gen";
      g.frames = i == 0 ? 10 : 8;
      g.seed = 11 + static_cast<std::uint64_t>(i);
      g.cameras = 1;
      g.image_width = 160;
      g.image_height = 64;
      g.lidar_beams = 16;
      g.lidar_columns = 200;
      g.date = i == 0 ? "2011_09_26" : "2030_01_01";
      g.threads = 2;
      dates.push_back(generate_drive(g).date_dir);
    }
    catalog_ = std::make_unique<Catalog>(work_ / "catalog.sqlite");
    const auto report = Ingester(*catalog_).ingest(dates);
    QVERIFY(report.errors.empty());
    const auto drives = catalog_->drives();
    QCOMPARE(drives.size(), std::size_t(2));
    for (const auto& d : drives) {
      if (d.name.find("2011_09_26") != std::string::npos) {
        drive_a_ = d.id;
        name_a_ = d.name;
      } else {
        drive_b_ = d.id;
        name_b_ = d.name;
      }
    }
    QVERIFY(drive_a_ && drive_b_);
    const auto samples_a = catalog_->samples(drive_a_);
    const auto samples_b = catalog_->samples(drive_b_);
    QCOMPARE(samples_a.size(), std::size_t(10));
    QCOMPARE(samples_b.size(), std::size_t(8));

    // Labels of other sources on drive A (the scene has 35..40 ground-truth boxes per sample): 4 auto Cars on
    // sample 2, 2 auto Cars on sample 3, a model Pedestrian on sample 3, a manual Van on sample 4 that is then
    // deleted; one ground-truth box accepted, one auto box rejected, one fixed.
    auto& labels = catalog_->label_repository();
    auto box = [&](std::int64_t key, const char* cls, LabelSource source, double x) {
      BoxLabel l;
      l.frame_index = samples_a[static_cast<std::size_t>(key)].key();
      l.timestamp_ns = samples_a[static_cast<std::size_t>(key)].timestamp_ns;
      l.center = {x, 1, 0};
      l.length = 4;
      l.width = 2;
      l.height = 1.5;
      l.category = cls;
      l.source = source;
      return labels.insert(drive_a_, l);
    };
    for (int i = 0; i < 4; ++i) box(2, "Car", LabelSource::Auto, 10 + i * 5);
    const auto rejected = box(3, "Car", LabelSource::Auto, 10);
    box(3, "Car", LabelSource::Auto, 20);
    box(3, "Pedestrian", LabelSource::Model, 7);
    labels.remove(box(4, "Van", LabelSource::Manual, 9));
    auto r = *labels.find(rejected);
    r.review = ReviewState::Rejected;
    labels.update(r);
    auto fixed = labels.list(drive_a_, LabelQuery{samples_a[2].key(), LabelSource::Auto, {}, false}).front();
    fixed.review = ReviewState::Fixed;
    labels.update(fixed);
    const auto gt = labels.list(drive_a_, LabelQuery{samples_a[1].key(), LabelSource::GroundTruth, {}, false});
    if (!gt.empty()) {
      auto a = gt.front();
      a.review = ReviewState::Accepted;
      labels.update(a);
    }

    // Findings: calib-check's run flags edge alignment on A/2 (warning), A/5 (info), B/1 (error); data-qc's run a
    // timestamp gap spanning A/6..A/7 (no sample); a finding without a run on A/8, rejected by review.
    Job calib;
    calib.pass = "calib-check";
    calib.drive_id = drive_a_;
    const auto calib_id = catalog_->job_repository().create(calib);
    Job qc;
    qc.pass = "data-qc";
    qc.drive_id = drive_a_;
    const auto qc_id = catalog_->job_repository().create(qc);
    auto add = [&](std::int64_t drive, const std::vector<Sample>& samples, const std::string& check, Severity sev,
                   int key, std::optional<std::int64_t> job, const std::string& pass) {
      Finding f;
      f.check = check;
      f.severity = sev;
      f.sample_key = key < 0 ? -1 : samples[static_cast<std::size_t>(key)].key();
      f.start_ns = f.end_ns = key < 0 ? 0 : samples[static_cast<std::size_t>(key)].timestamp_ns;
      f.message = check;
      const auto id = catalog_->finding_repository().add(drive, f, job);
      if (job) finding_pass_[id] = pass;
      return id;
    };
    add(drive_a_, samples_a, "edge-alignment", Severity::Warning, 2, calib_id, "calib-check");
    add(drive_a_, samples_a, "edge-alignment", Severity::Info, 5, calib_id, "calib-check");
    add(drive_b_, samples_b, "edge-alignment", Severity::Error, 1, calib_id, "calib-check");
    Finding gap;
    gap.check = "timestamp-gap";
    gap.severity = Severity::Error;
    gap.start_ns = samples_a[6].timestamp_ns;
    gap.end_ns = samples_a[7].timestamp_ns;
    gap.message = "gap";
    finding_pass_[catalog_->finding_repository().add(drive_a_, gap, qc_id)] = "data-qc";
    const auto health = add(drive_a_, samples_a, "image-health", Severity::Warning, 8, {}, "");
    catalog_->finding_repository().set_review(health, ReviewState::Rejected);

    // Tags: night on A/0, A/1 and all of B's first half; rain on A/2 and A/5; a tag with quotes in its name.
    auto& tags = catalog_->tag_repository();
    tags.tag({drive_a_, samples_a[0].key()}, "night");
    tags.tag({drive_a_, samples_a[1].key()}, "night");
    QCOMPARE(tags.tag_all(tags.samples_between(drive_b_, samples_b[0].timestamp_ns, samples_b[3].timestamp_ns), "night"),
             std::int64_t(4));
    tags.tag({drive_a_, samples_a[2].key()}, "rain");
    tags.tag({drive_a_, samples_a[5].key()}, "rain");
    tags.tag({drive_a_, samples_a[9].key()}, "it's \"quoted\"");
  }

  void lexerAndParserErrorsPointAtTheToken_data() {
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");
    QTest::newRow("value missing") << "class: and" << 7 << "expected a value after 'class:'";
    QTest::newRow("value at end") << "tag:night class:" << 17 << "expected a value after 'class:'";
    QTest::newRow("dangling and") << "class:Car and" << 14 << "expected a term after 'and'";
    QTest::newRow("leading or") << "or tag:x" << 1 << "unexpected 'or'";
    QTest::newRow("unknown field") << "tag:x foo:bar" << 7 << "unknown term 'foo'";
    QTest::newRow("bare word") << "Car" << 1 << "'Car' is not a term";
    QTest::newRow("space before op") << "class :Car" << 6 << "expected ':' or a comparison right after 'class'";
    QTest::newRow("unclosed paren") << "class:Car (tag:x" << 17 << "expected ')' to close the '(' of column 11";
    QTest::newRow("unmatched paren") << "tag:x)" << 6 << "unmatched ')'";
    QTest::newRow("empty parens") << "tag:x ()" << 8 << "expected a term inside '()'";
    QTest::newRow("count not a number") << "class:Car count>=abc" << 18 << "expected a whole number after 'count>='";
    QTest::newRow("negative sample") << "sample<-3" << 8 << "expected a whole number after 'sample<'";
    QTest::newRow("severity") << "severity>=fatal" << 11 << "unknown severity 'fatal'";
    QTest::newRow("review") << "review:maybe" << 8 << "unknown review state 'maybe'";
    QTest::newRow("label source") << "label-source:robot" << 14 << "unknown label source 'robot'";
    QTest::newRow("wrong op") << "class~Car" << 6 << "'class' takes ':' or '='";
    QTest::newRow("ordered op on name") << "tag>=x" << 4 << "'tag' takes ':' or '='";
    QTest::newRow("unterminated string") << "tag:\"open" << 5 << "unterminated string";
    QTest::newRow("empty") << "   " << 4 << "empty query";
    QTest::newRow("not at end") << "tag:x and not" << 14 << "expected a term after 'not'";
    QTest::newRow("bad time") << "time>=yesterday" << 7 << "bad time after 'time>='";
    QTest::newRow("quoted term") << "\"class:Car\"" << 1 << "a quoted string is not a term";
    QTest::newRow("two classes") << "class:Car class:Van" << 11 << "a second 'class:' in the same and-chain";
    QTest::newRow("two findings") << "tag:x finding:a finding:b" << 17 << "a second 'finding:'";
    QTest::newRow("stray colon") << "tag:x:y" << 6 << "unexpected ':'";
  }
  void lexerAndParserErrorsPointAtTheToken() {
    QFETCH(QString, query);
    QFETCH(int, column);
    QFETCH(QString, message);
    const QueryError e = error_of(query.toStdString());
    const std::string what = e.what();
    QVERIFY2(what.find(message.toStdString()) != std::string::npos, what.c_str());
    QVERIFY2(e.column() == static_cast<std::size_t>(column), what.c_str());
    QVERIFY2(what.find("at column " + std::to_string(column) + "\n") != std::string::npos, what.c_str());
    // The caret line puts '^' under the column.
    const auto last = what.substr(what.rfind('\n') + 1);
    QCOMPARE(last, std::string(4 + static_cast<std::size_t>(column) - 1, ' ') + "^");
    QVERIFY(dynamic_cast<const std::invalid_argument*>(&e) != nullptr);
  }

  void errorMessageHasTheDocumentedForm() {
    const std::string what = error_of("class: and").what();
    QCOMPARE(what, std::string("query: expected a value after 'class:' at column 7\n    class: and\n          ^"));
  }

  void precedenceNotThenAndThenOr() {
    // tag:a or tag:b and not tag:c  ==  tag:a or (tag:b and (not tag:c))
    auto n = QueryParser::parse("tag:a or tag:b and not tag:c");
    QCOMPARE(n.kind, QueryNode::Kind::Or);
    QCOMPARE(n.children.size(), std::size_t(2));
    QCOMPARE(n.children[0].term.text, std::string("a"));
    QCOMPARE(n.children[1].kind, QueryNode::Kind::And);
    QCOMPARE(n.children[1].children[1].kind, QueryNode::Kind::Not);
    QCOMPARE(n.children[1].children[1].children[0].term.text, std::string("c"));
    // Juxtaposition is and, binding tighter than or; keywords are case-insensitive.
    n = QueryParser::parse("tag:a tag:b OR tag:c");
    QCOMPARE(n.kind, QueryNode::Kind::Or);
    QCOMPARE(n.children[0].kind, QueryNode::Kind::And);
    QCOMPARE(n.children[0].children.size(), std::size_t(2));
    // not binds to the next term only; parentheses group.
    n = QueryParser::parse("not tag:a tag:b");
    QCOMPARE(n.kind, QueryNode::Kind::And);
    QCOMPARE(n.children[0].kind, QueryNode::Kind::Not);
    n = QueryParser::parse("class:Car (count>=3)");  // the parenthesized term keeps its own scope
    QCOMPARE(n.kind, QueryNode::Kind::And);
    QCOMPARE(n.children[1].kind, QueryNode::Kind::And);
    QCOMPARE(n.children[1].children.size(), std::size_t(1));
    n = QueryParser::parse("not (tag:a or tag:b) and tag:c");
    QCOMPARE(n.kind, QueryNode::Kind::And);
    QCOMPARE(n.children[0].children[0].kind, QueryNode::Kind::Or);
    // An and-chain is one node; quoted values take escapes and may be keywords.
    n = QueryParser::parse("tag:a and tag:b tag:\"or\" and tag:\"x \\\"y\\\" \\\\z\"");
    QCOMPARE(n.kind, QueryNode::Kind::And);
    QCOMPARE(n.children.size(), std::size_t(4));
    QCOMPARE(n.children[2].term.text, std::string("or"));
    QCOMPARE(n.children[3].term.text, std::string("x \"y\" \\z"));
    // Operators and numbers.
    n = QueryParser::parse("count>=3");
    QCOMPARE(n.term.field, QueryTerm::Field::Count);
    QCOMPARE(n.term.op, QueryTerm::Op::Ge);
    QCOMPARE(n.term.number, std::int64_t(3));
    n = QueryParser::parse("severity<error");
    QCOMPARE(n.term.op, QueryTerm::Op::Lt);
    QCOMPARE(n.term.number, std::int64_t(2));
    n = QueryParser::parse("drive~2011");
    QCOMPARE(n.term.op, QueryTerm::Op::Contains);
  }

  void engineMatchesBruteForce() {
    auto all = reference();
    QCOMPARE(all.size(), std::size_t(18));
    const TimestampNs t4 = sample(all, drive_a_, catalog_->samples(drive_a_)[4].key()).time;
    using P = std::function<bool(const RefSample&)>;
    auto ge = [](Severity min) { return [min](Severity s) { return s >= min; }; };
    const std::vector<std::pair<std::string, P>> cases = {
        {"class:Car", [](const RefSample& s) { return s.count("Car") >= 1; }},
        {"class:Car count>=3", [](const RefSample& s) { return s.count("Car") >= 3; }},
        {"class:Car label-source:auto count>=3", [](const RefSample& s) { return s.count("Car", "auto") >= 3; }},
        {"label-source:auto class:Car count>=1 count<3",
         [](const RefSample& s) { return s.count("Car", "auto") >= 1 && s.count("Car", "auto") < 3; }},
        {"class:Car count>=18", [](const RefSample& s) { return s.count("Car") >= 18; }},
        {"count<37", [](const RefSample& s) { return s.count() < 37; }},
        {"count=36", [](const RefSample& s) { return s.count() == 36; }},
        {"count:40", [](const RefSample& s) { return s.count() == 40; }},
        {"label-source:model", [](const RefSample& s) { return s.count("", "model") >= 1; }},
        {"class:Van", [](const RefSample& s) { return s.count("Van") >= 1; }},  // only a deleted one: nothing
        {"class:Cyclist count>=3 or class:Pedestrian count>19",
         [](const RefSample& s) { return s.count("Cyclist") >= 3 || s.count("Pedestrian") > 19; }},
        {"finding:calib-check", [](const RefSample& s) { return s.finding("calib-check"); }},
        {"finding:edge-alignment severity>=warning",
         [&](const RefSample& s) { return s.finding("edge-alignment", ge(Severity::Warning)); }},
        {"severity>=error", [&](const RefSample& s) { return s.finding("", ge(Severity::Error)); }},
        {"severity=info", [](const RefSample& s) { return s.finding("", [](Severity v) { return v == Severity::Info; }); }},
        {"finding:timestamp-gap", [](const RefSample& s) { return s.finding("timestamp-gap"); }},
        {"finding:data-qc", [](const RefSample& s) { return s.finding("data-qc"); }},
        {"not finding:image-health", [](const RefSample& s) { return !s.finding("image-health"); }},
        {"tag:night", [](const RefSample& s) { return s.tag("night"); }},
        {"not tag:night", [](const RefSample& s) { return !s.tag("night"); }},
        {"tag:\"it's \\\"quoted\\\"\"", [](const RefSample& s) { return s.tag("it's \"quoted\""); }},
        {"drive:\"" + name_b_ + "\"", [&](const RefSample& s) { return s.drive == name_b_; }},
        {"drive=\"" + name_a_ + "\"", [&](const RefSample& s) { return s.drive == name_a_; }},
        {"drive~\"2011_09_26\"", [](const RefSample& s) { return s.drive.find("2011_09_26") != std::string::npos; }},
        {"drive~2030", [](const RefSample& s) { return s.drive.find("2030") != std::string::npos; }},
        {"drive:2030", [](const RefSample&) { return false; }},
        {"review:accepted", [](const RefSample& s) { return s.review(ReviewState::Accepted); }},
        {"review:rejected", [](const RefSample& s) { return s.review(ReviewState::Rejected); }},
        {"review:unreviewed", [](const RefSample& s) { return s.review(ReviewState::Unreviewed); }},
        {"review:fixed", [](const RefSample& s) { return s.review(ReviewState::Fixed); }},
        {"sample>=3 sample<6", [](const RefSample& s) { return s.ref.key >= 3 && s.ref.key < 6; }},
        {"sample>7 or sample<=1", [](const RefSample& s) { return s.ref.key > 7 || s.ref.key <= 1; }},
        {"time>=" + std::to_string(t4), [&](const RefSample& s) { return s.time >= t4; }},
        {"time<\"2020-01-01\"", [](const RefSample& s) { return s.drive.find("2011") != std::string::npos; }},
        {"tag:night or tag:rain and sample>4",
         [](const RefSample& s) { return s.tag("night") || (s.tag("rain") && s.ref.key > 4); }},
        {"(tag:night or tag:rain) sample>4",
         [](const RefSample& s) { return (s.tag("night") || s.tag("rain")) && s.ref.key > 4; }},
        {"not tag:night and class:Car", [](const RefSample& s) { return !s.tag("night") && s.count("Car") >= 1; }},
        {"not (class:Car count>=18)", [](const RefSample& s) { return !(s.count("Car") >= 18); }},
        // Parentheses make a new scope: count there counts every label, not Cars.
        {"class:Pedestrian count<18 (count>=38)",
         [](const RefSample& s) { return s.count("Pedestrian") < 18 && s.count() >= 38; }},
        {"class:Car count>=3 and finding:calib-check severity>=warning and not tag:night and drive~\"2011_09_26\"",
         [&](const RefSample& s) {
           return s.count("Car") >= 3 && s.finding("calib-check", ge(Severity::Warning)) && !s.tag("night") &&
                  s.drive.find("2011_09_26") != std::string::npos;
         }},
    };
    QueryEngine engine(*catalog_);
    int nonempty = 0;
    for (const auto& [query, predicate] : cases) {
      std::vector<SampleRef> expected;
      for (const auto& s : all)
        if (predicate(s)) expected.push_back(s.ref);
      const auto got = sorted(engine.samples(query));
      if (got != expected) {
        std::string msg = query + ": engine " + std::to_string(got.size()) + " samples, reference " +
                          std::to_string(expected.size());
        QFAIL(msg.c_str());
      }
      checkPagesGiveTheWholeResult(query);
      const bool proper = !expected.empty() && expected.size() < all.size();
      if (!proper) qInfo("selects %s: %s", expected.empty() ? "nothing" : "everything", query.c_str());
      nonempty += proper;
    }
    // The data makes most queries select a proper, non-empty subset (so the comparisons mean something).
    QVERIFY2(nonempty >= static_cast<int>(cases.size()) - 5, std::to_string(nonempty).c_str());
    // The documented example finds A/2: four auto Cars, calib-check's warning, rain but not night.
    const auto example = engine.run(cases.back().first);
    QCOMPARE(example.size(), std::size_t(1));
    QCOMPARE(example[0].sample.key, catalog_->samples(drive_a_)[2].key());
    QCOMPARE(example[0].drive, name_a_);
    QCOMPARE(example[0].timestamp_ns, catalog_->samples(drive_a_)[2].timestamp_ns);
    QVERIFY(run_query(*catalog_, "tag:rain") == engine.samples("tag:rain"));
  }

  // Pages of every size, from either plan and from QueryEngine::page, concatenate to run()'s result in its order.
  void checkPagesGiveTheWholeResult(const std::string& query) {
    QueryEngine engine(*catalog_);
    const auto whole = engine.run(query);
    auto keys = [](const std::vector<QueryHit>& hits) {
      std::vector<std::tuple<std::int64_t, TimestampNs, std::int64_t>> out;
      for (const auto& h : hits) out.emplace_back(h.sample.drive_id, h.timestamp_ns, h.sample.key);
      return out;
    };
    const auto expected = keys(whole);
    QVERIFY2(std::is_sorted(expected.begin(), expected.end()), query.c_str());
    const QueryNode root = QueryParser::parse(query);
    for (const std::size_t limit : {std::size_t(1), std::size_t(4), std::size_t(100)}) {
      for (const QueryPlan plan : {QueryPlan::FromIndexes, QueryPlan::InSampleOrder}) {
        std::vector<QueryHit> paged;
        std::optional<QueryCursor> after;
        for (int guard = 0; guard < 100; ++guard) {
          auto hits = catalog_->tag_repository().select_samples(
              QueryCompiler::compile_page(root, query, plan, after, limit + 1));
          const bool more = hits.size() > limit;
          if (more) hits.resize(limit);
          paged.insert(paged.end(), hits.begin(), hits.end());
          if (!more) break;
          after = QueryCursor{hits.back().sample.drive_id, hits.back().timestamp_ns, hits.back().sample.key};
        }
        const std::string what = query + " (plan " + std::to_string(static_cast<int>(plan)) + ", pages of " +
                                 std::to_string(limit) + ")";
        QVERIFY2(keys(paged) == expected, what.c_str());
      }
      std::vector<QueryHit> paged;
      std::optional<QueryCursor> after;
      for (int guard = 0; guard < 100; ++guard) {
        const QueryPage page = engine.page(query, limit, after);
        paged.insert(paged.end(), page.hits.begin(), page.hits.end());
        if (!page.more) break;
        after = page.end();
      }
      QVERIFY2(keys(paged) == expected, (query + " (QueryEngine::page of " + std::to_string(limit) + ")").c_str());
    }
  }

  // A query told to stop gives up instead of answering partly; otherwise it answers in full, on the catalog's
  // connection or on one of its own.
  void stoppedQueryGivesUpWhole() {
    const std::string query = "class:Car count>=3";
    const CompiledQuery scan =
        QueryCompiler::compile_page(QueryParser::parse(query), query, QueryPlan::InSampleOrder, std::nullopt, 1000);
    auto& tags = catalog_->tag_repository();
    auto keys = [](const std::vector<QueryHit>& hits) {
      std::vector<std::pair<std::int64_t, std::int64_t>> out;
      for (const auto& h : hits) out.emplace_back(h.sample.drive_id, h.sample.key);
      return out;
    };
    const auto expected = tags.select_samples(scan);
    QVERIFY(!expected.empty());
    std::atomic<bool> stop{true};
    QVERIFY(!tags.select_samples_unless(scan, stop).has_value());
    QVERIFY(!tags.select_samples_apart(scan, stop).has_value());
    stop = false;
    const auto full = tags.select_samples_unless(scan, stop);
    QVERIFY(full.has_value());
    QCOMPARE(keys(*full), keys(expected));
    const auto apart = tags.select_samples_apart(scan, stop);
    QVERIFY(apart.has_value());
    QCOMPARE(keys(*apart), keys(expected));
    // The watch is gone once the call returns: a later plain query runs to its end.
    QCOMPARE(tags.select_samples(scan).size(), expected.size());
  }

  void valuesNeverReachTheSqlText() {
    const std::vector<std::string> values = {"x' OR 1=1 --", "a\"; DROP TABLE samples; --", "Robert'); DELETE"};
    for (const auto& v : values) {
      std::string quoted;
      for (char c : v) quoted += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
      for (const char* field : {"tag:", "drive:", "drive~", "class:", "finding:"}) {
        const auto compiled = QueryEngine::compile(field + ("\"" + quoted + "\""));
        QVERIFY(compiled.sql.find(v) == std::string::npos);
        QVERIFY(compiled.sql.find('\'') == std::string::npos || compiled.sql.find("'info'") != std::string::npos);
        QCOMPARE(compiled.params.size(), std::size_t(1));
        QCOMPARE(std::get<std::string>(compiled.params[0]), v);
      }
    }
  }

  void injectionAttemptsFindNothingAndChangeNothing() {
    const auto samples = table_rows(*catalog_, "samples");
    const auto labels = table_rows(*catalog_, "labels");
    const auto tags = table_rows(*catalog_, "tags");
    QueryEngine engine(*catalog_);
    for (const std::string q :
         {"tag:\"x' OR 1=1 --\"", "drive:\"a\\\"; DROP TABLE samples; --\"", "class:\"Car' OR '1'='1\"",
          "drive~\"'; DELETE FROM tags; --\"", "finding:\"x\\\" OR 1=1; --\""})
      QVERIFY2(engine.samples(q).empty(), q.c_str());
    QCOMPARE(table_rows(*catalog_, "samples"), samples);
    QCOMPARE(table_rows(*catalog_, "labels"), labels);
    QCOMPARE(table_rows(*catalog_, "tags"), tags);
    QVERIFY(!engine.samples("tag:night").empty());
  }

  void tagsOnTimeRangesAndCollections() {
    auto& tags = catalog_->tag_repository();
    const auto samples = catalog_->samples(drive_a_);
    const auto range = tags.samples_between(drive_a_, samples[3].timestamp_ns, samples[6].timestamp_ns);
    QCOMPARE(range.size(), std::size_t(4));
    QCOMPARE(tags.tag_all(range, "segment"), std::int64_t(4));
    QCOMPARE(tags.tag_all(range, "segment"), std::int64_t(0));  // already tagged
    QVERIFY(QueryEngine(*catalog_).samples("tag:segment") == range);
    QCOMPARE(tags.untag_all({range[0]}, "segment"), std::int64_t(1));
    const auto counts = tags.tag_counts(drive_a_);
    const auto seg = std::find_if(counts.begin(), counts.end(), [](const TagCount& t) { return t.name == "segment"; });
    QVERIFY(seg != counts.end());
    QCOMPARE(seg->samples, std::int64_t(3));

    const std::string q = "tag:segment or tag:rain";
    const auto frozen = QueryEngine(*catalog_).samples(q);
    tags.create_collection("review-me", q, frozen);
    QVERIFY_THROWS_EXCEPTION(CatalogError, tags.create_collection("review-me", q, frozen));
    tags.untag_all(range, "segment");  // the collection keeps what the query found then
    const auto info = tags.find_collection("review-me");
    QVERIFY(info.has_value());
    QCOMPARE(info->query, q);
    QCOMPARE(info->samples, static_cast<std::int64_t>(frozen.size()));
    QVERIFY(tags.collection("review-me") == sorted(frozen));
    QCOMPARE(tags.collection_infos().size(), std::size_t(1));
    QVERIFY(tags.delete_collection("review-me"));
    QVERIFY(!tags.delete_collection("review-me"));
    QVERIFY(!tags.find_collection("review-me").has_value());
    QCOMPARE(table_rows(*catalog_, "samples"), std::int64_t(18));
  }
};

QTEST_GUILESS_MAIN(TestQueryLanguage)
#include "tst_query_language.moc"
