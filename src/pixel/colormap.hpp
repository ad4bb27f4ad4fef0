#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace dcmlens::pixel {

// A colormap: the RGB colour of each 8-bit output level. The tables are data files
// (assets/colormaps/*.txt, from matplotlib's definitions) embedded at build time.
struct Colormap {
    std::string name;
    std::array<std::array<std::uint8_t, 3>, 256> table{};
    bool isGray() const { return name == "gray"; }
};

// Every built-in colormap, "gray" first.
const std::vector<Colormap>& colormaps();
// nullptr when there is no colormap of that name.
const Colormap* findColormap(const std::string& name);

// Parses a table file; throws dcmlens::Error unless it has exactly 256 "R G B" lines.
Colormap parseColormap(const std::string& name, const std::string& text);

}  // namespace dcmlens::pixel
