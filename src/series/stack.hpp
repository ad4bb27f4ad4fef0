#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/instance.hpp"
#include "series/series_builder.hpp"

namespace dcmlens::series {

// Orders instances of one series for display: by Image Position (Patient) projected on the slice
// normal from Image Orientation (Patient), else by Instance Number, else by path.
void sortForDisplay(std::vector<std::shared_ptr<const model::Instance>>& instances);

// A synthetic CT phantom (signed 16-bit, HU rescale, soft-tissue and lung windows, real
// geometry) so that `dcmlens` with no argument shows something to scroll and window.
SeriesStack demoStack(int slices = 100, int size = 256);

}  // namespace dcmlens::series
