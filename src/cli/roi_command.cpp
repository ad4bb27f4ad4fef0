// `dcmlens roi PATH (--rect X,Y,W,H | --ellipse X,Y,W,H | --line X0,Y0,X1,Y1) [--frame N]
// [--json]`: statistics of modality values in a region, or a line's profile and length in mm
// (pixel/roi.hpp).

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/json_writer.hpp"
#include "cli/report.hpp"
#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "model/display_text.hpp"
#include "pixel/roi.hpp"

namespace dcmlens::cli {

namespace {

std::vector<double> parseNumbers(const std::string& option, const std::string& text,
                                 std::size_t count) {
    std::vector<double> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        char* end = nullptr;
        const double v = std::strtod(item.c_str(), &end);
        if (item.empty() || *end != '\0') {
            break;
        }
        out.push_back(v);
    }
    if (out.size() != count) {
        throw UsageError{option + " needs " + std::to_string(count) +
                         " numbers separated by commas, not '" + text + "'"};
    }
    return out;
}

std::string joined(const std::vector<double>& v) {
    std::ostringstream s;
    for (std::size_t i = 0; i < v.size(); ++i) {
        s << (i ? "," : "") << v[i];
    }
    return s.str();
}

std::string sizeText(const model::PixelBuffer& buffer) {
    return std::to_string(buffer.width()) + "x" + std::to_string(buffer.height()) + " image";
}

}  // namespace

int runRoi(const std::vector<std::string>& args) {
    const Arguments a(args, {"--json"}, {"--rect", "--ellipse", "--line", "--frame"});
    const int shapes =
        (a.value("--rect") ? 1 : 0) + (a.value("--ellipse") ? 1 : 0) + (a.value("--line") ? 1 : 0);
    if (a.positionals().size() != 1 || shapes != 1) {
        throw UsageError{
            "roi needs FILE and one of --rect X,Y,W,H, --ellipse X,Y,W,H, --line X0,Y0,X1,Y1"};
    }
    const int frame = a.value("--frame") ? parseInt("--frame", *a.value("--frame"), 1) - 1 : 0;
    const std::string& path = a.positionals()[0];
    try {
        dicom::DicomFile file(path);
        if (!file.hasImage()) {
            throw Error("no pixel data (7FE0,0010): not an image");
        }
        const model::PixelBuffer buffer = file.decodeFrame(frame);
        const model::Instance& in = file.instance();
        if (buffer.samples() != 1 || in.pixel.photometric == model::Photometric::PaletteColor) {
            throw Error("regions measure greyscale images");
        }
        const pixel::ModalityTransform modality(in.modalityFor(frame), in.pixel);
        const std::string units = model::modalityUnits(in.modalityFor(frame), in.modalityCode);
        JsonWriter j;
        j.beginObject();
        j.key("units").value(units);
        std::ostringstream text;
        if (auto line = a.value("--line")) {
            const auto p = parseNumbers("--line", *line, 4);
            // The profile samples pixels: a line must lie on the image (its ends on the edges at
            // most), or the nearest-pixel samples would repeat the border silently.
            for (int end = 0; end < 2; ++end) {
                const double x = p[2 * end];
                const double y = p[2 * end + 1];
                if (!(x >= 0 && y >= 0 && x <= buffer.width() && y <= buffer.height())) {
                    throw Error("the line's " + std::string(end ? "end" : "start") + " (" +
                                joined({x, y}) + ") is outside the " + sizeText(buffer));
                }
            }
            const auto profile = pixel::lineProfile(buffer, 0, modality, p[0], p[1], p[2], p[3]);
            const auto mm = pixel::distanceMm(in.geometry, p[0], p[1], p[2], p[3]);
            j.key("length_px").value(std::hypot(p[2] - p[0], p[3] - p[1]));
            j.key("length_mm");
            mm ? j.value(*mm) : j.null();
            j.key("profile").beginArray();
            for (double v : profile) {
                j.value(v);
                text << v << "\n";
            }
            j.endArray();
            text << "length " << std::hypot(p[2] - p[0], p[3] - p[1]) << " px";
            if (mm) {
                text << ", " << *mm << " mm";
            }
            text << "\n";
        } else {
            const bool ellipse = a.value("--ellipse").has_value();
            const auto p = parseNumbers(ellipse ? "--ellipse" : "--rect",
                                        ellipse ? *a.value("--ellipse") : *a.value("--rect"), 4);
            const std::string shape = ellipse ? "ellipse" : "rectangle";
            if (!(p[2] > 0 && p[3] > 0)) {
                throw Error("the " + shape + " " + joined(p) +
                            " is empty: its width and height must be greater than 0");
            }
            pixel::Roi roi{ellipse ? pixel::Roi::Shape::Ellipse : pixel::Roi::Shape::Rectangle,
                           p[0], p[1], p[2], p[3]};
            const pixel::RoiBounds bounds =
                pixel::clipToImage(roi, buffer.width(), buffer.height());
            if (bounds.width <= 0 || bounds.height <= 0) {
                throw Error("the " + shape + " " + joined(p) + " lies outside the " +
                            sizeText(buffer));
            }
            const auto s = pixel::roiStatistics(buffer, 0, modality, in.padding, roi);
            if (s.count == 0) {
                throw Error("the " + shape + " " + joined(p) + " holds no pixel" +
                            (s.padding > 0 ? " that is not padding (" +
                                                 model::countText(s.padding, "padding pixel") + ")"
                                           : " centre"));
            }
            const std::vector<double> measured{bounds.x, bounds.y, bounds.width, bounds.height};
            j.key("clipped").value(bounds.clipped);
            j.key("measured").beginArray();
            for (double v : measured) {
                j.value(v);
            }
            j.endArray();
            j.key("padding").value(static_cast<unsigned long>(s.padding));
            j.key("count").value(static_cast<unsigned long>(s.count));
            j.key("mean")
                .value(s.mean)
                .key("sd")
                .value(s.sd)
                .key("min")
                .value(s.min)
                .key("max")
                .value(s.max);
            const std::string unit = units.empty() ? "" : " " + units;
            text << "n " << s.count << "  mean " << s.mean << unit << "  SD " << s.sd << unit
                 << "  min " << s.min << unit << "  max " << s.max << unit << "\n";
            if (bounds.clipped) {
                text << "clipped: the " << shape << " reaches outside the " << sizeText(buffer)
                     << "; measured inside " << joined(measured) << " only\n";
            }
        }
        j.endObject();
        std::cout << (a.has("--json") ? j.str() + "\n" : text.str());
        return 0;
    } catch (const Error& e) {
        return reportError(path, e.what());
    }
}

}  // namespace dcmlens::cli
