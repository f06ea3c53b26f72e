#pragma once
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace dc::core {

// One parameter of a pass, as the CLI help, the GUI launch dialog and the stored run read it.
struct ParamSpec {
  enum class Type { Integer, Number, Flag, Text };
  std::string name;
  Type type = Type::Number;
  std::string default_value;  // as text, in the type's syntax ("0.3", "true", "image_02")
  std::optional<double> min, max;  // inclusive range for Integer / Number
  std::string doc;                 // one line
};
const char* to_string(ParamSpec::Type type);

// Parameter values of one run, validated against the pass's schema: every parameter has a value (its default when
// not given). Throws std::invalid_argument naming the parameter and what is wrong.
class PassParameters {
public:
  using Value = std::variant<std::int64_t, double, bool, std::string>;

  PassParameters() = default;
  // `given`: name -> text as typed ("k=v" on the command line, a field in the dialog).
  PassParameters(const std::vector<ParamSpec>& schema, const std::map<std::string, std::string>& given);

  std::int64_t integer(const std::string& name) const;
  double number(const std::string& name) const;  // Integer parameters read as numbers too
  bool flag(const std::string& name) const;
  const std::string& text(const std::string& name) const;

  const std::map<std::string, Value>& values() const { return values_; }
  // Canonical JSON object (sorted keys), stored on the run; equal parameter sets give equal text.
  std::string to_json() const;

private:
  const Value& at(const std::string& name) const;
  std::map<std::string, Value> values_;
};

// "k=v" items of a command line to a map; throws std::invalid_argument on an item without '='.
std::map<std::string, std::string> parse_param_items(const std::vector<std::string>& items);

}  // namespace dc::core
