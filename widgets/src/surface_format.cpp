#include "dc/widgets/surface_format.h"

#include <QSurfaceFormat>

namespace dc::widgets {

void use_vtk_surface_format() {
  QSurfaceFormat format;
  format.setVersion(3, 2);
  format.setProfile(QSurfaceFormat::CoreProfile);
  format.setDepthBufferSize(24);
  format.setStencilBufferSize(8);
  QSurfaceFormat::setDefaultFormat(format);
}

}  // namespace dc::widgets
