#pragma once

#include <string>
#include <vector>

#include "viewer/layout.hpp"

namespace dcmlens::cli {

// `dcmlens bench --layout RxC PATH...` (bench_layout.cpp): the viewports of a layout, headless.
int benchLayout(const viewer::Grid& grid, const std::vector<std::string>& inputs, int width,
                int height, bool json);

}  // namespace dcmlens::cli
