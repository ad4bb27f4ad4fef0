#include "viewer/layout.hpp"

#include <algorithm>
#include <cmath>

namespace dcmlens::viewer {

const std::vector<Grid>& standardGrids() {
    static const std::vector<Grid> grids = {{1, 1}, {1, 2}, {2, 1}, {2, 2}, {1, 3}, {3, 3}};
    return grids;
}

std::optional<Grid> parseGrid(const std::string& text) {
    for (const Grid& g : standardGrids()) {
        if (g.name() == text) {
            return g;
        }
    }
    return std::nullopt;
}

std::vector<Rect> gridCells(const Grid& grid, const Rect& area, double gap) {
    std::vector<Rect> cells;
    const int rows = std::max(1, grid.rows);
    const int columns = std::max(1, grid.columns);
    // Cell edges at whole pixels: column c spans [edge(c), edge(c + 1) - gap).
    auto edge = [&](double origin, double length, int parts, int k) {
        return origin + std::floor((length + gap) * k / parts);
    };
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < columns; ++c) {
            Rect cell;
            cell.x = edge(area.x, area.width, columns, c);
            cell.y = edge(area.y, area.height, rows, r);
            cell.width = std::max(1.0, edge(area.x, area.width, columns, c + 1) - gap - cell.x);
            cell.height = std::max(1.0, edge(area.y, area.height, rows, r + 1) - gap - cell.y);
            cells.push_back(cell);
        }
    }
    return cells;
}

std::optional<int> cellAt(const std::vector<Rect>& cells, double x, double y) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (cells[i].contains(x, y)) {
            return static_cast<int>(i);
        }
    }
    return std::nullopt;
}

double clampPanelWidth(double wanted, double windowWidth, double minimum) {
    const double maximum = std::max(minimum, windowWidth * 0.45);
    return std::clamp(wanted, minimum, maximum);
}

}  // namespace dcmlens::viewer
