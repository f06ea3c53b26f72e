#pragma once
#include "dc/core/passes/pass_parameters.h"

#include <QStringList>
#include <QWidget>
#include <map>
#include <string>
#include <vector>

class QFormLayout;

namespace dc::widgets {

// Editors for one pass's parameters, generated from its schema: a spin box for an integer (its range), a text
// field for a number (typed as on the command line, so any value the schema accepts can be entered, its range
// beside it), a check box for a flag, a text field for text. Each starts at its default; the parameter's one-line
// doc is the row's second line and its tooltip. Values are checked by the same core validation a run gets, so the
// messages match the CLI's.
class PassParameterForm : public QWidget {
  Q_OBJECT
public:
  explicit PassParameterForm(QWidget* parent = nullptr);

  void set_schema(std::vector<dc::core::ParamSpec> schema);  // rebuilds the editors, at the defaults
  const std::vector<dc::core::ParamSpec>& schema() const { return schema_; }

  // name -> text for every parameter, as a run is queued with it.
  std::map<std::string, std::string> values() const;
  // Types `text` into a parameter's editor (a flag takes "true"/"false"); false for an unknown name.
  bool set_value(const std::string& name, const QString& text);
  QWidget* editor(const std::string& name) const;  // null for an unknown name
  // One line per invalid value, worded by core ("parameter gap_factor=0.5: outside 1.01..1000.0"); empty when
  // every value is valid.
  QStringList problems() const;

public slots:
  void reset_to_defaults();

signals:
  void changed();  // a value was edited

private:
  QString text_of(const dc::core::ParamSpec& spec, const QWidget* editor) const;
  void mark_invalid();

  std::vector<dc::core::ParamSpec> schema_;
  std::vector<QWidget*> editors_;  // schema_ order
  QFormLayout* layout_ = nullptr;
};

}  // namespace dc::widgets
