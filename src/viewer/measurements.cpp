#include "viewer/measurements.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "pixel/modality.hpp"

namespace dcmlens::viewer {

namespace {

std::string lengthText(const MeasurementResult& r) {
    char text[64];
    if (r.lengthMm) {
        std::snprintf(text, sizeof text, "%.2f mm", *r.lengthMm);
    } else {
        std::snprintf(text, sizeof text, "%.1f px", r.lengthPixels);
    }
    return text;
}

std::string areaText(const MeasurementResult& r) {
    char text[64];
    if (r.areaMm2) {
        std::snprintf(text, sizeof text, "area %.1f mm2", *r.areaMm2);
    } else {
        std::snprintf(text, sizeof text, "area %.0f px", r.areaPixels);
    }
    return text;
}

}  // namespace

MeasurementResult measure(const Measurement& m, const model::Instance& in, int frame,
                          const model::PixelBuffer* values, const std::string& unit) {
    MeasurementResult r;
    const auto& p = m.points;
    const bool grey =
        in.pixel.samplesPerPixel == 1 && in.pixel.photometric != model::Photometric::PaletteColor;
    const pixel::ModalityTransform modality(in.modalityFor(frame), in.pixel);
    char text[200];
    switch (m.tool) {
        case Tool::Line:
            if (p.size() >= 2) {
                r.lengthPixels = std::hypot(p[1].first - p[0].first, p[1].second - p[0].second);
                r.lengthMm = pixel::distanceMm(in.geometry, p[0].first, p[0].second, p[1].first,
                                               p[1].second);
                r.text = lengthText(r);
            }
            break;
        case Tool::Angle:
            if (p.size() >= 3) {
                r.angleDegrees = pixel::angleDegrees(in.geometry, p[0], p[1], p[2]);
                std::snprintf(text, sizeof text, "%.1f deg", *r.angleDegrees);
                r.text = text;
            } else {
                r.text = "click the end of the second arm";
            }
            break;
        case Tool::CobbAngle:
            if (p.size() >= 4) {
                r.angleDegrees = pixel::cobbAngleDegrees(in.geometry, p[0], p[1], p[2], p[3]);
                std::snprintf(text, sizeof text, "Cobb %.1f deg", *r.angleDegrees);
                r.text = text;
            } else {
                r.text = "drag the second line";
            }
            break;
        case Tool::Rectangle:
        case Tool::Ellipse:
        case Tool::Polygon: {
            if (m.tool == Tool::Polygon) {
                if (p.size() < 3) {
                    r.text = "click more vertices; click the first one (or Enter) to close";
                    break;
                }
                double twice = 0;
                for (std::size_t i = 0, j = p.size() - 1; i < p.size(); j = i++) {
                    twice += p[j].first * p[i].second - p[i].first * p[j].second;
                }
                r.areaPixels = std::abs(twice) / 2;
                r.areaMm2 = pixel::polygonAreaMm2(in.geometry, p);
                if (grey && values) {
                    r.statistics = pixel::polygonStatistics(*values, 0, modality, in.padding, p);
                }
            } else if (p.size() >= 2) {
                const pixel::Roi roi{
                    m.tool == Tool::Ellipse ? pixel::Roi::Shape::Ellipse
                                            : pixel::Roi::Shape::Rectangle,
                    std::min(p[0].first, p[1].first), std::min(p[0].second, p[1].second),
                    std::abs(p[1].first - p[0].first), std::abs(p[1].second - p[0].second)};
                r.areaPixels = roi.width * roi.height *
                               (m.tool == Tool::Ellipse ? 3.14159265358979323846 / 4 : 1);
                r.areaMm2 = pixel::areaMm2(in.geometry, roi);
                if (grey && values) {
                    r.statistics = pixel::roiStatistics(*values, 0, modality, in.padding, roi);
                }
            }
            r.text = areaText(r);
            if (r.statistics) {
                const auto& st = *r.statistics;
                std::snprintf(text, sizeof text, "\nn %zu  mean %.1f  SD %.1f  min %g  max %g%s%s",
                              st.count, st.mean, st.sd, st.min, st.max, unit.empty() ? "" : " ",
                              unit.c_str());
                r.text += text;
            }
            break;
        }
        case Tool::WindowLevel:
            break;
    }
    return r;
}

}  // namespace dcmlens::viewer
