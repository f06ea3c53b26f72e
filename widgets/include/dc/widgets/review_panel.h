#pragma once
#include "dc/core/catalog/review_repository.h"
#include "dc/core/model/box_label.h"

#include <QList>
#include <QWidget>
#include <cstdint>
#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace dc::core {
class Catalog;
}

namespace dc::widgets {

// Review of the open drive: the current sample's auto/model labels and findings with their review state and
// reviewer, a scope (label source, model run, finding check), and actions to walk to the next / previous sample with
// something unreviewed (N / Shift+N), accept / reject / mark fixed the current item(s) (A / X / F) and accept or
// reject a whole track (Shift+A / Shift+X). The current item(s) are the box selected in the views, else the rows
// selected in the panel's table, else every unreviewed item of the sample in scope. Where the reviewer stopped is kept
// in a review session of the drive (the last one is taken up again when the drive is opened).
class ReviewPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ReviewPanel(QWidget* parent = nullptr);

  void set_catalog(dc::core::Catalog* catalog);  // owned by the caller; null disables the panel
  // The open drive (none: closed). Takes up the drive's last review session; returns the sample key it stopped at.
  std::optional<std::int64_t> set_drive(std::optional<std::int64_t> drive_id);
  void set_current_sample(std::optional<std::int64_t> sample_key);
  void set_selected_label(const std::optional<dc::core::BoxLabel>& label);  // the box selected in the views

  QString reviewer() const;  // the name stored with each review (default: the OS user)
  void set_reviewer(const QString& name);
  dc::core::ReviewScope scope() const;
  void set_scope(const dc::core::ReviewScope& scope);
  std::optional<dc::core::ReviewSession> session() const { return session_; }

  // For the window's Review menu (shortcuts) and tests.
  QList<QAction*> review_actions() const;
  QAction* next_action() const { return next_; }
  QAction* previous_action() const { return previous_; }
  QAction* accept_action() const { return accept_; }
  QAction* reject_action() const { return reject_; }
  QAction* fixed_action() const { return fixed_; }
  QAction* accept_track_action() const { return accept_track_; }
  QAction* reject_track_action() const { return reject_track_; }
  QTableWidget* table() const { return table_; }

 public slots:
  bool go_next();
  bool go_previous();
  int review_current(dc::core::ReviewState state);  // returns how many items were stored
  int review_track(dc::core::ReviewState state);    // of the selected box (or table row); returns how many labels
  void save_position();                             // the session remembers the current sample
  // Re-reads the current sample's items (and, with recount, how many are left in scope on the drive).
  void refresh(bool recount = true);

 signals:
  void sample_requested(qint64 sample_key);
  void reviewed();  // review states changed in the catalog
  void message(const QString& text);
  void reviewer_changed(const QString& name);

 private:
  bool go(bool backwards);
  void note(dc::core::ReviewState state, std::int64_t n);  // counts into the session and saves it
  void save_session();
  void rebuild_scope_choices();
  void update_summary();
  std::optional<dc::core::TrackSelector> selected_track() const;

  dc::core::Catalog* catalog_ = nullptr;
  std::optional<std::int64_t> drive_id_;
  std::optional<std::int64_t> sample_key_;
  std::optional<dc::core::BoxLabel> selected_label_;
  std::optional<dc::core::ReviewSession> session_;
  std::vector<dc::core::ReviewItem> items_;  // the table's rows
  std::int64_t remaining_ = -1;

  QLineEdit* reviewer_ = nullptr;
  QComboBox* source_ = nullptr;
  QComboBox* model_ = nullptr;
  QComboBox* check_ = nullptr;
  QLabel* summary_ = nullptr;
  QTableWidget* table_ = nullptr;
  QAction* next_ = nullptr;
  QAction* previous_ = nullptr;
  QAction* accept_ = nullptr;
  QAction* reject_ = nullptr;
  QAction* fixed_ = nullptr;
  QAction* accept_track_ = nullptr;
  QAction* reject_track_ = nullptr;
  bool loading_ = false;  // scope boxes are being filled: no session write
};

}  // namespace dc::widgets
