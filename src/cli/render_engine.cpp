#include "cli/render_engine.hpp"

#include "cli/remote_input.hpp"
#include "common/error.hpp"
#include "dicom/dicom_file.hpp"

namespace dcmlens::cli {

const std::set<std::string>& viewOptionNames() {
    static const std::set<std::string> names = {"--size", "--interp", "--flip", "--rotate"};
    return names;
}

pixel::Orientation readOrientation(const Arguments& a) {
    std::optional<char> flip;
    if (auto f = a.value("--flip")) {
        if (*f != "h" && *f != "v") {
            throw UsageError{"--flip is h (left-right) or v (top-bottom), not '" + *f + "'"};
        }
        flip = (*f)[0];
    }
    int degrees = 0;
    if (auto r = a.value("--rotate")) {
        if (*r != "0" && *r != "90" && *r != "180" && *r != "270") {
            throw UsageError{"--rotate is 90, 180 or 270 (degrees clockwise), not '" + *r + "'"};
        }
        degrees = std::stoi(*r);
    }
    return pixel::Orientation::fromFlipAndRotation(flip, degrees);
}

void readViewOptions(const Arguments& a, RenderSettings& settings) {
    settings.orientation = readOrientation(a);
    if (auto s = a.value("--size")) {
        auto [w, h] = parsePair("--size", *s, 'x');
        if (w < 1 || h < 1 || w > 16384 || h > 16384) {
            throw UsageError{"--size needs WxH between 1x1 and 16384x16384"};
        }
        settings.size = std::make_pair(static_cast<int>(w), static_cast<int>(h));
    }
    if (auto i = a.value("--interp")) {
        if (*i != "nearest" && *i != "linear") {
            throw UsageError{"--interp is nearest or linear, not '" + *i + "'"};
        }
        settings.linear = *i == "linear";
    }
}

Decoded decodeInput(const std::string& path, const RenderSettings& s, Timings& timings) {
    return timings.measure("decode", [&] {
        const std::unique_ptr<dicom::DicomFile> file = openInput(path);  // or a retrieved instance
        if (!file->hasImage()) {
            throw Error("no pixel data (7FE0,0010): not an image");
        }
        model::PixelBuffer frame = file->decodeFrame(s.frame);
        return Decoded{file->release(), std::move(frame)};
    });
}

pixel::Image renderDecoded(const Decoded& d, const RenderSettings& s, GpuSession& gpu,
                           Timings& timings) {
    const model::Instance& instance = d.instance;
    const model::PixelBuffer& frame = d.frame;
    // Without --size: one output pixel per image pixel, the image turned as asked (a quarter turn
    // makes a rows x columns output).
    const bool swaps = s.orientation.swapsAxes();
    const int width = s.size ? s.size->first : (swaps ? frame.height() : frame.width());
    const int height = s.size ? s.size->second : (swaps ? frame.width() : frame.height());
    pixel::ViewMapping view;
    if (s.size) {
        view = pixel::fitView(frame.width(), frame.height(), pixel::pixelAspect(instance.geometry),
                              width, height, s.orientation);
    } else {
        view.orientation = s.orientation;
    }
    const pixel::FrameRef ref{frame, 0, s.frame};
    const bool grayscale =
        frame.samples() == 1 && instance.pixel.photometric != model::Photometric::PaletteColor;
    // A window, VOI function or VOI LUT belongs to greyscale images (PS3.3 C.11.2): asked of a
    // colour image, it is an error rather than silently ignored.
    if (!grayscale && (s.options.windowMode != pixel::DisplayOptions::WindowMode::FileDefault ||
                       s.options.voiFunction || s.options.voiLutIndex)) {
        throw Error(std::string("--window, --voi-function and --voi-lut apply to greyscale "
                                "images; this one is ") +
                    instance.pixel.photometricText + " (PS3.3 C.11.2)");
    }
    if (!grayscale && s.options.stage != pixel::DisplayOptions::Stage::Output) {
        throw Error(std::string("--stage ") + pixel::stageName(s.options.stage) +
                    " is for greyscale images; this one is colour");
    }
    if (s.cpu) {
        return timings.measure("cpu render", [&] {
            return pixel::renderView(instance, ref, s.options, width, height, view, s.linear);
        });
    }
    std::optional<pixel::GrayPipeline> gray;
    if (grayscale) {
        gray = pixel::makeGrayPipeline(instance, ref, s.options);
    }
    return gpu.render(d, ref, gray, s, width, height, view,
                      grayscale && s.options.colormap == "gray", timings);
}

}  // namespace dcmlens::cli
