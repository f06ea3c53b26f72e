#include "vtk_line_set.h"

#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkFloatArray.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkSmartPointer.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace dc::widgets {

void VtkLineSet::clear() {
  xyz_.clear();
  colors_.clear();
}

void VtkLineSet::add_segment(const Eigen::Vector3d& a, const Eigen::Vector3d& b, Rgb8 color) {
  for (const auto* p : {&a, &b})
    for (int k = 0; k < 3; ++k) xyz_.push_back(static_cast<float>((*p)[k]));
  colors_.push_back(color);
}

void VtkLineSet::add_dashed(const Eigen::Vector3d& a, const Eigen::Vector3d& b, Rgb8 color, double dash, double gap) {
  const double length = (b - a).norm();
  if (length <= 0 || dash <= 0) return;
  const Eigen::Vector3d dir = (b - a) / length;
  // Centre the pattern so both ends of an edge look the same (box corners stay visible).
  const double period = dash + gap;
  const int n = std::max(1, static_cast<int>(std::floor((length + gap) / period)));
  const double start = (length - (n * period - gap)) / 2;
  for (int i = 0; i < n; ++i) {
    const double s0 = std::max(0.0, start + i * period), s1 = std::min(length, start + i * period + dash);
    if (s1 > s0) add_segment(a + s0 * dir, a + s1 * dir, color);
  }
}

void VtkLineSet::add_polyline(const std::vector<Eigen::Vector3d>& points, Rgb8 color) {
  for (std::size_t i = 1; i < points.size(); ++i) add_segment(points[i - 1], points[i], color);
}

void VtkLineSet::store(vtkPolyData* out) const {
  const auto n = static_cast<vtkIdType>(colors_.size());
  auto xyz = vtkSmartPointer<vtkFloatArray>::New();
  xyz->SetNumberOfComponents(3);
  xyz->SetNumberOfTuples(2 * n);
  std::copy(xyz_.begin(), xyz_.end(), xyz->GetPointer(0));
  auto points = vtkSmartPointer<vtkPoints>::New();
  points->SetData(xyz);

  auto lines = vtkSmartPointer<vtkCellArray>::New();
  lines->AllocateExact(n, 2 * n);
  auto rgb = vtkSmartPointer<vtkUnsignedCharArray>::New();
  rgb->SetNumberOfComponents(3);
  rgb->SetNumberOfTuples(n);
  rgb->SetName("rgb");
  for (vtkIdType i = 0; i < n; ++i) {
    const vtkIdType ids[2] = {2 * i, 2 * i + 1};
    lines->InsertNextCell(2, ids);
    const Rgb8 c = colors_[static_cast<std::size_t>(i)];
    rgb->SetTypedTuple(i, std::array<unsigned char, 3>{c.r, c.g, c.b}.data());
  }
  out->Initialize();
  out->SetPoints(points);
  out->SetLines(lines);
  out->GetCellData()->SetScalars(rgb);
}

}  // namespace dc::widgets
