#pragma once
// Reads every value of a decoded ROS message through the public RosValue API (bounded), so that the harnesses also
// exercise the accessors over whatever layout the decoder accepted.
#include "dc/core/io/parse_error.h"
#include "io/readers/ros/ros_message.h"

#include <cstddef>

namespace dc::fuzz {

inline void walk_value(const dc::core::RosMessage& msg, const dc::core::RosValue& v, std::size_t& budget) {
  using dc::core::RosPrimitive;
  if (budget == 0) return;
  --budget;
  try {
    if (v.is_array()) {
      const std::size_t n = v.size();
      if (v.type() == RosPrimitive::UInt8 || v.type() == RosPrimitive::Int8 || v.type() == RosPrimitive::Bool)
        (void)v.bytes();
      else if (v.type() != RosPrimitive::String && v.type() != RosPrimitive::WString &&
               v.type() != RosPrimitive::Message && n <= 4096)
        (void)v.as_doubles();
      for (std::size_t i = 0; i < n && budget > 0; ++i) walk_value(msg, v[i], budget);
      return;
    }
    switch (v.type()) {
      case RosPrimitive::Message:
        {
          const auto& type = [&]() -> const dc::core::RosMessageType& {
            for (const auto& t : msg.definition().types())
              if (t.name == v.type_name()) return t;
            return msg.definition().root();
          }();
          for (const auto& f : type.fields) {
            if (budget == 0) return;
            if (auto child = v.find_field(f.name)) walk_value(msg, *child, budget);
          }
        }
        break;
      case RosPrimitive::String:
        (void)v.as_string();
        break;
      case RosPrimitive::WString:
        break;
      case RosPrimitive::Float32:
      case RosPrimitive::Float64:
        (void)v.as_double();
        break;
      default:
        (void)v.as_double();
        (void)v.as_bool();
        try {
          (void)v.as_int();
        } catch (const dc::core::ParseError&) {
        }
        try {
          (void)v.as_uint();
        } catch (const dc::core::ParseError&) {
        }
        break;
    }
  } catch (const dc::core::ParseError&) {
  }
}

inline void walk_message(const dc::core::RosMessage& msg, std::size_t budget = 20000) {
  walk_value(msg, msg.root(), budget);
}

}  // namespace dc::fuzz
