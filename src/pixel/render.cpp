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

const char* stageName(DisplayOptions::Stage stage) {
    switch (stage) {
        case DisplayOptions::Stage::Output:
            return "output";
        case DisplayOptions::Stage::Voi:
            return "voi";
        case DisplayOptions::Stage::Modality:
            return "modality";
        case DisplayOptions::Stage::Stored:
            return "stored";
    }
    return "output";
}

std::optional<DisplayOptions::Stage> parseStage(const std::string& name) {
    for (auto stage : {DisplayOptions::Stage::Output, DisplayOptions::Stage::Voi,
                       DisplayOptions::Stage::Modality, DisplayOptions::Stage::Stored}) {
        if (name == stageName(stage)) {
            return stage;
        }
    }
    return std::nullopt;
}

GrayPipeline makeGrayPipeline(const model::Instance& instance, const FrameRef& ref,
                              const DisplayOptions& options) {
    const int frame = ref.instanceFrame;
    using Stage = DisplayOptions::Stage;
    GrayPipeline p;
    p.modality = options.stage == Stage::Stored
                     ? ModalityTransform(model::ModalityInfo{}, instance.pixel)  // identity
                     : ModalityTransform(instance.modalityFor(frame), instance.pixel);
    p.invert = options.stage == Stage::Output && invertsOutput(instance, options);
    if (options.stage == Stage::Stored || options.stage == Stage::Modality) {
        // A value stage: a LINEAR window over the values (the one given, else min-max), no VOI
        // LUT, so that the grey level is proportional to the value shown.
        std::optional<model::Window> window;
        if (options.windowMode == DisplayOptions::WindowMode::Explicit) {
            window = model::Window{options.center, options.width, "explicit"};
        } else if (auto range =
                       modalityRange(ref.buffer, ref.bufferFrame, p.modality, instance.padding)) {
            window = minMaxWindow(*range);
        }
        std::optional<VoiTransform> voi;
        if (window) {
            voi = VoiTransform::window(window->center, window->width, model::VoiFunction::Linear);
        }
        p.voi = voi.value_or(VoiTransform::none(p.modality.absMinimum(), p.modality.absMaximum()));
        return p;
    }
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

// Calls f(x, y, px, py) for every output pixel whose point p = (px, py) is inside the image;
// other pixels stay black. The view's orientation turns output pixels into view pixels first
// (integers: exact), then p = (view pixel + 0.5 - offset) * scale.
template <class F>
void forEachOutputPixel(int width, int height, int imageWidth, int imageHeight,
                        const ViewMapping& view, F&& f) {
    if (!view.orientation.identity()) {
        for (int y = 0; y < height; ++y) {
            for (int x = 0; x < width; ++x) {
                int u = 0;
                int v = 0;
                outputToViewPixel(view.orientation, width, height, x, y, u, v);
                const double px = (u + 0.5 - view.offsetX) * view.scaleX;
                const double py = (v + 0.5 - view.offsetY) * view.scaleY;
                if (px >= 0 && py >= 0 && px < imageWidth && py < imageHeight) {
                    f(x, y, px, py);
                }
            }
        }
        return;
    }
    for (int y = 0; y < height; ++y) {
        const double py = (y + 0.5 - view.offsetY) * view.scaleY;
        if (py < 0 || py >= imageHeight) {
            continue;
        }
        for (int x = 0; x < width; ++x) {
            const double px = (x + 0.5 - view.offsetX) * view.scaleX;
            if (px < 0 || px >= imageWidth) {
                continue;
            }
            f(x, y, px, py);
        }
    }
}

Image renderGray(const model::Instance& instance, const FrameRef& ref,
                 const DisplayOptions& options, int width, int height, const ViewMapping& view,
                 bool linear) {
    const GrayPipeline pipeline = makeGrayPipeline(instance, ref, options);
    const Colormap* colormap = findColormap(options.colormap);
    if (colormap == nullptr) {
        throw Error("unknown colormap '" + options.colormap + "'");
    }
    const model::PixelBuffer& frames = ref.buffer;
    const int frame = ref.bufferFrame;
    const int w = frames.width();
    const int h = frames.height();
    auto modalityAt = [&](int x, int y) {
        return pipeline.modality.apply(
            frames.at(frame, std::clamp(x, 0, w - 1), std::clamp(y, 0, h - 1), 0));
    };
    const bool gray = colormap->isGray();
    Image out(width, height, gray ? 1 : 3);
    forEachOutputPixel(width, height, w, h, view, [&](int x, int y, double px, double py) {
        double m;
        if (linear) {
            const double qx = px - 0.5;
            const double qy = py - 0.5;
            const int x0 = static_cast<int>(std::floor(qx));
            const int y0 = static_cast<int>(std::floor(qy));
            const double fx = qx - x0;
            const double fy = qy - y0;
            const double top = modalityAt(x0, y0) * (1 - fx) + modalityAt(x0 + 1, y0) * fx;
            const double bottom =
                modalityAt(x0, y0 + 1) * (1 - fx) + modalityAt(x0 + 1, y0 + 1) * fx;
            m = top * (1 - fy) + bottom * fy;
        } else {
            m = modalityAt(static_cast<int>(px), static_cast<int>(py));
        }
        const int level = quantise(pipeline.voi.apply(m, pipeline.invert));
        std::uint8_t* o = out.pixel(x, y);
        if (gray) {
            o[0] = static_cast<std::uint8_t>(level);
        } else {
            std::copy_n(colormap->table[static_cast<std::size_t>(level)].begin(), 3, o);
        }
    });
    return out;
}

Image renderColor(const model::Instance& instance, const model::PixelBuffer& frames, int frame,
                  int width, int height, const ViewMapping& view) {
    Image out(width, height, 3);
    const int bits = instance.pixel.bitsStored;
    const model::Photometric photometric = instance.decodedPhotometric;
    const bool ybr = photometric == model::Photometric::YbrFull ||
                     photometric == model::Photometric::YbrFull422 ||
                     photometric == model::Photometric::YbrPartial422;
    const bool palette = frames.samples() == 1;
    if (palette && !instance.palette) {
        throw Error("PALETTE COLOR image without complete palette tables (0028,1101-1203)");
    }
    forEachOutputPixel(
        width, height, frames.width(), frames.height(), view,
        [&](int x, int y, double px, double py) {
            const int ix = static_cast<int>(px);
            const int iy = static_cast<int>(py);
            std::uint8_t* o = out.pixel(x, y);
            if (palette) {
                const auto rgb = paletteLookup(*instance.palette, frames.at(frame, ix, iy, 0));
                for (int c = 0; c < 3; ++c) {
                    o[c] = static_cast<std::uint8_t>(rgb[c]);
                }
                return;
            }
            std::int64_t s[3] = {frames.at(frame, ix, iy, 0), frames.at(frame, ix, iy, 1),
                                 frames.at(frame, ix, iy, 2)};
            if (ybr) {
                const auto rgb =
                    ybrToRgb(s[0], s[1], s[2], bits, photometric == model::Photometric::YbrFull);
                std::copy(rgb.begin(), rgb.end(), s);
            }
            for (int c = 0; c < 3; ++c) {
                o[c] = static_cast<std::uint8_t>(colorTo8Bit(s[c], bits));
            }
        });
    return out;
}

}  // namespace

