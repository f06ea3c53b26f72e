#pragma once
#include <opencv2/core/mat.hpp>

namespace dc::core::data_qc {

// What data-qc needs from one camera frame, measured on its gray version.
struct ImageFrameStats {
  double mean = 0;                // gray level 0..255
  double saturated_fraction = 0;  // pixels at or above the saturation level
  double laplacian_variance = 0;  // sharpness: low when blurred
  double diff_to_previous = -1;   // mean absolute gray difference to the previous frame; -1 when not measured

  // `gray`: 8-bit single channel.
  static ImageFrameStats measure(const cv::Mat& gray, int saturation_level);
};

// 8-bit gray version of a loaded (BGR or gray) image.
cv::Mat to_gray(const cv::Mat& image);
// Mean absolute difference of two gray images; -1 when their sizes differ.
double mean_abs_difference(const cv::Mat& a, const cv::Mat& b);

}  // namespace dc::core::data_qc
