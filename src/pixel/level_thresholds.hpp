#pragma once

#include <array>

#include "pixel/gray_pipeline.hpp"

namespace dcmlens::pixel {

// The 8-bit output of a window (LINEAR, LINEAR_EXACT, SIGMOID) or of no VOI is a monotonic step
// function of the modality value. Its 255 steps, found in double precision from the CPU pipeline
// itself, let the shader reproduce the CPU's levels exactly with comparisons alone, instead of
// re-evaluating the formulas in float32 (whose rounding differs from DCMTK's double near level
// boundaries). Rising output (normal polarity): level(m) >= k  <=>  m >= at[k].
// Falling output (inverted): level(m) >= k  <=>  m < at[k]. at[0] is unused.
struct LevelThresholds {
    bool falling = false;
    std::array<double, 256> at{};
};

// Only for window and no-VOI pipelines (a VOI LUT need not be monotonic).
LevelThresholds levelThresholds(const GrayPipeline& pipeline);

// The level of m from the thresholds (what the shader computes; used to test them).
int levelFromThresholds(const LevelThresholds& t, double m);

}  // namespace dcmlens::pixel