Image renderView(const model::Instance& instance, const FrameRef& ref,
                 const DisplayOptions& options, int width, int height, const ViewMapping& view,
                 bool linear) {
    if (ref.bufferFrame < 0 || ref.bufferFrame >= ref.buffer.frames()) {
        throw Error("frame " + std::to_string(ref.instanceFrame + 1) + " is not decoded");
    }
    if (ref.buffer.samples() == 3 ||
        instance.pixel.photometric == model::Photometric::PaletteColor) {
        return renderColor(instance, ref.buffer, ref.bufferFrame, width, height, view);
    }
    return renderGray(instance, ref, options, width, height, view, linear);
}

Image renderFrame(const model::Instance& instance, const FrameRef& ref,
                  const DisplayOptions& options) {
    return renderView(instance, ref, options, ref.buffer.width(), ref.buffer.height(),
                      ViewMapping{}, false);
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

ViewMapping fitView(int imageWidth, int imageHeight, double aspect, int width, int height) {
    const double shownW = imageWidth;
    const double shownH = imageHeight * aspect;
    const double zoom = std::min(width / shownW, height / shownH);
    ViewMapping v;
    v.offsetX = (width - shownW * zoom) / 2;
    v.offsetY = (height - shownH * zoom) / 2;
    v.scaleX = 1 / zoom;
    v.scaleY = 1 / (zoom * aspect);
    return v;
}

Image resample(const Image& image, int width, int height, const ViewMapping& view) {
    Image out(width, height, image.channels);
    forEachOutputPixel(width, height, image.width, image.height, view,
                       [&](int x, int y, double px, double py) {
                           std::copy_n(image.pixel(static_cast<int>(px), static_cast<int>(py)),
                                       image.channels, out.pixel(x, y));
                       });
    return out;
}

ViewMapping fitView(int imageWidth, int imageHeight, double aspect, int width, int height,
                    const Orientation& orientation) {
    ViewMapping v = fitView(imageWidth, imageHeight, aspect, viewWidth(orientation, width, height),
                            viewHeight(orientation, width, height));
    v.orientation = orientation;
    return v;
}

}  // namespace dcmlens::pixel
