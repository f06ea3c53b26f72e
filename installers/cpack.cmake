# The Debian package: `make package` at the top level, or `cpack -G DEB` in a configured and built build folder.
# Included last from the top-level CMakeLists.txt. The targets install themselves (app/*, core, gpu, synth, widgets:
# binaries to bin/, this project's shared libraries to ${DC_INSTALL_LIBDIR}, found through a $ORIGIN RUNPATH);
# this file installs the desktop integration and the documentation, then sets up CPack.

set(DC_PACKAGE_MAINTAINER "DriveCurator developers <drivecurator@example.org>"
  CACHE STRING "Maintainer field of the Debian package")
set(DC_PACKAGE_DIR ${PROJECT_BINARY_DIR}/package-files)
set(DC_VERSION ${PROJECT_VERSION})

# gzip -9n at configure time: Debian wants the changelog and manual pages compressed, without a timestamp.
function(dc_gzip_file in out)
  execute_process(COMMAND gzip -9nc ${in} OUTPUT_FILE ${out} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${in} failed")
  endif()
endfunction()

# Documentation: copyright, changelog (a native package: changelog.gz), manual pages.
set(DC_DOC_DIR share/doc/drivecurator)
configure_file(${PROJECT_SOURCE_DIR}/installers/debian/changelog.in ${DC_PACKAGE_DIR}/changelog @ONLY)
dc_gzip_file(${DC_PACKAGE_DIR}/changelog ${DC_PACKAGE_DIR}/changelog.gz)
install(FILES ${DC_PACKAGE_DIR}/changelog.gz ${PROJECT_SOURCE_DIR}/installers/debian/copyright
  DESTINATION ${DC_DOC_DIR})
set(DC_MAN_PAGES drivecurator-cli.1)
if(DC_BUILD_GUI)
  list(APPEND DC_MAN_PAGES drivecurator.1)
endif()
foreach(page ${DC_MAN_PAGES})
  configure_file(${PROJECT_SOURCE_DIR}/resources/man/${page} ${DC_PACKAGE_DIR}/${page} @ONLY)
  dc_gzip_file(${DC_PACKAGE_DIR}/${page} ${DC_PACKAGE_DIR}/${page}.gz)
  install(FILES ${DC_PACKAGE_DIR}/${page}.gz DESTINATION share/man/man1)
endforeach()

# Desktop integration of the GUI: menu entry, icon (SVG, and a 256x256 PNG when rsvg-convert is there), AppStream.
if(DC_BUILD_GUI)
  set(DC_APPSTREAM_ID org.drivecurator.DriveCurator)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/drivecurator.desktop DESTINATION share/applications)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/drivecurator.metainfo.xml
    DESTINATION share/metainfo RENAME ${DC_APPSTREAM_ID}.metainfo.xml)
  set(DC_ICON_SVG ${PROJECT_SOURCE_DIR}/resources/icons/drivecurator.svg)
  install(FILES ${DC_ICON_SVG} DESTINATION share/icons/hicolor/scalable/apps)
  find_program(DC_RSVG_CONVERT rsvg-convert)
  if(DC_RSVG_CONVERT)
    set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${DC_ICON_SVG})
    execute_process(COMMAND ${DC_RSVG_CONVERT} -w 256 -h 256 -o ${DC_PACKAGE_DIR}/drivecurator.png ${DC_ICON_SVG}
      RESULT_VARIABLE rc)
    if(rc EQUAL 0)
      install(FILES ${DC_PACKAGE_DIR}/drivecurator.png DESTINATION share/icons/hicolor/256x256/apps)
    else()
      message(WARNING "rsvg-convert failed: the package has the SVG icon only")
    endif()
  else()
    message(STATUS "rsvg-convert not found (librsvg2-bin): the package has the SVG icon only")
  endif()
endif()

# CPack: one Debian package, drivecurator_<version>_<arch>.deb.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME drivecurator)
set(CPACK_PACKAGE_VENDOR "The DriveCurator developers")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${DC_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "workstation for recorded autonomous-vehicle drives")
set(CPACK_PACKAGE_DESCRIPTION
  "DriveCurator indexes recorded drives (KITTI raw and object layouts) into a\n"
  "SQLite catalog and shows lidar and cameras fused in one view. It runs\n"
  "validation passes (data quality, label quality, calibration check),\n"
  "automatic labeling and evaluation against the ground truth, on this machine\n"
  "or as array jobs on a Slurm cluster, and keeps every label revision.\n"
  ".\n"
  "The package holds the desktop application (drivecurator) and the command\n"
  "line program (drivecurator-cli), which cluster jobs run.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)  # lintian: unstripped-binary-or-object
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS ${CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS})

set(CPACK_DEBIAN_PACKAGE_NAME drivecurator)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${DC_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Run-time libraries come from dpkg-shlibdeps (Qt 6, VTK, OpenCV, Ceres, SQLite, ...); it finds this project's own
# libraries in the private folder of the staged package (dpkg-shlibdeps runs in the staging root).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS usr/${DC_INSTALL_LIBDIR})
# What dpkg-shlibdeps cannot see: Qt loads its xcb platform plugin at run time.
if(DC_BUILD_GUI)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
endif()
# Slurm executor (sbatch/squeue/scancel) and the ssh hop to a login node: only for cluster runs.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "slurm-client, openssh-client")

include(CPack)
