#pragma once
#include "dc/core/model/finding.h"

#include <QColor>

namespace dc::widgets {

// One color per finding severity, shared by the findings table and the timeline's findings lane so the two read
// alike: info blue-gray, warning amber, error red.
inline QColor severity_color(dc::core::Severity severity) {
  switch (severity) {
    case dc::core::Severity::Info:
      return QColor(0x78, 0x90, 0x9c);
    case dc::core::Severity::Warning:
      return QColor(0xff, 0xa7, 0x26);
    case dc::core::Severity::Error:
      return QColor(0xef, 0x53, 0x50);
  }
  return QColor(0x78, 0x90, 0x9c);
}

}  // namespace dc::widgets
