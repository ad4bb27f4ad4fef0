#include "app/probe.hpp"

#include "common/error.hpp"
#include "viewer/commands.hpp"

namespace dcmlens::app {

std::optional<Probe> probePixel(workspace::Workspace& workspace, const workspace::Viewport& v,
                                int k, int frame, int x, int y) {
    session::StackSession* session = v.empty() ? nullptr : workspace.session(v.seriesId);
    if (!session || !session->resident(frame)) {
        return std::nullopt;
    }
    const model::Instance& in = session->instanceOf(frame);
    if (x < 0 || y < 0 || x >= in.pixel.columns || y >= in.pixel.rows) {
        return std::nullopt;
    }
    const int f = session->frameInInstance(frame);
    std::array<std::int64_t, 3> samples{};
    for (int c = 0; c < std::min(3, in.pixel.samplesPerPixel); ++c) {
        samples[static_cast<std::size_t>(c)] = session->storedValue(frame, x, y, c);
    }
    std::optional<pixel::GrayPipeline> gray;
    if (in.pixel.samplesPerPixel == 1 && in.pixel.photometric != model::Photometric::PaletteColor) {
        pixel::DisplayOptions options = viewer::displayOptions(v.view, in);
        options.stage = pixel::DisplayOptions::Stage::Output;
        const model::PixelBuffer none;
        gray = pixel::makeGrayPipeline(in, {none, 0, f}, options);
    }
    Probe p;
    try {
        static_cast<pixel::PixelProbe&>(p) =
            pixel::probePixel(in, samples, gray ? &*gray : nullptr, v.view.colormap);
    } catch (const Error&) {
        return std::nullopt;  // a palette image without its tables: nothing to show
    }
    p.viewport = k;
    p.x = x;
    p.y = y;
    p.frame = frame;
    return p;
}

}  // namespace dcmlens::app
