#include "pixel/roi.hpp"

#include <algorithm>
#include <cmath>

namespace dcmlens::pixel {

bool Roi::contains(int px, int py) const {
    const double cx = px + 0.5;
    const double cy = py + 0.5;
    if (cx < x || cy < y || cx > x + width || cy > y + height) {
        return false;
    }
    if (shape == Shape::Rectangle) {
        return true;
    }
    const double rx = width / 2;
    const double ry = height / 2;
    if (rx <= 0 || ry <= 0) {
        return false;
    }
    const double u = (cx - (x + rx)) / rx;
    const double v = (cy - (y + ry)) / ry;
    return u * u + v * v <= 1;
}

RoiBounds clipToImage(const Roi& roi, int width, int height) {
    RoiBounds b;
    const double x0 = std::clamp(roi.x, 0.0, static_cast<double>(std::max(0, width)));
    const double y0 = std::clamp(roi.y, 0.0, static_cast<double>(std::max(0, height)));
    const double x1 = std::clamp(roi.x + roi.width, x0, static_cast<double>(std::max(0, width)));
    const double y1 = std::clamp(roi.y + roi.height, y0, static_cast<double>(std::max(0, height)));
    b.x = x0;
    b.y = y0;
    b.width = x1 - x0;
    b.height = y1 - y0;
    b.clipped = x0 != roi.x || y0 != roi.y || x1 != roi.x + roi.width || y1 != roi.y + roi.height;
    return b;
}

namespace {

// Statistics of the modality values of the pixels in [x0, x1) x [y0, y1) that `inside` accepts,
// padding excluded (and counted).
template <class Inside>
RoiStatistics statisticsOver(const model::PixelBuffer& buffer, int frame,
                             const ModalityTransform& modality, const model::Padding& padding,
                             int x0, int y0, int x1, int y1, Inside&& inside) {
    RoiStatistics s;
    double sum = 0;
    double sum2 = 0;
    for (int y = std::max(0, y0); y < std::min(buffer.height(), y1); ++y) {
        for (int x = std::max(0, x0); x < std::min(buffer.width(), x1); ++x) {
            if (!inside(x, y)) {
                continue;
            }
            const std::int64_t stored = buffer.at(frame, x, y, 0);
            if (padding.contains(stored)) {
                ++s.padding;
                continue;
            }
            const double m = modality.apply(stored);
            if (s.count == 0) {
                s.min = s.max = m;
            }
            s.min = std::min(s.min, m);
            s.max = std::max(s.max, m);
            sum += m;
            sum2 += m * m;
            ++s.count;
        }
    }
    if (s.count > 0) {
        const double n = static_cast<double>(s.count);
        s.mean = sum / n;
        s.sd = std::sqrt(std::max(0.0, sum2 / n - s.mean * s.mean));
    }
    return s;
}

}  // namespace

RoiStatistics roiStatistics(const model::PixelBuffer& buffer, int frame,
                            const ModalityTransform& modality, const model::Padding& padding,
                            const Roi& roi) {
    return statisticsOver(buffer, frame, modality, padding, static_cast<int>(std::floor(roi.x)),
                          static_cast<int>(std::floor(roi.y)),
                          static_cast<int>(std::ceil(roi.x + roi.width)),
                          static_cast<int>(std::ceil(roi.y + roi.height)),
                          [&](int x, int y) { return roi.contains(x, y); });
}

RoiStatistics polygonStatistics(const model::PixelBuffer& buffer, int frame,
                                const ModalityTransform& modality, const model::Padding& padding,
                                const std::vector<std::pair<double, double>>& polygon) {
    if (polygon.size() < 3) {
        return {};
    }
    double minX = polygon[0].first, maxX = minX, minY = polygon[0].second, maxY = minY;
    for (const auto& [x, y] : polygon) {
        minX = std::min(minX, x);
        maxX = std::max(maxX, x);
        minY = std::min(minY, y);
        maxY = std::max(maxY, y);
    }
    // A pixel belongs when its centre is inside: even-odd, crossings of a ray to the right.
    auto inside = [&](int x, int y) {
        const double cx = x + 0.5;
        const double cy = y + 0.5;
        bool in = false;
        for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
            const auto& [xi, yi] = polygon[i];
            const auto& [xj, yj] = polygon[j];
            if ((yi > cy) != (yj > cy) && cx < (xj - xi) * (cy - yi) / (yj - yi) + xi) {
                in = !in;
            }
        }
        return in;
    };
    return statisticsOver(buffer, frame, modality, padding, static_cast<int>(std::floor(minX)),
                          static_cast<int>(std::floor(minY)), static_cast<int>(std::ceil(maxX)),
                          static_cast<int>(std::ceil(maxY)), inside);
}

