#pragma once
#include "dc/widgets/view_options.h"

class QSettings;

namespace dc::app {

// ViewOptions <-> QSettings ("view/..."), so color mode, overlays and sizes survive restarts.
widgets::ViewOptions load_view_options(QSettings& settings);
void save_view_options(QSettings& settings, const widgets::ViewOptions& options);

}  // namespace dc::app
