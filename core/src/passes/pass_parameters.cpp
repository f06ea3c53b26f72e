#include "dc/core/passes/pass_parameters.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace dc::core {

const char* to_string(ParamSpec::Type type) {
  switch (type) {
    case ParamSpec::Type::Integer: return "integer";
    case ParamSpec::Type::Number: return "number";
    case ParamSpec::Type::Flag: return "flag";
    case ParamSpec::Type::Text: return "text";
  }
  return "?";
}

namespace {

PassParameters::Value parse_value(const ParamSpec& spec, const std::string& text) {
  auto bad = [&](const std::string& why) {
    return std::invalid_argument("parameter " + spec.name + "=" + text + ": " + why);
  };
  switch (spec.type) {
    case ParamSpec::Type::Integer: {
      std::int64_t v = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc::result_out_of_range) throw bad("out of range");
      if (ec != std::errc() || end != text.data() + text.size() || text.empty()) throw bad("not a whole number");
      if ((spec.min && static_cast<double>(v) < *spec.min) || (spec.max && static_cast<double>(v) > *spec.max))
        throw bad("outside " + std::to_string(static_cast<long long>(spec.min.value_or(-1e18))) + ".." +
                  std::to_string(static_cast<long long>(spec.max.value_or(1e18))));
      return v;
    }
    case ParamSpec::Type::Number: {
      double v = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc::result_out_of_range) throw bad("out of range");
      if (ec != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(v))
        throw bad("not a number");
      if ((spec.min && v < *spec.min) || (spec.max && v > *spec.max)) {
        nlohmann::json range = {spec.min ? nlohmann::json(*spec.min) : nlohmann::json("-inf"),
                                spec.max ? nlohmann::json(*spec.max) : nlohmann::json("inf")};
        throw bad("outside " + range[0].dump() + ".." + range[1].dump());
      }
      return v;
    }
    case ParamSpec::Type::Flag:
      if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
      if (text == "false" || text == "0" || text == "no" || text == "off") return false;
      throw bad("not true or false");
    case ParamSpec::Type::Text:
      return text;
  }
  throw bad("unknown type");
}

}  // namespace

PassParameters::PassParameters(const std::vector<ParamSpec>& schema, const std::map<std::string, std::string>& given) {
  for (const auto& [name, text] : given) {
    bool known = false;
    for (const auto& spec : schema) known = known || spec.name == name;
    if (!known) {
      std::string names;
      for (const auto& spec : schema) names += (names.empty() ? "" : ", ") + spec.name;
      throw std::invalid_argument("unknown parameter '" + name + "' (parameters: " + names + ")");
    }
  }
  for (const auto& spec : schema) {
    const auto it = given.find(spec.name);
    values_[spec.name] = parse_value(spec, it == given.end() ? spec.default_value : it->second);
  }
}

const PassParameters::Value& PassParameters::at(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw std::invalid_argument("no parameter '" + name + "'");
  return it->second;
}

std::int64_t PassParameters::integer(const std::string& name) const {
  const Value& v = at(name);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  throw std::invalid_argument("parameter '" + name + "' is not an integer");
}

double PassParameters::number(const std::string& name) const {
  const Value& v = at(name);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  throw std::invalid_argument("parameter '" + name + "' is not a number");
}

bool PassParameters::flag(const std::string& name) const {
  const Value& v = at(name);
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  throw std::invalid_argument("parameter '" + name + "' is not a flag");
}

const std::string& PassParameters::text(const std::string& name) const {
  const Value& v = at(name);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  throw std::invalid_argument("parameter '" + name + "' is not text");
}

std::string PassParameters::to_json() const {
  nlohmann::json j = nlohmann::json::object();  // std::map keys: sorted, so equal sets give equal text
  for (const auto& [name, value] : values_) std::visit([&](const auto& v) { j[name] = v; }, value);
  return j.dump();
}

std::map<std::string, std::string> parse_param_items(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("parameter '" + item + "' is not of the form name=value");
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

}  // namespace dc::core
