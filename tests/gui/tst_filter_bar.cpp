// The Query dock of the real main window: a person types a query with completion from the catalog, runs it,
// opens a result, sees a parse error marked, and saves the result as a collection. Results are checked against
// the catalog read with plain SQL.
#include "test_support.h"

#include "main_window.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/data/drive_session.h"
#include "dc/core/io/ingester.h"
#include "dc/widgets/filter_bar.h"
#include "dc/widgets/query_line_edit.h"
#include "dc/widgets/query_result_model.h"
#include "dc/widgets/surface_format.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QCompleter>
#include <QDockWidget>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <sqlite3.h>

#include <algorithm>
#include <set>

namespace fs = std::filesystem;

namespace {

// One column of a read-only SQL query against the catalog file (the test's own view of what is stored).
QStringList sql_column(const fs::path& file, const char* sql, const std::vector<std::string>& params = {}) {
  QStringList out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return {"<cannot open>"};
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    out << QString("<bad sql: %1>").arg(sqlite3_errmsg(db));
    sqlite3_close(db);
    return out;
  }
  for (std::size_t i = 0; i < params.size(); ++i)
    sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(stmt) == SQLITE_ROW)
    out << QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

// What the completion popup lists right now (the completer's filtered rows).
QStringList popup_entries(dc::widgets::QueryLineEdit* edit) {
  QStringList out;
  auto* model = edit->query_completer()->completionModel();
  for (int r = 0; r < model->rowCount(); ++r) out << model->index(r, 0).data().toString();
  return out;
}

// Typed one key at a time, each delivered like press() (the popup hands what it does not use to the line edit).
void type(dc::widgets::QueryLineEdit* edit, const QString& text) {
  for (QChar c : text) {
    QWidget* target = QApplication::activePopupWidget() ? QApplication::activePopupWidget() : edit;
    QTest::keyClick(target, c.toLatin1());
  }
}

bool popup_visible(dc::widgets::QueryLineEdit* edit) {
  return edit->query_completer()->popup()->isVisible();
}

// A key as the window system delivers it: to the open popup when there is one, else to the focused line edit.
void press(dc::widgets::QueryLineEdit* edit, Qt::Key key) {
  QWidget* target = QApplication::activePopupWidget() ? QApplication::activePopupWidget() : edit;
  QTest::keyClick(target, key);
}

QStringList sorted(QStringList l) {
  l.sort();
  return l;
}

}  // namespace

class TestFilterBar : public QObject {
  Q_OBJECT
  fs::path work_;
  fs::path catalog_;
  std::string drive_;

