#pragma once

#include <set>
#include <string>

#include "cli/arguments.hpp"
#include "pixel/render.hpp"

namespace dcmlens::cli {

// The display options shared by `render` and `probe`: --window C,W | --window-index K |
// --window minmax | --window none, --voi-function, --voi-lut, --presentation, --colormap.
const std::set<std::string>& displayOptionNames();
pixel::DisplayOptions displayOptions(const Arguments& a);

}  // namespace dcmlens::cli
