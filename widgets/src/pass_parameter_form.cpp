#include "dc/widgets/pass_parameter_form.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVariant>

#include <climits>
#include <cmath>
#include <stdexcept>

namespace dc::widgets {

using dc::core::ParamSpec;

namespace {

QString number_text(double v) {
  return QString::number(v, 'g', 12);
}

QString range_text(const ParamSpec& spec) {
  if (!spec.min && !spec.max) return {};
  return QString("[%1 .. %2]")
      .arg(spec.min ? number_text(*spec.min) : QString("-inf"), spec.max ? number_text(*spec.max) : QString("inf"));
}

QString tooltip(const ParamSpec& spec) {
  QString text = QString("<b>%1</b> (%2)<br>%3<br>default: %4")
                     .arg(QString::fromStdString(spec.name), dc::core::to_string(spec.type),
                          QString::fromStdString(spec.doc).toHtmlEscaped(),
                          spec.default_value.empty() ? QObject::tr("(empty)")
                                                     : QString::fromStdString(spec.default_value).toHtmlEscaped());
  const QString range = range_text(spec);
  if (!range.isEmpty()) text += QObject::tr("<br>range: %1").arg(range);
  return text;
}

// The one-parameter check core runs on a whole request: the same words as the CLI's error.
QString validate(const ParamSpec& spec, const std::string& text) {
  try {
    dc::core::PassParameters({spec}, {{spec.name, text}});
  } catch (const std::invalid_argument& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

int clamp_to_int(std::optional<double> bound, int fallback) {
  if (!bound) return fallback;
  return static_cast<int>(std::clamp(std::round(*bound), double(INT_MIN), double(INT_MAX)));
}

}  // namespace

PassParameterForm::PassParameterForm(QWidget* parent) : QWidget(parent) {
  layout_ = new QFormLayout(this);
  layout_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  layout_->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
}

void PassParameterForm::set_schema(std::vector<ParamSpec> schema) {
  while (layout_->rowCount() > 0) layout_->removeRow(0);
  editors_.clear();
  schema_ = std::move(schema);
  for (const auto& spec : schema_) {
    const QString name = QString::fromStdString(spec.name);
    QWidget* editor = nullptr;
    switch (spec.type) {
      case ParamSpec::Type::Integer: {
        auto* box = new QSpinBox(this);
        box->setRange(clamp_to_int(spec.min, INT_MIN), clamp_to_int(spec.max, INT_MAX));
        connect(box, &QSpinBox::valueChanged, this, [this] {
          mark_invalid();
          emit changed();
        });
        editor = box;
        break;
      }
      case ParamSpec::Type::Flag: {
        auto* box = new QCheckBox(this);
        connect(box, &QCheckBox::toggled, this, [this] { emit changed(); });
        editor = box;
        break;
      }
      case ParamSpec::Type::Number:
      case ParamSpec::Type::Text: {
        auto* line = new QLineEdit(this);
        line->setPlaceholderText(spec.default_value.empty() ? tr("(empty)")
                                                            : QString::fromStdString(spec.default_value));
        connect(line, &QLineEdit::textChanged, this, [this] {
          mark_invalid();
          emit changed();
        });
        editor = line;
        break;
      }
    }
    editor->setObjectName("param_" + name);
    editor->setToolTip(tooltip(spec));
    editors_.push_back(editor);

    auto* field = new QWidget(this);
    auto* column = new QVBoxLayout(field);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(1);
    auto* row = new QHBoxLayout;
    row->addWidget(editor, 1);
    const QString range = range_text(spec);
    if (!range.isEmpty()) {
      auto* range_label = new QLabel(range, field);
      range_label->setStyleSheet("color: #8a9099;");
      row->addWidget(range_label);
    }
    column->addLayout(row);
    auto* doc = new QLabel(QString::fromStdString(spec.doc), field);
    doc->setWordWrap(true);
    doc->setStyleSheet("color: #8a9099; font-size: 11px;");
    column->addWidget(doc);
    auto* label = new QLabel(name, this);
    label->setToolTip(tooltip(spec));
    layout_->addRow(label, field);
  }
  reset_to_defaults();
}

void PassParameterForm::reset_to_defaults() {
  for (std::size_t i = 0; i < schema_.size(); ++i) set_value(schema_[i].name, QString::fromStdString(schema_[i].default_value));
}

bool PassParameterForm::set_value(const std::string& name, const QString& text) {
  QWidget* e = editor(name);
  if (!e) return false;
  if (auto* box = qobject_cast<QSpinBox*>(e)) {
    box->setValue(text.toInt());
  } else if (auto* check = qobject_cast<QCheckBox*>(e)) {
    check->setChecked(text == "true" || text == "1" || text == "yes" || text == "on");
  } else if (auto* line = qobject_cast<QLineEdit*>(e)) {
    line->setText(text);
  }
  mark_invalid();
  return true;
}

QWidget* PassParameterForm::editor(const std::string& name) const {
  for (std::size_t i = 0; i < schema_.size(); ++i)
    if (schema_[i].name == name) return editors_[i];
  return nullptr;
}

QString PassParameterForm::text_of(const ParamSpec&, const QWidget* editor) const {
  if (const auto* box = qobject_cast<const QSpinBox*>(editor)) return QString::number(box->value());
  if (const auto* check = qobject_cast<const QCheckBox*>(editor)) return check->isChecked() ? "true" : "false";
  if (const auto* line = qobject_cast<const QLineEdit*>(editor)) return line->text().trimmed();
  return {};
}

std::map<std::string, std::string> PassParameterForm::values() const {
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < schema_.size(); ++i) out[schema_[i].name] = text_of(schema_[i], editors_[i]).toStdString();
  return out;
}

QStringList PassParameterForm::problems() const {
  QStringList out;
  for (std::size_t i = 0; i < schema_.size(); ++i) {
    const QString problem = validate(schema_[i], text_of(schema_[i], editors_[i]).toStdString());
    if (!problem.isEmpty()) out << problem;
  }
  return out;
}

void PassParameterForm::mark_invalid() {
  for (std::size_t i = 0; i < schema_.size(); ++i) {
    const bool bad = !validate(schema_[i], text_of(schema_[i], editors_[i]).toStdString()).isEmpty();
    editors_[i]->setStyleSheet(bad ? "border: 1px solid #ef5350;" : QString());
  }
}

}  // namespace dc::widgets
