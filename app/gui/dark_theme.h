#pragma once

class QApplication;

namespace dc::app {

// Fusion style with a dark palette: easy on the eyes over long review sessions, and points/overlays stand out.
void apply_dark_theme(QApplication& app);

}  // namespace dc::app
