#pragma once

// The library is built with hidden visibility so that CUDA runtime and CUB internals stay private;
// only what is marked DC_GPU_API is exported.
#if defined(_WIN32)
#define DC_GPU_API
#else
#define DC_GPU_API __attribute__((visibility("default")))
#endif
