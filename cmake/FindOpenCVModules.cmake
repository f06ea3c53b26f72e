# Finds the OpenCV modules we use from Debian's per-module -dev packages. Debian ships OpenCVConfig.cmake only in
# libopencv-dev, which also pulls highgui (Qt 5) and viz (VTK); we need neither, so targets are made here.
#   find_package(OpenCVModules REQUIRED COMPONENTS core imgproc imgcodecs calib3d)  -> opencv_<module> targets
find_path(OpenCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4)
set(OpenCVModules_FOUND TRUE)
foreach(module ${OpenCVModules_FIND_COMPONENTS})
  find_library(OpenCV_${module}_LIBRARY opencv_${module})
  if(OpenCV_${module}_LIBRARY AND OpenCV_INCLUDE_DIR)
    if(NOT TARGET opencv_${module})
      add_library(opencv_${module} SHARED IMPORTED)
      set_target_properties(opencv_${module} PROPERTIES
        IMPORTED_LOCATION ${OpenCV_${module}_LIBRARY}
        INTERFACE_INCLUDE_DIRECTORIES ${OpenCV_INCLUDE_DIR})
    endif()
  else()
    set(OpenCVModules_FOUND FALSE)
    if(OpenCVModules_FIND_REQUIRED)
      message(FATAL_ERROR "OpenCV module ${module} not found (installers/debian/install-deps.sh installs it)")
    endif()
  endif()
endforeach()