  dc::widgets::QueryLineEdit* open_query(dc::app::MainWindow& window) {
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) return nullptr;
    window.activateWindow();
    if (!QTest::qWaitForWindowActive(&window)) return nullptr;
    // Ctrl+L shows the Query dock and puts the cursor in the query line.
    QTest::keyClick(&window, Qt::Key_L, Qt::ControlModifier);
    auto* edit = window.filter_bar()->line_edit();
    return QTest::qWaitFor([&] { return edit->isVisible() && edit->hasFocus(); }, 5000) ? edit : nullptr;
  }

 private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("gui_filter_bar");
    qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString((work_ / "config").string()));  // no user settings
    auto r = dc::test::run_cli({"--quiet", "generate", "--out", (work_ / "gen").string(), "--frames", "20", "--width",
                                "160", "--height", "48", "--columns", "200", "--seed", "5"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    catalog_ = work_ / "catalog.sqlite";
    dc::core::Catalog c(catalog_);
    dc::core::Ingester(c).ingest({work_ / "gen", dc::test::shared_data_dir() / "kitti-object"});
    QCOMPARE(c.drives().size(), std::size_t(2));
    for (const auto& d : c.drives())
      if (d.name != "kitti-object/training") drive_ = d.name;
    const auto drive = *c.find_drive(drive_);
    const auto samples = c.samples(drive.id);
    QCOMPARE(samples.size(), std::size_t(20));
    // Tags: night on the first eight samples, rain on sample 10.
    std::vector<dc::core::SampleRef> night;
    for (int i = 0; i < 8; ++i) night.push_back({drive.id, samples[static_cast<std::size_t>(i)].key()});
    c.tag_repository().tag_all(night, "night");
    c.tag_repository().tag_all({{drive.id, samples[10].key()}}, "rain");
    // Findings on samples 2 and 5 (sync-skew) and 12 (image-health).
    auto finding = [&](const char* check, int i, dc::core::Severity severity) {
      dc::core::Finding f;
      f.check = check;
      f.severity = severity;
      f.start_ns = f.end_ns = samples[static_cast<std::size_t>(i)].timestamp_ns;
      f.sample_key = samples[static_cast<std::size_t>(i)].key();
      f.message = "test";
      c.finding_repository().add(drive.id, f);
    };
    finding("sync-skew", 2, dc::core::Severity::Warning);
    finding("sync-skew", 5, dc::core::Severity::Error);
    finding("image-health", 12, dc::core::Severity::Info);
  }

  void completionOffersCatalogValues() {
    dc::app::MainWindow window(QString::fromStdString(catalog_.string()));
    auto* edit = open_query(window);
    QVERIFY(edit);
    QTRY_COMPARE_WITH_TIMEOUT(edit->vocabulary().drives.size(), std::size_t(2), 10000);  // read off the GUI thread

    // Field names first.
    type(edit, "ta");
    QTRY_VERIFY_WITH_TIMEOUT(popup_visible(edit), 5000);
    QCOMPARE(popup_entries(edit), QStringList{"tag:"});
    press(edit, Qt::Key_Return);  // takes the field; its values follow at once
    QCOMPARE(edit->text(), QString("tag:"));
    QTRY_VERIFY_WITH_TIMEOUT(popup_visible(edit), 5000);
    const QStringList tags =
        sql_column(catalog_, "SELECT DISTINCT t.name FROM tags t JOIN sample_tags st ON st.tag_id = t.id");
    QCOMPARE(sorted(popup_entries(edit)), sorted(tags));
    QCOMPARE(sorted(tags), (QStringList{"night", "rain"}));
    type(edit, "n");
    QTRY_COMPARE_WITH_TIMEOUT(popup_entries(edit), QStringList{"night"}, 5000);
    press(edit, Qt::Key_Return);
    QCOMPARE(edit->text(), QString("tag:night "));

    // Classes of the catalog's labels.
    type(edit, "and class:");
    QTRY_VERIFY_WITH_TIMEOUT(popup_visible(edit), 5000);
    const QStringList classes = sql_column(catalog_, "SELECT DISTINCT category FROM labels WHERE deleted = 0");
    QVERIFY(classes.contains("Car"));
    QCOMPARE(sorted(popup_entries(edit)), sorted(classes));
    type(edit, "Ca");
    QTRY_COMPARE_WITH_TIMEOUT(popup_entries(edit), QStringList{"Car"}, 5000);
    press(edit, Qt::Key_Return);  // the first entry is highlighted
    QCOMPARE(edit->text(), QString("tag:night and class:Car "));

    // Findings' checks, severities and drive names come from the catalog too.
    type(edit, "finding:");
    QTRY_VERIFY_WITH_TIMEOUT(popup_visible(edit), 5000);
    QCOMPARE(sorted(popup_entries(edit)), sorted(sql_column(catalog_, "SELECT DISTINCT check_name FROM findings")));
    for (int i = 0; i < 8; ++i) press(edit, Qt::Key_Backspace);
    type(edit, "severity>=");
    QTRY_COMPARE_WITH_TIMEOUT(popup_entries(edit), (QStringList{"info", "warning", "error"}), 5000);
    for (int i = 0; i < 10; ++i) press(edit, Qt::Key_Backspace);
    type(edit, "drive~object");  // drive~ matches inside the name
    QTRY_COMPARE_WITH_TIMEOUT(popup_entries(edit), QStringList{"kitti-object/training"}, 5000);
    press(edit, Qt::Key_Escape);
    QTRY_VERIFY_WITH_TIMEOUT(!popup_visible(edit), 5000);
    for (int i = 0; i < 12; ++i) press(edit, Qt::Key_Backspace);
    QCOMPARE(edit->text(), QString("tag:night and class:Car "));

    // Enter runs the query: the rows are the samples tagged night that have a Car label.
    QSignalSpy finished(window.filter_bar(), &dc::widgets::FilterBar::query_finished);
    press(edit, Qt::Key_Return);
    QVERIFY(finished.wait(10000));
    const QStringList night_keys = sql_column(
        catalog_,
        "SELECT f.idx FROM sample_tags st JOIN tags t ON t.id = st.tag_id JOIN samples sa ON sa.id = st.sample_id "
        "JOIN frames f ON f.id = sa.lidar_frame_id WHERE t.name = 'night'");
    const QStringList car_keys =
        sql_column(catalog_,
                   "SELECT DISTINCT l.frame_idx FROM labels l JOIN drives d ON d.id = l.drive_id "
                   "WHERE l.category = 'Car' AND l.deleted = 0 AND d.name = ?1",
                   {drive_});
    std::set<qlonglong> expected;
    for (const auto& k : night_keys)
      if (car_keys.contains(k)) expected.insert(k.toLongLong());
    QVERIFY(!expected.empty());
    auto* results = window.filter_bar()->results();
    QCOMPARE(finished.takeFirst().at(0).toInt(), static_cast<int>(expected.size()));
    QCOMPARE(results->rowCount(), static_cast<int>(expected.size()));
    std::set<qlonglong> shown;
    for (int r = 0; r < results->rowCount(); ++r) {
      QCOMPARE(results->index(r, dc::widgets::QueryResultModel::DriveColumn).data().toString(),
               QString::fromStdString(drive_));
      shown.insert(results->index(r, dc::widgets::QueryResultModel::KeyColumn).data().toLongLong());
    }
    QCOMPARE(shown, expected);
    QVERIFY(window.filter_bar()->status_label()->text().startsWith(QString("%1 sample").arg(expected.size())));

    // Double-clicking the last row opens the drive at that sample.
    auto* view = window.filter_bar()->results_view();
    const int last = results->rowCount() - 1;
    const qlonglong key = results->index(last, dc::widgets::QueryResultModel::KeyColumn).data().toLongLong();
    const QRect cell = view->visualRect(results->index(last, 0));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, cell.center());
    QTRY_VERIFY_WITH_TIMEOUT(window.session() && window.current_sample() >= 0, 20000);
    QCOMPARE(QString::fromStdString(window.session()->name()), QString::fromStdString(drive_));
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->sample(window.current_sample()).key(), static_cast<std::int64_t>(key),
                              20000);
  }

  void parseErrorMarksOffendingToken() {
    dc::app::MainWindow window(QString::fromStdString(catalog_.string()));
    auto* edit = open_query(window);
    QVERIFY(edit);
    QSignalSpy failed(window.filter_bar(), &dc::widgets::FilterBar::query_failed);
    type(edit, "class:Car and bogus:1");
    press(edit, Qt::Key_Escape);  // away with any completion
    QTRY_VERIFY_WITH_TIMEOUT(!popup_visible(edit), 5000);
    press(edit, Qt::Key_Return);
    QVERIFY(failed.wait(10000));
    QVERIFY(edit->has_error());
    QCOMPARE(edit->selectedText(), QString("bogus"));
    QCOMPARE(edit->selectionStart(), 14);
    const QString status = window.filter_bar()->status_label()->text();
    QVERIFY2(status.contains("Column 15") && status.contains("unknown term 'bogus'"), qPrintable(status));
    QCOMPARE(window.filter_bar()->results()->rowCount(), 0);

    // A value that does not lex: the unterminated string is marked to the end.
    edit->clear();
    type(edit, "tag:\"night");
    press(edit, Qt::Key_Escape);
    QTRY_VERIFY_WITH_TIMEOUT(!popup_visible(edit), 5000);
    press(edit, Qt::Key_Return);
    QVERIFY(failed.wait(10000));
    QCOMPARE(edit->selectedText(), QString("\"night"));
    // Editing clears the mark.
    QTest::keyClick(edit, Qt::Key_End);
    type(edit, "\"");
    QVERIFY(!edit->has_error());
  }

  void savesResultAsCollection() {
    dc::app::MainWindow window(QString::fromStdString(catalog_.string()));
    auto* edit = open_query(window);
    QVERIFY(edit);
    auto* bar = window.filter_bar();
    QVERIFY(!bar->save_button()->isEnabled());  // nothing to save yet
    QSignalSpy finished(bar, &dc::widgets::FilterBar::query_finished);
    type(edit, "tag:night or severity>=warning");
    press(edit, Qt::Key_Escape);
    QTRY_VERIFY_WITH_TIMEOUT(!popup_visible(edit), 5000);
    press(edit, Qt::Key_Return);
    QVERIFY(finished.wait(10000));
    // Samples 0-7 are tagged night; the warning and error findings are on samples 2 and 5: eight samples.
    QCOMPARE(finished.takeFirst().at(0).toInt(), 8);
    QVERIFY(bar->save_button()->isEnabled());

    QSignalSpy saved(bar, &dc::widgets::FilterBar::collection_saved);
    QTest::mouseClick(bar->save_button(), Qt::LeftButton);
    QInputDialog* dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((dialog = bar->findChild<QInputDialog*>("collectionNameDialog")) && dialog->isVisible(),
                             5000);
    auto* name_edit = dialog->findChild<QLineEdit*>();
    QVERIFY(name_edit);
    QTest::keyClicks(name_edit, "night-or-warned");
    QTest::keyClick(name_edit, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 5000);

    QCOMPARE(sql_column(catalog_, "SELECT query FROM collections WHERE name = ?1", {"night-or-warned"}),
             QStringList{"tag:night or severity>=warning"});
    QStringList keys = sql_column(
        catalog_,
        "SELECT f.idx FROM collection_samples cs JOIN collections c ON c.id = cs.collection_id "
        "JOIN samples sa ON sa.id = cs.sample_id JOIN frames f ON f.id = sa.lidar_frame_id WHERE c.name = ?1 "
        "ORDER BY f.idx",
        {"night-or-warned"});
    const QStringList night = sql_column(
        catalog_,
        "SELECT f.idx FROM sample_tags st JOIN tags t ON t.id = st.tag_id JOIN samples sa ON sa.id = st.sample_id "
        "JOIN frames f ON f.id = sa.lidar_frame_id WHERE t.name = 'night' ORDER BY f.idx");
    QCOMPARE(keys, night);  // the warned samples 2 and 5 are night samples too

    // The same name again is refused with the catalog's message, and nothing changes.
    QVERIFY(!bar->save_collection("night-or-warned"));
    QVERIFY(bar->status_label()->text().contains("exists already"));
    QCOMPARE(sql_column(catalog_, "SELECT count(*) FROM collections"), QStringList{"1"});
  }
};

int main(int argc, char** argv) {
  dc::widgets::use_vtk_surface_format();
  QApplication app(argc, argv);
  QApplication::setOrganizationName("DriveCurator");
  QApplication::setApplicationName("drivecurator-tests");
  TestFilterBar t;
  return QTest::qExec(&t, argc, argv);
}
#include "tst_filter_bar.moc"
