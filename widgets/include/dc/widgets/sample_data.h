#pragma once
#include "dc/core/data/loaded_sample.h"

#include <QMetaType>
#include <memory>

namespace dc::widgets {

// What the viewers show for one sample: core's decoded sample (the same a headless pass loads). Immutable once
// handed out (shared_ptr<const>).
using SampleData = dc::core::LoadedSample;

}  // namespace dc::widgets

Q_DECLARE_METATYPE(std::shared_ptr<const dc::core::LoadedSample>)
