#pragma once
#include <tinyxml2.h>

#include <string>

namespace dc::core {

// Writes XML the way boost::serialization's xml archive does (KITTI's tracklet_labels.xml). tinyxml2's printer
// escapes text and attributes, so an object type like "A&B" stays well-formed. Shared by the KITTI raw exporter
// and the synthetic drive generator (a private header: both include core/src).
class BoostXmlArchive {
public:
  using NumberFormat = std::string (*)(double);
  explicit BoostXmlArchive(NumberFormat format) : format_(format), printer_(nullptr, /*compact=*/false) {}

  void open(const char* name) { printer_.OpenElement(name); }
  // boost::serialization names a class (class_id, tracking_level, version) only where it first occurs.
  void open_class(const char* name, int class_id, int version) {
    printer_.OpenElement(name);
    printer_.PushAttribute("class_id", class_id);
    printer_.PushAttribute("tracking_level", 0);
    printer_.PushAttribute("version", version);
  }
  void close() { printer_.CloseElement(); }
  void element(const char* name, const std::string& value) {
    printer_.OpenElement(name);
    printer_.PushText(value.c_str());
    printer_.CloseElement();
  }
  void element(const char* name, double value) { element(name, format_(value)); }
  void element(const char* name, int value) { element(name, std::to_string(value)); }
  void element(const char* name, long long value) { element(name, std::to_string(value)); }
  tinyxml2::XMLPrinter& printer() { return printer_; }

private:
  NumberFormat format_;
  tinyxml2::XMLPrinter printer_;
};

}  // namespace dc::core
