#include "pixel/render.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "pixel/auto_window.hpp"
#include "pixel/color.hpp"
#include "pixel/colormap.hpp"

namespace dcmlens::pixel {

bool invertsOutput(const model::Instance& instance, const DisplayOptions& options) {
    if (auto shape = options.presentation ? options.presentation : instance.presentationShape) {
        return *shape == model::PresentationShape::Inverse;
    }
    return instance.pixel.photometric == model::Photometric::Monochrome1;
}

GrayPipeline makeGrayPipeline(const model::Instance& instance, const FrameRef& ref,
                              const DisplayOptions& options) {
    const int frame = ref.instanceFrame;
    GrayPipeline p;
    p.modality = ModalityTransform(instance.modalityFor(frame), instance.pixel);
    p.invert = invertsOutput(instance, options);
    const model::VoiFunction function =
        options.voiFunction.value_or(instance.voiFunctionFor(frame));
    const auto& windows = instance.windowsFor(frame);
    const VoiTransform noVoi = VoiTransform::none(p.modality.absMinimum(), p.modality.absMaximum());

    if (options.voiLutIndex) {
        const int k = *options.voiLutIndex;
        if (k < 0 || k >= static_cast<int>(instance.voi.luts.size())) {
            throw Error("VOI LUT " + std::to_string(k + 1) + " does not exist (the file has " +
                        std::to_string(instance.voi.luts.size()) + ")");
        }
        p.voi = VoiTransform::lut(instance.voi.luts[static_cast<std::size_t>(k)]);
        return p;
    }

    std::optional<model::Window> window;
    using Mode = DisplayOptions::WindowMode;
    Mode mode = options.windowMode;
    if (mode == Mode::FileDefault) {
        mode = windows.empty() ? Mode::MinMax : Mode::Index;
    }
    switch (mode) {
        case Mode::Index: {
            const int k = mode == options.windowMode ? options.windowIndex : 0;
            if (k < 0 || k >= static_cast<int>(windows.size())) {
                throw Error("window " + std::to_string(k + 1) + " does not exist (the file has " +
                            std::to_string(windows.size()) + ")");
            }
            window = windows[static_cast<std::size_t>(k)];
            break;
        }
        case Mode::Explicit:
            window = model::Window{options.center, options.width, "explicit"};
            break;
        case Mode::MinMax:
            if (auto range =
                    modalityRange(ref.buffer, ref.bufferFrame, p.modality, instance.padding)) {
                window = minMaxWindow(*range);
            }
            break;
        case Mode::Percentile:
            window = percentileWindow(ref.buffer, ref.bufferFrame, p.modality, instance.padding,
                                      options.percentileLow, options.percentileHigh);
            break;
        case Mode::None:
        case Mode::FileDefault:
            break;
    }
    // A min-max window is LINEAR by definition (DCMTK's +Wm); other windows use the function
    // asked for. An invalid width falls back to no VOI, as DCMTK does.
    const model::VoiFunction fn = mode == Mode::MinMax ? model::VoiFunction::Linear : function;
    std::optional<VoiTransform> voi;
    if (window) {
        voi = VoiTransform::window(window->center, window->width, fn);
    }
    p.voi = voi.value_or(noVoi);
    return p;
}

namespace {

Image renderGray(const model::Instance& instance, const FrameRef& ref,
                 const DisplayOptions& options) {
    const GrayPipeline pipeline = makeGrayPipeline(instance, ref, options);
    const model::PixelBuffer& frames = ref.buffer;
    const int frame = ref.bufferFrame;
    const Colormap* colormap = findColormap(options.colormap);
    if (colormap == nullptr) {
        throw Error("unknown colormap '" + options.colormap + "'");
    }
    const bool gray = colormap->isGray();
    Image out(frames.width(), frames.height(), gray ? 1 : 3);
    for (int y = 0; y < frames.height(); ++y) {
        for (int x = 0; x < frames.width(); ++x) {
            const int level = pipeline.output(frames.at(frame, x, y, 0));
            std::uint8_t* o = out.pixel(x, y);
            if (gray) {
                o[0] = static_cast<std::uint8_t>(level);
            } else {
                const auto& rgb = colormap->table[static_cast<std::size_t>(level)];
                o[0] = rgb[0];
                o[1] = rgb[1];
                o[2] = rgb[2];
            }
        }
    }
    return out;
}

Image renderColor(const model::Instance& instance, const model::PixelBuffer& frames, int frame) {
    Image out(frames.width(), frames.height(), 3);
    const int bits = instance.pixel.bitsStored;
    const model::Photometric photometric = instance.decodedPhotometric;
    const bool ybr = photometric == model::Photometric::YbrFull ||
                     photometric == model::Photometric::YbrFull422 ||
                     photometric == model::Photometric::YbrPartial422;
    for (int y = 0; y < frames.height(); ++y) {
        for (int x = 0; x < frames.width(); ++x) {
            std::int64_t s[3] = {frames.at(frame, x, y, 0), frames.at(frame, x, y, 1),
                                 frames.at(frame, x, y, 2)};
            if (ybr) {
                const auto rgb =
                    ybrToRgb(s[0], s[1], s[2], bits, photometric == model::Photometric::YbrFull);
                std::copy(rgb.begin(), rgb.end(), s);
            }
            std::uint8_t* o = out.pixel(x, y);
            for (int c = 0; c < 3; ++c) {
                o[c] = static_cast<std::uint8_t>(colorTo8Bit(s[c], bits));
            }
        }
    }
    return out;
}

Image renderPalette(const model::Instance& instance, const model::PixelBuffer& frames, int frame) {
    if (!instance.palette) {
        throw Error("PALETTE COLOR image without complete palette tables (0028,1101-1203)");
    }
    Image out(frames.width(), frames.height(), 3);
    for (int y = 0; y < frames.height(); ++y) {
        for (int x = 0; x < frames.width(); ++x) {
            const auto rgb = paletteLookup(*instance.palette, frames.at(frame, x, y, 0));
            std::uint8_t* o = out.pixel(x, y);
            for (int c = 0; c < 3; ++c) {
                o[c] = static_cast<std::uint8_t>(rgb[c]);
            }
        }
    }
    return out;
}

}  // namespace

Image renderFrame(const model::Instance& instance, const FrameRef& ref,
                  const DisplayOptions& options) {
    if (ref.bufferFrame < 0 || ref.bufferFrame >= ref.buffer.frames()) {
        throw Error("frame " + std::to_string(ref.instanceFrame + 1) + " is not decoded");
    }
    if (ref.buffer.samples() == 3) {
        return renderColor(instance, ref.buffer, ref.bufferFrame);
    }
    if (instance.pixel.photometric == model::Photometric::PaletteColor) {
        return renderPalette(instance, ref.buffer, ref.bufferFrame);
    }
    return renderGray(instance, ref, options);
}

double pixelAspect(const model::Geometry& geometry) {
    if (geometry.pixelSpacing && (*geometry.pixelSpacing)[0] > 0 &&
        (*geometry.pixelSpacing)[1] > 0) {
        return (*geometry.pixelSpacing)[0] / (*geometry.pixelSpacing)[1];
    }
    if (geometry.aspectRatio && (*geometry.aspectRatio)[0] > 0 && (*geometry.aspectRatio)[1] > 0) {
        return (*geometry.aspectRatio)[0] / (*geometry.aspectRatio)[1];
    }
    return 1.0;
}

Image letterbox(const Image& image, int width, int height, double aspect) {
    Image out(width, height, image.channels);
    const double shownW = image.width;
    const double shownH = image.height * aspect;
    const double scale = std::min(width / shownW, height / shownH);
    const double drawW = shownW * scale;
    const double drawH = shownH * scale;
    const double x0 = (width - drawW) / 2;
    const double y0 = (height - drawH) / 2;
    for (int y = 0; y < height; ++y) {
        const double v = (y + 0.5 - y0) / drawH;
        if (v < 0 || v >= 1) {
            continue;
        }
        const int sy = std::min(image.height - 1, static_cast<int>(v * image.height));
        for (int x = 0; x < width; ++x) {
            const double u = (x + 0.5 - x0) / drawW;
            if (u < 0 || u >= 1) {
                continue;
            }
            const int sx = std::min(image.width - 1, static_cast<int>(u * image.width));
            std::copy_n(image.pixel(sx, sy), image.channels, out.pixel(x, y));
        }
    }
    return out;
}

}  // namespace dcmlens::pixel