namespace {

// (column spacing, row spacing) in mm per pixel.
std::optional<std::pair<double, double>> spacingOf(const model::Geometry& g) {
    if (!g.pixelSpacing || (*g.pixelSpacing)[0] <= 0 || (*g.pixelSpacing)[1] <= 0) {
        return std::nullopt;
    }
    return std::make_pair((*g.pixelSpacing)[1], (*g.pixelSpacing)[0]);
}

std::pair<double, double> inMm(const model::Geometry& g, std::pair<double, double> p) {
    const auto s = spacingOf(g).value_or(std::make_pair(1.0, 1.0));
    return {p.first * s.first, p.second * s.second};
}

}  // namespace

std::optional<double> areaMm2(const model::Geometry& geometry, const Roi& roi) {
    const auto s = spacingOf(geometry);
    if (!s) {
        return std::nullopt;
    }
    const double box = roi.width * roi.height * s->first * s->second;
    return roi.shape == Roi::Shape::Rectangle ? box : box * 3.14159265358979323846 / 4;
}

std::optional<double> polygonAreaMm2(const model::Geometry& geometry,
                                     const std::vector<std::pair<double, double>>& polygon) {
    const auto s = spacingOf(geometry);
    if (!s || polygon.size() < 3) {
        return s ? std::optional<double>(0.0) : std::nullopt;
    }
    double twice = 0;
    for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
        twice += polygon[j].first * polygon[i].second - polygon[i].first * polygon[j].second;
    }
    return std::abs(twice) / 2 * s->first * s->second;
}

double angleDegrees(const model::Geometry& geometry, std::pair<double, double> a,
                    std::pair<double, double> vertex, std::pair<double, double> b) {
    const auto pa = inMm(geometry, a);
    const auto pv = inMm(geometry, vertex);
    const auto pb = inMm(geometry, b);
    const double ax = pa.first - pv.first, ay = pa.second - pv.second;
    const double bx = pb.first - pv.first, by = pb.second - pv.second;
    const double n = std::hypot(ax, ay) * std::hypot(bx, by);
    if (n <= 0) {
        return 0;
    }
    return std::acos(std::clamp((ax * bx + ay * by) / n, -1.0, 1.0)) * 180 / 3.14159265358979323846;
}

double cobbAngleDegrees(const model::Geometry& geometry, std::pair<double, double> a0,
                        std::pair<double, double> a1, std::pair<double, double> b0,
                        std::pair<double, double> b1) {
    const auto p0 = inMm(geometry, a0), p1 = inMm(geometry, a1);
    const auto q0 = inMm(geometry, b0), q1 = inMm(geometry, b1);
    const double ax = p1.first - p0.first, ay = p1.second - p0.second;
    const double bx = q1.first - q0.first, by = q1.second - q0.second;
    const double n = std::hypot(ax, ay) * std::hypot(bx, by);
    if (n <= 0) {
        return 0;
    }
    const double angle = std::acos(std::clamp(std::abs(ax * bx + ay * by) / n, 0.0, 1.0)) * 180 /
                         3.14159265358979323846;
    return angle;
}

std::vector<double> lineProfile(const model::PixelBuffer& buffer, int frame,
                                const ModalityTransform& modality, double x0, double y0, double x1,
                                double y1) {
    const double length = std::hypot(x1 - x0, y1 - y0);
    const int n = std::max(2, static_cast<int>(std::ceil(length)) + 1);
    std::vector<double> out;
    out.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / (n - 1);
        const int x =
            std::clamp(static_cast<int>(std::floor(x0 + (x1 - x0) * t)), 0, buffer.width() - 1);
        const int y =
            std::clamp(static_cast<int>(std::floor(y0 + (y1 - y0) * t)), 0, buffer.height() - 1);
        out.push_back(modality.apply(buffer.at(frame, x, y, 0)));
    }
    return out;
}

std::optional<double> distanceMm(const model::Geometry& geometry, double x0, double y0, double x1,
                                 double y1) {
    if (!geometry.pixelSpacing) {
        return std::nullopt;
    }
    const double rowSpacing = (*geometry.pixelSpacing)[0];
    const double columnSpacing = (*geometry.pixelSpacing)[1];
    return std::hypot((x1 - x0) * columnSpacing, (y1 - y0) * rowSpacing);
}

}  // namespace dcmlens::pixel
