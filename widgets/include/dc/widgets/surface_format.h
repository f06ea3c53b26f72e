#pragma once

namespace dc::widgets {

// VTK needs an OpenGL 3.2+ core profile with depth and stencil. Call before the QApplication is constructed.
void use_vtk_surface_format();

}  // namespace dc::widgets
