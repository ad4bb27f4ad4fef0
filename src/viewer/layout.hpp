#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dcmlens::viewer {

// A rectangle on the screen, in pixels (x, y: top left).
struct Rect {
    double x = 0;
    double y = 0;
    double width = 0;
    double height = 0;
    bool contains(double px, double py) const {
        return px >= x && py >= y && px < x + width && py < y + height;
    }
    bool operator==(const Rect& o) const {
        return x == o.x && y == o.y && width == o.width && height == o.height;
    }
};

// A grid of viewports, rows x columns, filled in reading order (left to right, then down).
// "1x2" is one row of two viewports side by side, "2x1" two viewports one above the other
// (Weasis' naming).
struct Grid {
    int rows = 1;
    int columns = 1;
    int count() const { return rows * columns; }
    std::string name() const { return std::to_string(rows) + "x" + std::to_string(columns); }
    bool operator==(const Grid& o) const { return rows == o.rows && columns == o.columns; }
    bool operator!=(const Grid& o) const { return !(*this == o); }
};

// The layouts the menu and Ctrl+1 ... Ctrl+6 offer, in that order.
const std::vector<Grid>& standardGrids();
// "2x2" -> {2, 2}; only the standard grids.
std::optional<Grid> parseGrid(const std::string& text);

// The cells of `grid` inside `area`, in reading order, `gap` pixels apart; whole pixels, so that
// every cell's framebuffer is an integer size and cells tile the area without overlap.
std::vector<Rect> gridCells(const Grid& grid, const Rect& area, double gap = 2);
// The cell under a point, if any.
std::optional<int> cellAt(const std::vector<Rect>& cells, double x, double y);

// The side panel's width: the user's (dragged) width, kept between limits so that the image
// still gets most of the window (at 800 x 600 at least 55 % of the width).
double clampPanelWidth(double wanted, double windowWidth, double minimum);

}  // namespace dcmlens::viewer
