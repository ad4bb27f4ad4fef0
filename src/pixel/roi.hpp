#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model/instance.hpp"
#include "pixel/modality.hpp"

namespace dcmlens::pixel {

// A region of a frame in image pixel coordinates: a rectangle or the ellipse inscribed in it.
// A pixel belongs to the region when its centre (x + 0.5, y + 0.5) lies inside.
struct Roi {
    enum class Shape { Rectangle, Ellipse };
    Shape shape = Shape::Rectangle;
    double x = 0;  // top-left corner of the bounding box
    double y = 0;
    double width = 0;
    double height = 0;
    bool contains(int px, int py) const;
};

// Statistics of modality values (PS3.3 C.11.1: HU for CT) over a region; padding excluded.
// SD is the population standard deviation.
struct RoiStatistics {
    std::size_t count = 0;
    std::size_t padding = 0;  // pixels of the region left out as padding (PS3.3 C.7.5.1.1.2)
    double mean = 0;
    double sd = 0;
    double min = 0;
    double max = 0;
};
// The part of a region's bounding box that lies on a width x height image. `clipped` when some
// of the box lies outside; width or height 0 when none of it lies on the image. Statistics cover
// only the pixels on the image: a caller that measures a clipped region must say so.
struct RoiBounds {
    double x = 0;
    double y = 0;
    double width = 0;
    double height = 0;
    bool clipped = false;
};
RoiBounds clipToImage(const Roi& roi, int width, int height);

RoiStatistics roiStatistics(const model::PixelBuffer& buffer, int frame,
                            const ModalityTransform& modality, const model::Padding& padding,
                            const Roi& roi);

// The same over a closed polygon (image points, in order); a pixel belongs when its centre is
// inside (even-odd rule).
RoiStatistics polygonStatistics(const model::PixelBuffer& buffer, int frame,
                                const ModalityTransform& modality, const model::Padding& padding,
                                const std::vector<std::pair<double, double>>& polygon);

// Areas in mm^2 from Pixel Spacing: of a rectangle or its inscribed ellipse (the Roi), and of a
// polygon (shoelace formula); nullopt without spacing.
std::optional<double> areaMm2(const model::Geometry& geometry, const Roi& roi);
std::optional<double> polygonAreaMm2(const model::Geometry& geometry,
                                     const std::vector<std::pair<double, double>>& polygon);

// The angle at `vertex` between the arms to a and b, in degrees (0..180), in mm space (pixels
// need not be square); and the Cobb angle between two lines (0..90): the acute angle between
// their directions.
double angleDegrees(const model::Geometry& geometry, std::pair<double, double> a,
                    std::pair<double, double> vertex, std::pair<double, double> b);
double cobbAngleDegrees(const model::Geometry& geometry, std::pair<double, double> a0,
                        std::pair<double, double> a1, std::pair<double, double> b0,
                        std::pair<double, double> b1);

// Modality values along a line from (x0, y0) to (x1, y1) (image pixels), one sample per pixel of
// length, nearest pixel.
std::vector<double> lineProfile(const model::PixelBuffer& buffer, int frame,
                                const ModalityTransform& modality, double x0, double y0, double x1,
                                double y1);

// Length in mm of a line between two image points, from Pixel Spacing (0028,0030: row spacing,
// column spacing); nullopt without spacing.
std::optional<double> distanceMm(const model::Geometry& geometry, double x0, double y0, double x1,
                                 double y1);

}  // namespace dcmlens::pixel
