// KITTI raw tracklet_labels.xml (boost serialization archive read with tinyxml2): parse_tracklets.
#include "dc/core/io/parse_error.h"
#include "fuzz_support.h"
#include "io/readers/kitti/tracklet_xml_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = dc::fuzz::write_input("tracklet_labels.xml", data, size);
  try {
    const dc::core::TrackletParseResult result = dc::core::parse_tracklets(file);
    (void)result.boxes.size();
  } catch (const dc::core::ParseError&) {
  }
  return 0;
}
