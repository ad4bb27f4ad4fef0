#include "cli/render_engine.hpp"

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"

namespace dcmlens::cli {

Decoded decodeInput(const std::string& path, const RenderSettings& s, Timings& timings) {
    return timings.measure("decode", [&] {
        dicom::DicomFile file(path);
        if (!file.hasImage()) {
            throw Error("no pixel data (7FE0,0010): not an image");
        }
        model::PixelBuffer frame = file.decodeFrame(s.frame);
        return Decoded{file.release(), std::move(frame)};
    });
}

pixel::Image renderDecoded(const Decoded& d, const RenderSettings& s, GpuSession& gpu,
                           Timings& timings) {
    const model::Instance& instance = d.instance;
    const model::PixelBuffer& frame = d.frame;
    const int width = s.size ? s.size->first : frame.width();
    const int height = s.size ? s.size->second : frame.height();
    const pixel::ViewMapping view =
        s.size ? pixel::fitView(frame.width(), frame.height(),
                                pixel::pixelAspect(instance.geometry), width, height)
               : pixel::ViewMapping{};
    const pixel::FrameRef ref{frame, 0, s.frame};
    const bool grayscale =
        frame.samples() == 1 && instance.pixel.photometric != model::Photometric::PaletteColor;
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
