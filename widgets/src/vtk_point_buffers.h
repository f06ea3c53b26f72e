#pragma once
#include <vtkSmartPointer.h>
#include <vtkType.h>

#include <cstddef>
#include <cstdint>
#include <vector>

class vtkCellArray;
class vtkFloatArray;
class vtkPolyData;
class vtkTypeInt64Array;
class vtkUnsignedCharArray;

namespace dc::widgets {

// A point cloud as VTK poly data whose arrays view buffers owned here, so that a new frame is written in place:
// the buffers (and the vertex cell array, one vertex per point) are rebuilt only when the point count exceeds the
// capacity; a smaller or equal frame only moves the arrays' end.
class VtkPointBuffers {
 public:
  VtkPointBuffers();
  ~VtkPointBuffers();

  // Sets the point count, growing the buffers when needed. Contents up to the old count are kept.
  void resize(std::size_t count);
  float* xyz() { return xyz_.data(); }              // 3 floats per point
  float* intensity() { return intensity_.data(); }  // kept for recoloring without the source cloud
  std::uint8_t* rgb() { return rgb_.data(); }       // 3 bytes per point
  const float* xyz() const { return xyz_.data(); }
  const float* intensity() const { return intensity_.data(); }
  // Tells VTK that positions or colors changed.
  void mark_points_modified();
  void mark_colors_modified();

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  vtkPolyData* poly_data() const { return poly_data_; }

 private:
  void reserve(std::size_t capacity);
  void attach();  // points the VTK arrays at the buffers for the current size

  std::size_t size_ = 0, capacity_ = 0;
  std::vector<float> xyz_, intensity_;
  std::vector<std::uint8_t> rgb_;
  std::vector<vtkTypeInt64> ids_;  // 0..capacity: vertex offsets and connectivity share it
  vtkSmartPointer<vtkFloatArray> xyz_array_;
  vtkSmartPointer<vtkUnsignedCharArray> rgb_array_;
  vtkSmartPointer<vtkTypeInt64Array> offsets_, connectivity_;
  vtkSmartPointer<vtkCellArray> verts_;
  vtkSmartPointer<vtkPolyData> poly_data_;
};

}  // namespace dc::widgets
