#pragma once
#include "dc/core/passes/pass_parameters.h"
#include "dc/core/passes/pass_result.h"
#include "dc/core/util/progress.h"

#include <memory>
#include <string>
#include <vector>

namespace dc::core {

class DriveSession;

// What a pass sees of one run: the drive (frames, samples, labels, calibrations, poses), the parameters, progress
// and cancel. Payloads are loaded through dc::core::SampleLoader / the payload loader, like the viewer does.
struct PassContext {
  const DriveSession& session;
  const PassParameters& parameters;
  const Progress& progress;  // report per sample; check cancelled() at least once per sample (throw Cancelled)
  unsigned threads = 0;      // worker threads the pass may use (0: all cores)
};

// A labeling or validation pass: a name, a version, a parameter schema, and a run over one drive. Passes are
// stateless; one instance serves every run. Registered in pass_registry().
class Pass {
public:
  virtual ~Pass() = default;
  virtual std::string name() const = 0;     // "data-qc"
  virtual std::string version() const = 0;  // bumped when results change for the same input
  virtual std::string summary() const = 0;  // one line for `pass list`
  virtual std::vector<ParamSpec> parameters() const = 0;
  virtual PassResult run(const PassContext& context) const = 0;
};

}  // namespace dc::core
