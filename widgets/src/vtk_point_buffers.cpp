#include "vtk_point_buffers.h"

#include <vtkCellArray.h>
#include <vtkFloatArray.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkTypeInt64Array.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <numeric>

namespace dc::widgets {

namespace {
// VTK must never free or reallocate what it is given here.
constexpr int kKeepBuffer = 1;
}  // namespace

VtkPointBuffers::VtkPointBuffers()
    : xyz_array_(vtkSmartPointer<vtkFloatArray>::New()),
      rgb_array_(vtkSmartPointer<vtkUnsignedCharArray>::New()),
      offsets_(vtkSmartPointer<vtkTypeInt64Array>::New()),
      connectivity_(vtkSmartPointer<vtkTypeInt64Array>::New()),
      verts_(vtkSmartPointer<vtkCellArray>::New()),
      poly_data_(vtkSmartPointer<vtkPolyData>::New()) {
  xyz_array_->SetNumberOfComponents(3);
  rgb_array_->SetNumberOfComponents(3);
  rgb_array_->SetName("rgb");
  auto points = vtkSmartPointer<vtkPoints>::New();
  points->SetData(xyz_array_);
  poly_data_->SetPoints(points);
  poly_data_->GetPointData()->SetScalars(rgb_array_);
  reserve(1024);
  attach();
  verts_->SetData(offsets_, connectivity_);
  poly_data_->SetVerts(verts_);
}

VtkPointBuffers::~VtkPointBuffers() = default;

void VtkPointBuffers::reserve(std::size_t capacity) {
  if (capacity <= capacity_) return;
  xyz_.resize(3 * capacity);
  intensity_.resize(capacity);
  rgb_.resize(3 * capacity);
  // One vertex cell per point: offsets 0..n and connectivity 0..n-1 are both a prefix of 0..capacity.
  ids_.resize(capacity + 1);
  std::iota(ids_.begin(), ids_.end(), vtkTypeInt64{0});
  capacity_ = capacity;
}

void VtkPointBuffers::resize(std::size_t count) {
  if (count > capacity_) {
    // Grow geometrically so that slowly growing frames do not reallocate every time.
    reserve(std::max(count, capacity_ + capacity_ / 2));
  }
  size_ = count;
  attach();
}

void VtkPointBuffers::attach() {
  const auto n = static_cast<vtkIdType>(size_);
  xyz_array_->SetArray(xyz_.data(), 3 * n, kKeepBuffer);
  rgb_array_->SetArray(rgb_.data(), 3 * n, kKeepBuffer);
  offsets_->SetArray(ids_.data(), n + 1, kKeepBuffer);
  connectivity_->SetArray(ids_.data(), n, kKeepBuffer);
  verts_->Modified();
  mark_points_modified();
  mark_colors_modified();
}

void VtkPointBuffers::mark_points_modified() {
  xyz_array_->Modified();
  poly_data_->GetPoints()->Modified();
  poly_data_->Modified();
}

void VtkPointBuffers::mark_colors_modified() {
  rgb_array_->Modified();
  poly_data_->Modified();
}

}  // namespace dc::widgets
